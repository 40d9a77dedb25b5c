// The renderers on a hand-built report: names from the project file print as text, never as markup, and
// numbers print in their unit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewExperiment } from './experiments.ts';
import { formatChange } from './format.ts';
import { esc, renderHtml } from './html.ts';
import { md, renderMarkdown } from './markdown.ts';
import { parseReviewPeriod } from './period.ts';
import type { ReviewReport } from './review.ts';

const HOSTILE_OWNER = '<script>alert("owner")</script>';
const HOSTILE_KPI = '<img src=x onerror=alert(1)> | churn';
const EXPERIMENT: ReviewExperiment = {
  id: 'win_back',
  name: 'Win-back <b>email</b>',
  owner: HOSTILE_OWNER,
  hypothesis: 'An email <script>x</script> brings 5% back',
  status: 'decided',
  primary: 'customer_churn_rate',
  started_at: '2025-03-01T00:00:00.000Z',
  ended_at: '2025-06-01T00:00:00.000Z',
  registered_after_start: true,
  amendments: 1,
  decision: {
    decision: 'stop',
    result: 'null result: −0.4 pt (95% CI −1.9 to 1.1)',
    learning: 'No effect | the <i>email</i> is not worth its cost',
    decided_at: '2025-06-20T10:00:00.000Z',
  },
  target: { kpi: 'my_churn', segment: 'all' },
};
const PLANNED: ReviewExperiment = {
  ...EXPERIMENT,
  id: 'pricing_page',
  name: 'Pricing page',
  owner: 'Growth',
  status: 'planned',
  started_at: null,
  ended_at: null,
  registered_after_start: false,
  amendments: 0,
  decision: null,
  target: null,
};

const report: ReviewReport = {
  period: parseReviewPeriod('2025-06'),
  as_of: '2025-07-01T00:00:00.000Z',
  generated_at: '2025-07-02T08:00:00.000Z',
  currency: 'EUR',
  summary: {
    targets: 2,
    owners: 1,
    on_track: 1,
    at_risk: 0,
    off_track: 1,
    no_data: 0,
    open_alerts: 1,
    data_quality_findings: 0,
    experiments: 2,
  },
  owners: [
    {
      owner: HOSTILE_OWNER,
      kpis: [
        {
          kpi: 'my_churn',
          name: HOSTILE_KPI,
          unit: 'rate',
          higher_is_better: false,
          segment: 'all',
          value: 0.05,
          previous: 0.04,
          change: 0.01,
          relative_change: 0.25,
          pragmatic: 0.03,
          aspirational: [0.01, 0.02],
          status: 'off_track',
          ahead: false,
          judged: {
            period_start: '2025-06-01T00:00:00.000Z',
            period_end: '2025-07-01T00:00:00.000Z',
            value: 0.05,
          },
          cadence: 'monthly',
          action_plan: ['call <b>every</b> account'],
          guardrails: [],
          // Churn of at most 3% against a published 3.5%: the target asks for better than the benchmark.
          benchmark: { value: 0.035, source: '<b>SaaS</b> benchmark', date: '2024-06' },
          forecast: null,
          // Meeting it (5% → 3%) priced at +€12,345.60 MRR in 12 months: whole euros in the text.
          worth: { change: -0.02, horizon: 12, mrr_change: 12345.6, low: 11000, high: 13000 },
        },
        {
          kpi: 'mrr',
          name: 'MRR',
          unit: 'currency',
          higher_is_better: true,
          segment: 'all',
          value: 179021.9,
          previous: 165000,
          change: 14021.9,
          relative_change: 14021.9 / 165000,
          pragmatic: 150000,
          aspirational: [180000, 200000],
          status: 'on_track',
          ahead: false,
          judged: {
            period_start: '2025-06-01T00:00:00.000Z',
            period_end: '2025-07-01T00:00:00.000Z',
            value: 179021.9,
          },
          cadence: 'monthly',
          action_plan: [],
          benchmark: null,
          worth: null,
          // Its pragmatic value is its forecast, made with the data to April (3 months ahead).
          forecast: {
            made_at: '2025-04-01T00:00:00.000Z',
            horizon: 3,
            band: 0.8,
            value: 150000,
            lower: 140000,
            upper: 160000,
          },
          // Met while gross retention fell from 95% to 90%: more than 5% of 95% (4.75 pt).
          guardrails: [
            {
              kpi: 'net_revenue_retention.grr',
              name: '<b>GRR</b>',
              unit: 'rate',
              must_not: 'fall',
              tolerance: 0.05,
              proposed: true,
              before: 0.95,
              value: 0.9,
              status: 'broken',
            },
          ],
        },
      ],
      experiments: [EXPERIMENT],
    },
    { owner: 'Growth', kpis: [], experiments: [PLANNED] },
  ],
  moves: [
    {
      kpi: 'my_churn',
      name: HOSTILE_KPI,
      unit: 'rate',
      previous: 0.04,
      value: 0.05,
      change: 0.01,
      relative_change: 0.25,
      reason: 'off_track',
      segments: [
        {
          dimension: 'plan',
          segment: '<i>starter</i>',
          before: 0.05,
          after: 0.08,
          share_before: 0.5,
          share_after: 0.5,
          rate_effect: 0.015,
          mix_effect: 0,
          contribution: 0.015,
          excess: 0.01,
          on_both_sides: true,
        },
      ],
    },
  ],
  alerts: [
    {
      key: 'target|my_churn|=all|2025-06-01T00:00:00.000Z',
      first_seen: '2025-07-01T06:00:00.000Z',
      last_seen: '2025-07-01T06:00:00.000Z',
      message: `${HOSTILE_KPI} is off track`,
    },
  ],
  data_quality: [],
};

