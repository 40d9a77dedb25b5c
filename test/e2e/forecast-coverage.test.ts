// Forecast intervals cover what happened at about their nominal rate. For several generated companies
// (24 months each), the forecast is made as of month 18 — the warehouse holds every row, and the forecast
// must see only what lies before its as-of — for the next 6 months, and compared with the KPI the compiler
// computes for those months from the full data.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { forecastKpi } from '../../src/forecast/forecast.ts';
import { FORECAST_KPIS } from '../../src/forecast/project.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

const SEEDS = [11, 12, 13, 14];
const CUSTOMERS = 3000;
const HORIZON = 6;
// The generator's window is [2024-01-01, 2026-01-01); month 18 begins 2025-07-01.
const AS_OF = '2025-07-01T00:00:00.000Z';
const END = '2026-01-01T00:00:00.000Z';

interface Tally {
  points: number;
  in80: number;
  in95: number;
}

test('forecast intervals cover the realised KPI values at about their nominal rates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-forecast-coverage-'));
  const tally = new Map<string, Tally>(FORECAST_KPIS.map((k) => [k, { points: 0, in80: 0, in95: 0 }]));
  try {
    for (const seed of SEEDS) {
      const data = join(dir, `company-${seed}`);
      await generateCompany({ customers: CUSTOMERS, months: 24, seed, out: data });
      const db = await DuckDBEngine.open(join(dir, `tenure-${seed}.duckdb`));
      try {
        await ingest(db, { dataDir: data });
        const realised = await computeKpis(db, {
          kpis: [...FORECAST_KPIS],
          from: '2025-07-01',
          to: '2025-12-31',
          grain: 'month',
          asOf: END,
        });
        for (const kpi of FORECAST_KPIS) {
          const answer = await forecastKpi(db, { kpi, horizon: HORIZON, asOf: AS_OF, seed });
          assert.equal(answer.history_end, AS_OF);
          assert.equal(answer.history.at(-1)?.period_start, '2025-06-01T00:00:00.000Z');
          assert.equal(answer.forecast.length, HORIZON);
          const t = tally.get(kpi) as Tally;
          for (const row of answer.forecast) {
            const actual = realised.find((r) => r.kpi === kpi && r.period_start === row.period_start)?.value;
            assert.ok(typeof actual === 'number', `no realised ${kpi} for ${row.period_start}`);
            const [l80, u80, l95, u95] = [row.lower_80, row.upper_80, row.lower_95, row.upper_95];
            assert.ok(typeof l80 === 'number' && typeof u80 === 'number' && row.value !== null);
            assert.ok(typeof l95 === 'number' && typeof u95 === 'number');
            assert.ok(l95 <= l80 && l80 <= u80 && u80 <= u95, `nested intervals for ${kpi}`);
            t.points++;
            if (actual >= l80 && actual <= u80) t.in80++;
            if (actual >= l95 && actual <= u95) t.in95++;
          }
        }
      } finally {
        await db.close();
      }
      await rm(data, { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  let points = 0;
  let in80 = 0;
  let in95 = 0;
  for (const [kpi, t] of tally) {
    console.log(`${kpi}: 80% covers ${t.in80}/${t.points}, 95% covers ${t.in95}/${t.points}`);
    points += t.points;
    in80 += t.in80;
    in95 += t.in95;
  }
  const c80 = in80 / points;
  const c95 = in95 / points;
  console.log(
    `all: 80% covers ${(100 * c80).toFixed(1)}%, 95% covers ${(100 * c95).toFixed(1)}% of ${points}`,
  );
  // 4 seeds × 4 KPIs × 6 months = 96 points, but not 96 independent trials: retention is 1 − churn (the same
  // trial twice) and a seed's months share its fitted curve, so count ~72 trials and a design effect of
  // ~2 for the months' correlation, i.e. ~36 effective trials. The binomial standard error of a coverage
  // is then √(0.8·0.2/36) ≈ 0.067 at 80% and √(0.95·0.05/36) ≈ 0.036 at 95%. Bounds at about three
  // standard errors: 80% coverage within [0.60, 0.99] — below, the bands are too narrow; all 96 inside
  // (chance ≈ 0.8^36 < 10⁻³) means they are too wide — and 95% coverage at least 0.84.
  assert.ok(c80 >= 0.6 && c80 <= 0.99, `80% intervals cover ${c80.toFixed(3)} of the realised values`);
  assert.ok(c95 >= 0.84, `95% intervals cover ${c95.toFixed(3)} of the realised values`);
});
