// Feedback themes recover the topics the generator planted in its comments (truth.json: feedback.topics):
// each topic's comments land in one theme of their own, named by the topic's words, and the churn
// difference the plant implies lies inside the theme's reported 95% interval. The generator picks a topic
// with share a when the customer, paying at the answer, churns within 90 days after it, else with share b;
// among answers with base churn share π (the report's churn_rate), raisers then churn at aπ / (aπ + b(1 − π))
// and the others at (1 − a)π / ((1 − a)π + (1 − b)(1 − π)).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { FeedbackConfigSchema } from '../../src/feedback/config.ts';
import { feedbackReport } from '../../src/feedback/feedback.ts';
import { keywordStems } from '../../src/feedback/text.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { PARAMS } from '../../src/synth/truth.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

const TOPICS = PARAMS.feedback.topics;

/** The planted churn difference of a topic at base churn share π (see the comment at the top). */
export function plantedDifference(a: number, b: number, pi: number): number {
  const raisers = (a * pi) / (a * pi + b * (1 - pi));
  const others = ((1 - a) * pi) / ((1 - a) * pi + (1 - b) * (1 - pi));
  return raisers - others;
}

test('themes recover the planted topics, with the planted churn difference inside their intervals', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-feedback-truth-'));
  const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  try {
    const data = join(dir, 'company');
    await generateCompany({ customers: 3000, months: 24, seed: 8, out: data });
    await ingest(db, { dataDir: data });
    // Every month of the data, so the churn comparison has as many answers as the company gives.
    const config = FeedbackConfigSchema.parse({ window_months: 24 });
    const report = await feedbackReport(db, { config, catalog: CATALOG });
    const pi = report.churn_rate;
    assert.ok(pi !== null && pi > 0, 'some answers are followed by churn');
    const start = Date.parse(report.window.start);
    const comments = (
      await db.query<{ comment: string; answered_at: string }>(
        'SELECT comment, answered_at FROM feedback WHERE comment IS NOT NULL',
      )
    ).filter((c) => Date.parse(String(c.answered_at)) >= start);
    const examplesOf = new Map<string, string>();
    const used = new Set<string>();
    for (const [name, topic] of Object.entries(TOPICS)) {
      const phrases = new Set<string>(topic.phrases);
      // The theme holding most of the topic's phrases (every example comes from its theme's comments).
      const theme = report.themes.find((t) => t.examples.some((e) => phrases.has(e)));
      assert.ok(theme, `a theme holds the ${name} comments: ${report.themes.map((t) => t.name).join(' | ')}`);
      assert.ok(!used.has(theme.id), `${name} has a theme of its own (${theme.name})`);
      used.add(theme.id);
      examplesOf.set(name, theme.name);
      assert.ok(
        theme.examples.every((e) => phrases.has(e)),
        `${theme.name} holds only ${name} comments: ${theme.examples.join(' | ')}`,
      );
      // As many comments as the topic has, give or take a tenth (a few other comments may share its words).
      const plantedComments = comments.filter((c) => phrases.has(c.comment)).length;
      assert.ok(
        Math.abs(theme.comments - plantedComments) <= 0.1 * plantedComments,
        `${theme.name}: ${theme.comments} comments, ${plantedComments} planted ${name} comments`,
      );
      const named = new Set(keywordStems(theme.terms.slice(0, 3)));
      assert.ok(
        keywordStems(topic.words).some((s) => named.has(s)),
        `${theme.name} is named by the words of ${name}`,
      );
      const planted = plantedDifference(topic.share_if_churning, topic.share_otherwise, pi);
      const { lower_95, upper_95, difference } = theme.churn;
      assert.ok(lower_95 !== null && upper_95 !== null);
      assert.ok(
        lower_95 <= planted && planted <= upper_95,
        `${name}: planted ${planted.toFixed(3)} vs ${difference?.toFixed(3)} [${lower_95.toFixed(3)}, ${upper_95.toFixed(3)}]`,
      );
    }
    // The topics that raise churn lead the backlog; the integration topic (no effect planted) is not required to.
    const ranked = report.backlog.map((b) => b.name);
    assert.ok(
      ranked.includes(examplesOf.get('pricing') as string),
      `pricing in the backlog: ${ranked.join(', ')}`,
    );
    assert.ok(ranked.includes(examplesOf.get('support_response') as string));
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