test('HTML: every name is escaped, the page has no script and no markup from the data', () => {
  const html = renderHtml(report);
  assert.ok(!/<script/i.test(html), 'no script element');
  assert.ok(!/<img/i.test(html), 'no img element');
  assert.ok(!/<i>|<b>/.test(html), 'no markup from a segment or a plan');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;owner&quot;)&lt;/script&gt;'), 'the owner as text');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; | churn'));
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  for (const h of ['Summary', 'What moved and why', 'Open alerts', 'Data quality'])
    assert.ok(html.includes(`<h2>${h}</h2>`), h);
});

test('Markdown: names cannot break a table or become HTML', () => {
  const text = renderMarkdown(report);
  assert.ok(!/<script|<img|<i>|<b>/i.test(text));
  assert.ok(text.includes('## &lt;script&gt;alert("owner")&lt;/script&gt;'));
  // The | in the KPI name is escaped, so its table row keeps 8 cells.
  const row = text.split('\n').find((l) => l.startsWith('| &lt;img'));
  assert.equal(row?.split(/(?<!\\)\|/).length, 10, row);
  assert.equal(md('a_b*c'), 'a\\_b\\*c');
});

test('numbers print in their unit and the project’s currency; rates move by percentage points', () => {
  const eur = { currency: 'EUR' };
  // 0.05 − 0.04 = 0.01 → +1.0 pt; relative 0.01 / 0.04 = +25%.
  assert.equal(formatChange(0.01, 0.25, 'rate', eur), '+1.0 pt (+25.0%)');
  assert.equal(formatChange(-35385, -0.1, 'currency', eur), '-€35,385.00 (-10.0%)');
  assert.equal(formatChange(null, null, 'rate', eur), '—');
  const text = renderMarkdown(report);
  // The churn row: 5.0% against 4.0%, targets 3.0% and 1.0%–2.0%.
  assert.ok(text.includes(' | 5.0% | 4.0% | +1.0 pt (+25.0%) | 3.0% | 1.0%–2.0% | off track |'), text);
  // MRR in euros: 179,021.90 − 165,000 = +14,021.90, +8.498% of 165,000.
  assert.ok(
    text.includes(
      '| MRR | all | €179,021.90 | €165,000.00 | +€14,021.90 (+8.5%) | €150,000.00 | €180,000.00–€200,000.00 | met, guardrail broken (&lt;b&gt;GRR&lt;/b&gt; fell 95.0% → 90.0%) |',
    ),
    text,
  );
  assert.ok(text.includes('4.0% → 5.0%; change +1.0 pt (+25.0%)'), text);
  assert.ok(
    text.includes(
      '; benchmark 3.5% (&lt;b&gt;SaaS&lt;/b&gt; benchmark, 2024-06); the target asks for better than the benchmark',
    ),
    text,
  );
  assert.ok(text.includes('; meeting it is worth +€12,346 MRR in 12 months'), text);
  assert.ok(
    text.includes(
      '; the pragmatic target is its forecast made with the data to 2025-04-01, 3 months ahead (80% band €140,000.00–€160,000.00)',
    ),
    text,
  );
  // The segment's effects in points with two decimals: 0.015 is +1.50 pt.
  assert.ok(text.includes(' | 5.0% | 8.0% | +1.50 pt | 0.00 pt | +1.50 pt |'), text);
  const html = renderHtml(report);
  assert.ok(html.includes('<td class="num">€179,021.90</td>'), 'the HTML writes euros too');
  assert.ok(
    html.includes(
      'met, guardrail broken</span> <span class="muted">&lt;b&gt;GRR&lt;/b&gt; fell 95.0% → 90.0%</span>',
    ),
    html,
  );
  assert.ok(html.includes('<td class="num">+1.0 pt (+25.0%)</td>'));
  assert.ok(
    html.includes('; meeting it is worth +€12,346 MRR in 12 months</li>'),
    'the HTML prices the target too',
  );
});

test("each owner's experiments: hypothesis, status, decision with its result, learning; linked to the target", () => {
  const text = renderMarkdown(report);
  assert.ok(text.includes('### Experiments'));
  assert.ok(
    text.includes('; experiments: Win-back &lt;b&gt;email&lt;/b&gt; (decided)'),
    'beside the action plan',
  );
  assert.ok(
    text.includes(
      'decided since 2025-03-01 until 2025-06-01; judged on customer\\_churn\\_rate; plan registered after the start; 1 amendment to the plan',
    ),
  );
  assert.ok(text.includes('  - Decision: stop: null result: −0.4 pt (95% CI −1.9 to 1.1) (2025-06-20)'));
  assert.ok(text.includes('  - Learning: No effect \\| the &lt;i&gt;email&lt;/i&gt; is not worth its cost'));
  // An owner with experiments and no targets: a section without a KPI table.
  const growth = text.slice(text.indexOf('## Growth'), text.indexOf('## What moved'));
  assert.ok(!growth.includes('| KPI |'), growth);
  assert.ok(growth.includes('planned; judged on customer\\_churn\\_rate'), growth);
  assert.ok(growth.includes('  - Decision: no decision yet'), growth);
  assert.ok(text.includes('- 2 experiments of the period'));
  const html = renderHtml(report);
  assert.ok(!/<script|<i>|<b>/.test(html));
  assert.ok(html.includes('<h3>Experiments</h3>'));
  assert.ok(html.includes('Learning: No effect | the &lt;i&gt;email&lt;/i&gt; is not worth its cost'));
  assert.ok(html.includes('; experiment Win-back &lt;b&gt;email&lt;/b&gt; (decided)'));
  assert.ok(html.includes('<section><h2>Growth</h2><h3>Experiments</h3>'));
});
