// Every sub-result the catalog promises (a definition's `also`) is produced under that name, and nothing
// else is: a sub-result's id is `kpi.NAME`, or `kpi.NAME.ITEM` for a group (per feature, per step, each
// lifecycle stage…), NAME being one of the definition's `also`. Checked over the whole catalog on a small
// generated company, so a renamed output or a new promise cannot drift from the catalog again. Every KPI
// also computes broken down by lifecycle and by rfm, each customer in one segment a period: a KPI whose
// numerator and denominator are sums over customers adds up over the segments to the whole company's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CATALOG } from '../catalog/catalog.ts';
import { ingest } from '../ingest/ingest.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { generateCompany } from '../synth/generate.ts';
import { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { computeKpis } from './compute.ts';
import { PERIOD_SEGMENT_VALUES } from './segments.ts';

/** Results whose numerator and denominator are sums over customers (or their users), segment by segment. */
const ADDITIVE = [
  'mrr',
  'mrr.arpa',
  'customer_churn_rate',
  'net_revenue_retention',
  'net_revenue_retention.nrr_12m',
  'expansion_revenue',
  'revenue_growth',
  'customer_profitability',
  'customer_profitability.lifetime_profit',
  'stickiness_ratio',
  'dau_wau_ratio',
  'session_frequency',
  'engagement_rate',
  'engagement_metrics',
  'customer_engagement_score',
  'feature_adoption_rate.per_feature.use_reports',
  'retained_feature_users',
  'activation_milestone_completion',
  'drop_off_rate.per_step.step_2',
  'net_promoter_score',
  'customer_loyalty',
  'customer_segmentation',
  'customer_segmentation.rfm.champions',
  'loyalty_participation_rate',
];

describe('the catalog’s promised sub-results, on a small generated company', () => {
  let dir = '';
  let db: DuckDBEngine;
  const request = { kpis: 'all' as const, from: '2025-09-01', to: '2025-11-30', grain: 'month' as const };
  let whole: KpiResult[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-sub-results-'));
    await generateCompany({ customers: 60, months: 8, seed: 5, out: join(dir, 'company') });
    db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    await ingest(db, { dataDir: join(dir, 'company') });
    whole = await computeKpis(db, request);
  });
  after(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('each `also` name of every definition is produced, and every sub-result is one of them', () => {
    const ids = new Set(whole.map((r) => r.kpi));
    const problems: string[] = [];
    for (const def of CATALOG) {
      const parts = [...ids]
        .filter((id) => id.startsWith(`${def.id}.`))
        .map((id) => id.slice(def.id.length + 1));
      for (const name of def.also ?? []) {
        if (!parts.some((p) => p === name || p.startsWith(`${name}.`)))
          problems.push(`${def.id}: promises '${name}', produces ${parts.join(', ') || 'nothing beside'}`);
      }
      for (const p of parts) {
        if (!(def.also ?? []).includes(p.split('.')[0] ?? ''))
          problems.push(`${def.id}: produces '${p}', which its \`also\` does not name`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('a KPI the catalog also writes in the metric language computes the same both ways, whole and by plan', async () => {
    const written = CATALOG.filter((d) => d.asMetric !== undefined);
    assert.ok(written.length > 0);
    // Each as a project's metric of its own, beside the shipped one.
    const catalog = [
      ...CATALOG,
      ...written.map((d) => ({
        ...d,
        id: `${d.id}_as_metric`,
        computation: 'project_metric' as const,
        metric: d.asMetric,
        asMetric: undefined,
      })),
    ];
    for (const by of [undefined, 'plan']) {
      const rows = await computeKpis(db, {
        ...request,
        kpis: catalog.map((d) => d.id).filter((id) => written.some((w) => id.startsWith(w.id))),
        by,
        catalog,
        keep: false,
      });
      for (const def of written) {
        const shipped = rows.filter((r) => r.kpi === def.id);
        const own = rows.filter((r) => r.kpi === `${def.id}_as_metric`).map((r) => ({ ...r, kpi: def.id }));
        assert.ok(
          shipped.some((r) => (r.denominator ?? 0) > 0),
          `${def.id}: some answers to compare`,
        );
        // The family's segments are those of every answer (NPS too); the metric's, those of its own rows: a
        // segment with no CSAT answer is a zero denominator there and no row here.
        const segments = new Set(own.map((r) => r.segment));
        assert.deepEqual(
          shipped.filter((r) => !segments.has(r.segment) && r.denominator !== 0),
          [],
          `${def.id}: the family's other segments have no answers`,
        );
        assert.deepEqual(
          own,
          shipped.filter((r) => segments.has(r.segment)),
          `${def.id} by ${by ?? 'nothing'}`,
        );
      }
    }
  });

  for (const by of ['lifecycle', 'rfm'] as const) {
    test(`every KPI by ${by}: its segments, and sums over them equal the whole company's`, async () => {
      const rows = await computeKpis(db, { ...request, by });
      const known = new Set<string>([...PERIOD_SEGMENT_VALUES[by], 'all']);
      assert.deepEqual(
        [...new Set(rows.map((r) => r.segment))].filter((s) => !known.has(s)),
        [],
        'segments outside the dimension',
      );
      for (const def of CATALOG)
        assert.ok(
          rows.some((r) => r.kpi === def.id),
          `${def.id} by ${by}`,
        );
      const sums = new Map<string, { numerator: number; denominator: number }>();
      for (const r of rows) {
        const key = `${r.kpi}|${r.period_start}`;
        const s = sums.get(key) ?? { numerator: 0, denominator: 0 };
        s.numerator += r.numerator ?? 0;
        s.denominator += r.denominator ?? 0;
        sums.set(key, s);
      }
      const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
      let checked = 0;
      for (const r of whole.filter((x) => ADDITIVE.includes(x.kpi) && x.numerator !== null)) {
        const s = sums.get(`${r.kpi}|${r.period_start}`);
        assert.ok(s, `${r.kpi} ${r.period_start}`);
        assert.ok(
          near(s.numerator, r.numerator ?? 0),
          `${r.kpi} ${r.period_start}: Σ ${s.numerator} ≠ ${r.numerator}`,
        );
        assert.ok(
          near(s.denominator, r.denominator ?? 0),
          `${r.kpi} ${r.period_start}: Σ ${s.denominator} ≠ ${r.denominator}`,
        );
        checked++;
      }
      assert.ok(checked >= ADDITIVE.length * 2, `${checked} checked`);
    });
  }
});
