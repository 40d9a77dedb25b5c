// Feedback themes on hand-made comments: the words (stopwords out, stems), themes seeded by tenure.yaml and
// discovered by clustering, every figure of a theme computed by hand, the KPIs a theme links to, and the
// feedback: section's problems with their lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigProblemsError, formatPath } from '../catalog/problems.ts';
import { parseProjectFile } from '../catalog/project-file.ts';
import { newcombeDifference } from '../models/proportions.ts';
import { DEFAULT_FEEDBACK, FeedbackConfigSchema } from './config.ts';
import { feedbackWindow } from './feedback.ts';
import { linkedKpis } from './kpi-links.ts';
import { type CommentFacts, netPromoterScore, themeStats } from './stats.ts';
import { keywordStems, tokenize } from './text.ts';
import { findThemes } from './themes.ts';

const KPI_IDS = new Set([
  'customer_downgrade_rate',
  'downgrade_to_churn_conversion_rate',
  'feature_adoption_rate',
  'customer_satisfaction_score',
]);

test('comments become stems: lower case, stopwords and contractions of not out, inflections joined', () => {
  const t = tokenize("Exports don't work and the exporting is SLOW, customer's reports too");
  assert.deepEqual(t.stems, ['export', 'work', 'export', 'slow', 'custom', 'report']);
  assert.deepEqual(t.words, ['exports', 'work', 'exporting', 'slow', 'customer', 'reports']);
  assert.deepEqual(keywordStems(['Pricing', 'the', 'expensive']), ['price', 'expens']);
});

test('seeded themes take their keywords’ comments; the rest are discovered and named by their top terms', () => {
  const comments = [
    'Too expensive for us',
    'The price is high',
    'Pricing went up',
    'Exports are slow',
    'Slow exports every day',
    'The exports time out',
    'Exports fail on big files',
    'Love the alerts',
    'Alerts are great',
    'The alerts save hours',
    'Great alerts',
    'ok',
  ];
  const config = FeedbackConfigSchema.parse({
    max_themes: 4,
    min_comments: 3,
    themes: [{ name: 'Pricing', keywords: ['price', 'expensive'] }],
  });
  const found = findThemes(comments, config, KPI_IDS);
  const byMembers = found.themes.map((t) => [t.id, t.members]);
  assert.deepEqual(byMembers, [
    ['alerts-great', [7, 8, 9, 10]],
    ['exports-slow', [3, 4, 5, 6]],
    ['pricing', [0, 1, 2]],
  ]);
  // "ok" holds no term (under 3 letters): in no theme.
  assert.deepEqual(found.unthemed, [11]);
  const pricing = found.themes.find((t) => t.id === 'pricing');
  assert.equal(pricing?.name, 'Pricing');
  assert.equal(pricing?.configured, true);
  // Linked through the price row of kpi-links.ts, by its seed keywords.
  assert.deepEqual(pricing?.kpis, ['customer_downgrade_rate', 'downgrade_to_churn_conversion_rate']);
  assert.deepEqual(found.themes[1]?.kpis, ['feature_adoption_rate']);
  assert.deepEqual(found.themes[0]?.kpis, []);
});

test('merge folds discovered themes into a named one, and says when an id matches none', () => {
  const comments = [
    'Exports are slow',
    'Slow exports',
    'Exports time out',
    'Love alerts',
    'Great alerts',
    'Alerts',
  ];
  const config = FeedbackConfigSchema.parse({
    max_themes: 3,
    min_comments: 2,
    themes: [
      { name: 'Export speed', merge: ['slow-exports', 'gone-theme'], kpis: ['feature_adoption_rate'] },
    ],
  });
  const found = findThemes(comments, config, KPI_IDS);
  const merged = found.themes.find((t) => t.name === 'Export speed');
  assert.deepEqual(merged?.members, [0, 1, 2]);
  assert.deepEqual(merged?.kpis, ['feature_adoption_rate']);
  assert.ok(!found.themes.some((t) => t.id === 'slow-exports'));
  assert.deepEqual(found.notes, [
    "feedback.themes 'Export speed' merges 'gone-theme', which no discovered theme is now",
  ]);
});

