// Comments → themes. Seeded themes of tenure.yaml take the comments holding their keywords (by stem; a
// comment with words of two seeds goes to the one with more, then the first listed); the rest are grouped
// by discovery (TF-IDF + spherical k-means, cluster.ts). Every theme is named by its top terms: the stems
// most characteristic of it (share of its comments holding the stem × the stem's idf over all comments),
// written as their commonest word. A discovered theme's id is its first three terms joined by '-'; a
// configured theme (seeded, or merging discovered ids) takes its name from tenure.yaml. Discovered themes
// smaller than min_comments, and comments with no term enough comments share, are left unthemed.
import { clusterVectors } from './cluster.ts';
import type { FeedbackConfig } from './config.ts';
import { linkedKpis } from './kpi-links.ts';
import { keywordStems, type Tokens, tfIdf, tokenize } from './text.ts';

export interface Theme {
  id: string;
  name: string;
  /** True when tenure.yaml names it (seeded by keywords or merging discovered themes). */
  configured: boolean;
  /** Top terms, most characteristic first, as words. */
  terms: string[];
  /** The leading KPIs it should move: tenure.yaml's, else from its terms (kpi-links.ts). */
  kpis: string[];
  /** Indices of its comments in the input. */
  members: number[];
}

export interface Themed {
  themes: Theme[];
  /** Comments in no theme. */
  unthemed: number[];
  /** Mean silhouette of the discovered themes (null when fewer than two were sought). */
  silhouette: number | null;
  /** What the reader should know: merge ids that match no theme now, and the like. */
  notes: string[];
}

const TOP_TERMS = 6;

/** Stems most characteristic of a group of comments, with the word each is written as. */
function topTerms(tokens: readonly Tokens[], members: readonly number[], df: ReadonlyMap<string, number>) {
  const inTheme = new Map<string, number>();
  const word = new Map<string, Map<string, number>>();
  for (const m of members) {
    const t = tokens[m] as Tokens;
    for (const s of new Set(t.stems)) inTheme.set(s, (inTheme.get(s) ?? 0) + 1);
    t.stems.forEach((s, i) => {
      const w = word.get(s) ?? new Map<string, number>();
      w.set(t.words[i] as string, (w.get(t.words[i] as string) ?? 0) + 1);
      word.set(s, w);
    });
  }
  const n = tokens.length;
  const scored = [...inTheme.entries()]
    // A term held by one comment of the theme does not characterise it.
    .filter(([, c]) => c >= Math.min(2, members.length))
    .map(([s, c]) => ({ s, score: (c / members.length) * Math.log((1 + n) / (1 + (df.get(s) ?? 0))) }))
    .sort((a, b) => b.score - a.score || (a.s < b.s ? -1 : 1))
    .slice(0, TOP_TERMS);
  return scored.map(({ s }) => {
    const forms = [...(word.get(s) ?? new Map<string, number>()).entries()];
    forms.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { stem: s, word: forms[0]?.[0] ?? s };
  });
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');

/** Seeded themes' comments: for each comment, the seeded theme it belongs to, or −1. */
function seedAssignment(tokens: readonly Tokens[], seeds: readonly Set<string>[]): number[] {
  return tokens.map((t) => {
    let best = -1;
    let hits = 0;
    seeds.forEach((seed, i) => {
      const h = t.stems.filter((s) => seed.has(s)).length;
      if (h > hits) [best, hits] = [i, h];
    });
    return best;
  });
}

/** Groups the comments into themes as tenure.yaml's `feedback:` says; kpiIds are the catalog's ids. */
export function findThemes(
  comments: readonly string[],
  config: FeedbackConfig,
  kpiIds: ReadonlySet<string>,
): Themed {
  const tokens = comments.map(tokenize);
  const df = new Map<string, number>();
  for (const t of tokens) for (const s of new Set(t.stems)) df.set(s, (df.get(s) ?? 0) + 1);
  const seeded = config.themes.filter((t) => t.keywords?.length);
  const seedOf = seedAssignment(
    tokens,
    seeded.map((t) => new Set(keywordStems(t.keywords ?? []))),
  );
  const rest = seedOf.flatMap((s, i) => (s < 0 ? [i] : []));
  const restTokens = rest.map((i) => tokens[i] as Tokens);
  const minDf = Math.max(2, Math.ceil(0.003 * restTokens.length));
  const space = tfIdf(restTokens, minDf);
  const clustering = clusterVectors(space.vectors, space.terms.length, config.max_themes);
  const groups = new Map<number, number[]>();
  clustering.assignment.forEach((c, j) => {
    if (c >= 0) groups.set(c, [...(groups.get(c) ?? []), rest[j] as number]);
  });
  const unthemed = new Set(rest.filter((_, j) => (clustering.assignment[j] as number) < 0));
  const discovered: Theme[] = [];
  for (const members of groups.values()) {
    if (members.length < config.min_comments) {
      for (const m of members) unthemed.add(m);
      continue;
    }
    const terms = topTerms(tokens, members, df);
    const id =
      terms
        .slice(0, 3)
        .map((t) => t.word)
        .join('-') || `theme-${discovered.length + 1}`;
    discovered.push({
      id,
      name: terms
        .slice(0, 3)
        .map((t) => t.word)
        .join(', '),
      configured: false,
      terms: terms.map((t) => t.word),
      kpis: linkedKpis(
        terms.map((t) => t.stem),
        kpiIds,
      ),
      members,
    });
  }
  const notes: string[] = [];
  const merged = new Set<string>();
  const configured: Theme[] = config.themes.map((t) => {
    const seedIndex = seeded.indexOf(t);
    const members = seedIndex < 0 ? [] : seedOf.flatMap((s, i) => (s === seedIndex ? [i] : []));
    for (const id of t.merge ?? []) {
      const found = discovered.find((d) => d.id === id);
      if (found === undefined) {
        notes.push(`feedback.themes '${t.name}' merges '${id}', which no discovered theme is now`);
        continue;
      }
      merged.add(id);
      members.push(...found.members);
    }
    members.sort((a, b) => a - b);
    const terms = topTerms(tokens, members, df);
    const stems = [...terms.map((x) => x.stem), ...keywordStems(t.keywords ?? [])];
    return {
      id: slug(t.name),
      name: t.name,
      configured: true,
      terms: terms.map((x) => x.word),
      kpis: t.kpis ?? linkedKpis(stems, kpiIds),
      members,
    };
  });
  const themes = [...configured, ...discovered.filter((d) => !merged.has(d.id))]
    .filter((t) => t.members.length > 0 || t.configured)
    .sort((a, b) => b.members.length - a.members.length || (a.id < b.id ? -1 : 1));
  const seen = new Map<string, number>();
  for (const t of themes) {
    const n = (seen.get(t.id) ?? 0) + 1;
    seen.set(t.id, n);
    if (n > 1) t.id = `${t.id}-${n}`;
  }
  return {
    themes,
    unthemed: [...unthemed].sort((a, b) => a - b),
    silhouette: clustering.silhouette,
    notes,
  };
}
