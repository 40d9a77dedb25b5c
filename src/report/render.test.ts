// The renderers on a hand-built report: names from the project file print as text, never as markup, and
// numbers print in their unit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatChange, formatGoal, formatValue } from './format.ts';
import { esc, renderHtml } from './html.ts';
import { md, renderMarkdown } from './markdown.ts';
import { parseReviewPeriod } from './period.ts';
import type { ReviewReport } from './review.ts';

const HOSTILE_OWNER = '<script>alert("owner")</script>';
const HOSTILE_KPI = '<img src=x onerror=alert(1)> | churn';

const report: ReviewReport = {
  period: parseReviewPeriod('2025-06'),
  as_of: '2025-07-01T00:00:00.000Z',
  generated_at: '2025-07-02T08:00:00.000Z',
  summary: {
    targets: 1,
    owners: 1,
    on_track: 0,
    at_risk: 0,
    off_track: 1,
    no_data: 0,
    open_alerts: 1,
    data_quality_findings: 0,
  },
  owners: [
    {
      owner: HOSTILE_OWNER,
      kpis: [
        {
          kpi: 'my_churn',
          name: HOSTILE_KPI,
          unit: 'ratio',
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
        },
      ],
    },
  ],
  moves: [
    {
      kpi: 'my_churn',
      name: HOSTILE_KPI,
      unit: 'ratio',
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

test('numbers print in their unit; ratios move by percentage points', () => {
  assert.equal(formatValue(0.0426, 'ratio'), '4.3%');
  assert.equal(formatValue(389952.4, 'currency'), '389,952');
  assert.equal(formatValue(12.345, 'currency'), '12.35');
  assert.equal(formatValue(3.25, 'days'), '3.3 days');
  assert.equal(formatValue(null, 'count'), '–');
  // 0.05 − 0.04 = 0.01 → +1.0 pp; relative 0.01 / 0.04 = +25%.
  assert.equal(formatChange(0.01, 0.25, 'ratio'), '+1.0 pp (+25.0%)');
  assert.equal(formatChange(-35385, -0.1, 'currency'), '-35,385 (-10.0%)');
  assert.equal(formatGoal([0.01, 0.02], 'ratio'), '1.0% – 2.0%');
});