const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`);
const fact = (
  customerId: string,
  day: string,
  kind: string,
  score: number,
  mrrAtAnswer: number,
  mrrNow: number,
  churned = false,
): CommentFacts => ({ customerId, answeredAt: at(day), kind, score, mrrAtAnswer, mrrNow, churned });

test('a theme’s figures, by hand', () => {
  const facts = [
    fact('c1', '2025-01-10', 'nps', 3, 100, 0, true), // theme; counted, churned
    fact('c2', '2025-02-10', 'nps', 9, 200, 200), // theme; counted
    fact('c3', '2025-02-15', 'csat', 2, 50, 50), // theme; counted
    fact('c4', '2025-03-01', 'nps', 10, 80, 80), // other; counted
    fact('c5', '2025-03-05', 'nps', 7, 0, 0), // other; not paying at the answer: not counted
    fact('c6', '2025-03-30', 'csat', 5, 60, 60), // other; 2025-03-30 + 90 days = 2025-06-28 ≤ as_of: counted
    fact('c7', '2025-05-20', 'nps', 6, 90, 90), // theme; window open at as_of: not counted
    fact('c2', '2025-06-02', 'nps', 8, 200, 200), // theme, c2 again; not counted
    fact('c8', '2025-06-10', 'csat', 4, 70, 70), // other; not counted
  ];
  const w = feedbackWindow('2025-07-01T00:00:00Z', { ...DEFAULT_FEEDBACK, window_months: 6 });
  assert.deepEqual(w.months, ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
  const s = themeStats(facts, [0, 1, 2, 6, 7], w);
  assert.equal(s.comments, 5);
  assert.equal(s.customers, 4); // c1, c2, c3, c7
  assert.equal(s.share, 5 / 9);
  assert.deepEqual(
    s.monthly.map((m) => m.comments),
    [1, 2, 0, 0, 1, 1],
  );
  // Latest 3 months (Apr–Jun): 2 of the 3 comments; the 3 before (Jan–Mar): 3 of 6; too few to call a trend.
  assert.equal(s.trend.recent_share, 2 / 3);
  assert.equal(s.trend.previous_share, 3 / 6);
  assert.equal(s.trend.direction, 'steady');
  // NPS of the theme's answers 3, 9, 6, 8: one promoter, two detractors of four → 100 × (1 − 2) / 4 = −25.
  assert.equal(s.nps.score, -25);
  assert.deepEqual(s.csat, { mean: 2, answers: 1 });
  // Counted: theme 0, 1, 2 (1 churned of 3); others 3, 5 (0 of 2).
  assert.deepEqual(s.churn.raisers, { answers: 3, churned: 1, rate: 1 / 3 });
  assert.deepEqual(s.churn.others, { answers: 2, churned: 0, rate: 0 });
  const d = newcombeDifference(1, 3, 0, 2);
  assert.equal(s.churn.difference, 1 / 3);
  assert.equal(s.churn.lower_95, d?.lower);
  assert.equal(s.churn.upper_95, d?.upper);
  // Still paying at as_of: c2 200 (once), c3 50, c7 90 → 340; priority 340 × 1/3.
  assert.equal(s.mrr_at_stake, 340);
  assert.equal(s.paying_customers, 3);
  assert.equal(s.priority, 340 / 3);
  assert.equal(netPromoterScore([]), null);
});

test('a theme links to the KPIs of every topic its terms belong to, only ids of the catalog', () => {
  assert.deepEqual(linkedKpis(['support', 'export'], KPI_IDS), [
    'feature_adoption_rate',
    'customer_satisfaction_score',
  ]);
  assert.deepEqual(linkedKpis(['alert', 'love'], KPI_IDS), []);
  assert.deepEqual(linkedKpis(['support'], new Set()), []);
});

test('the feedback: section of tenure.yaml: every problem with its path and line', () => {
  const text = `feedback:
  window_months: 6
  themes:
    - name: Pricing
      keywords: [price, the]
      kpis: [customer_downgrade_rate, no_such_kpi]
    - name: pricing
`;
  assert.throws(
    () => parseProjectFile(text, 'tenure.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigProblemsError);
      const paths = err.problems.map((p) => formatPath(p.path)).sort();
      assert.deepEqual(paths, [
        'feedback.themes[0].keywords[1]',
        'feedback.themes[0].kpis[1]',
        'feedback.themes[1]',
        'feedback.themes[1].name',
      ]);
      assert.equal(err.problems.find((p) => formatPath(p.path) === 'feedback.themes[0].kpis[1]')?.line, 6);
      return true;
    },
  );
  const ok = parseProjectFile('feedback:\n  window_months: 6\n', 'tenure.yaml');
  assert.equal(ok.feedback?.window_months, 6);
  assert.equal(ok.feedback?.churn_days, 90);
});
