// Comment text → terms: tokens of letters, lower case, without English stopwords (the `stopword` package's
// list and a few words every survey answer uses), reduced to their Porter stems (`stemmer`), so "exports",
// "exported" and "exporting" are one term. Then TF-IDF vectors over the terms enough comments share.
import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/** Words of survey answers that say nothing about a topic (the stopword list has the grammatical ones). */
const SURVEY_WORDS = [
  'really',
  'just',
  'also',
  'bit',
  'lot',
  'lots',
  'much',
  'still',
  'thing',
  'things',
  'way',
  'get',
  'got',
  'would',
  'could',
  'one',
  'ok',
  'okay',
  'overall',
  'honestly',
  'pretty',
  'quite',
  'well',
  'thanks',
  'thank',
  'please',
  'not',
  'every',
  'again',
];

const STOP = new Set([...eng, ...SURVEY_WORDS].map((w) => w.toLowerCase().replace(/’/g, "'")));

/** A comment's terms in order, and the word each came from (to name terms in words, not stems). */
export interface Tokens {
  stems: string[];
  words: string[];
}

/** Lower-cased words of letters (inner apostrophes kept: "don't"), stopwords and words under 3 letters out. */
export function tokenize(text: string): Tokens {
  const stems: string[] = [];
  const words: string[] = [];
  const matches = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/’/g, "'")
    .match(/\p{L}+(?:'\p{L}+)*/gu);
  for (const raw of matches ?? []) {
    // Stopwords, and contractions of not ("doesn't"), which name no topic.
    if (STOP.has(raw) || raw.endsWith("n't")) continue;
    // "customer's" → "customer"; what is left after the apostrophe is grammar.
    const word = raw.replace(/'.*$/, '');
    if (word.length < 3 || STOP.has(word)) continue;
    stems.push(stemmer(word));
    words.push(word);
  }
  return { stems, words };
}

/** The stem of each keyword a person wrote (seed keywords in tenure.yaml), one term each. */
export function keywordStems(keywords: readonly string[]): string[] {
  return keywords.flatMap((k) => tokenize(k).stems.slice(0, 1));
}

/** A sparse vector: term indices ascending, with their weights. */
export interface SparseVector {
  terms: number[];
  weights: number[];
}

export interface TfIdf {
  /** The terms kept, by index. */
  terms: string[];
  /** Each term's commonest word, for names. */
  words: string[];
  /** Comments holding each term. */
  documentFrequency: number[];
  /** One L2-normalised vector per comment (empty when it holds no kept term). */
  vectors: SparseVector[];
}

/**
 * TF-IDF over the comments' stems: a term counts when at least `minDf` comments hold it (rarer ones are
 * typos and one-offs) and at most `maxDfShare` of them (commoner ones name no topic). Weight = (1 + ln tf) ×
 * (ln((1 + N) / (1 + df)) + 1), the smoothed idf of scikit-learn, then each vector scaled to length 1 so
 * cosine similarity is a dot product.
 */
export function tfIdf(docs: readonly Tokens[], minDf: number, maxDfShare = 0.5): TfIdf {
  const df = new Map<string, number>();
  const wordCounts = new Map<string, Map<string, number>>();
  for (const d of docs) {
    for (const s of new Set(d.stems)) df.set(s, (df.get(s) ?? 0) + 1);
    d.stems.forEach((s, i) => {
      const counts = wordCounts.get(s) ?? new Map<string, number>();
      const w = d.words[i] as string;
      counts.set(w, (counts.get(w) ?? 0) + 1);
      wordCounts.set(s, counts);
    });
  }
  const n = docs.length;
  const terms = [...df.entries()]
    .filter(([, f]) => f >= minDf && f <= maxDfShare * n)
    .map(([s]) => s)
    .sort();
  const index = new Map(terms.map((t, i) => [t, i]));
  const idf = terms.map((t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
  const vectors = docs.map((d) => {
    const tf = new Map<number, number>();
    for (const s of d.stems) {
      const i = index.get(s);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const ids = [...tf.keys()].sort((a, b) => a - b);
    const raw = ids.map((i) => (1 + Math.log(tf.get(i) as number)) * (idf[i] as number));
    const norm = Math.hypot(...raw);
    return { terms: ids, weights: raw.map((w) => w / norm) };
  });
  const words = terms.map((t) => commonest(wordCounts.get(t) as Map<string, number>));
  return { terms, words, documentFrequency: terms.map((t) => df.get(t) ?? 0), vectors };
}

/** The most frequent key; ties go to the alphabetically first, so names do not depend on order. */
function commonest(counts: Map<string, number>): string {
  let best = '';
  let most = -1;
  for (const [k, c] of counts) if (c > most || (c === most && k < best)) [best, most] = [k, c];
  return best;
}
