// A target that follows the KPI's own forecast: its pragmatic value for the judged month is the forecast made
// `horizon` months before that month's end, and its status compares the month's value with that forecast and
// its band. On a generated company, against the forecast computed on its own.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseProjectFile } from '../catalog/project-file.ts';
import { forecastKpi } from '../forecast/forecast.ts';
import { ingest } from '../ingest/ingest.ts';
import { generateCompany } from '../synth/generate.ts';
import { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { checkTargets } from './check.ts';
import { forecastStatus } from './targets.ts';

const project = (target: string) => parseProjectFile(`targets:\n${target}`, 'tenure.yaml');

test('a forecast-following target is as good as its forecast (on track), within its band (at risk) or beyond', () => {
  const f = { value: 0.03, lower: 0.02, upper: 0.045 };
  // Churn, lower is better: 2.9% beats 3.0%; 4.0% is inside the band's top 4.5%; 5.0% is beyond it.
  assert.equal(forecastStatus(0.029, f, false), 'on_track');
  assert.equal(forecastStatus(0.04, f, false), 'at_risk');
  assert.equal(forecastStatus(0.05, f, false), 'off_track');
  // NRR-like, higher is better: the band's bottom is the line.
  assert.equal(forecastStatus(0.025, f, true), 'at_risk');
  assert.equal(forecastStatus(0.015, f, true), 'off_track');
  assert.equal(forecastStatus(null, f, true), 'no_data');
});

test('rolling_forecast: only for forecast KPIs, monthly, whole company, and not beside a pragmatic value', () => {
  const refused = (text: string) =>
    assert.throws(
      () => project(text),
      (err: Error) => /targets\[0\]\.(rolling_forecast|pragmatic)/.test(err.message),
    );
  refused('  - { kpi: engagement_rate, rolling_forecast: {}, owner: Lena }\n');
  refused('  - { kpi: mrr, rolling_forecast: {}, grain: quarter, owner: Omar }\n');
  refused('  - { kpi: mrr, rolling_forecast: {}, segment: { by: plan, value: pro }, owner: Omar }\n');
  refused('  - { kpi: mrr, rolling_forecast: {}, pragmatic: 1, owner: Omar }\n');
  refused('  - { kpi: mrr, owner: Omar }\n');
  const [t] = project('  - { kpi: mrr, rolling_forecast: {}, owner: Omar }\n').targets ?? [];
  assert.deepEqual(t?.rolling_forecast, { horizon: 3, band: 0.8 });
});

describe('a rolling-forecast target on a generated company', () => {
  let dir = '';
  let db: DuckDBEngine;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-rolling-forecast-'));
    await generateCompany({ customers: 400, months: 18, seed: 3, out: join(dir, 'company') });
    db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    await ingest(db, { dataDir: join(dir, 'company') });
  });
  after(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("its pragmatic value is the forecast made two months before the judged month's end", async () => {
    const catalog = project(
      '  - { kpi: customer_churn_rate, rolling_forecast: { horizon: 2, band: 0.8 }, owner: Maya }\n',
    );
    // The data run June 2025 (18 months from January 2024): as_of in it, the judged month is May, whose
    // forecast, made 2 months before its end, has the data to April 1 (forecast months April, May).
    const asOf = '2025-06-10T00:00:00.000Z';
    const [check] = await checkTargets(db, catalog, { asOf, explain: false });
    const direct = await forecastKpi(db, {
      kpi: 'customer_churn_rate',
      horizon: 2,
      asOf: '2025-04-01T00:00:00.000Z',
      levels: [0.8],
    });
    const may = direct.forecast.find((f) => f.period_start.startsWith('2025-05-01'));
    assert.equal(check?.period_start, '2025-05-01T00:00:00.000Z');
    assert.deepEqual(check?.forecast, {
      made_at: '2025-04-01T00:00:00.000Z',
      horizon: 2,
      band: 0.8,
      value: may?.value,
      lower: may?.lower_80,
      upper: may?.upper_80,
    });
    assert.equal(check?.pragmatic, may?.value);
    assert.equal(check?.status, forecastStatus(check?.value ?? null, check?.forecast ?? null, false));
  });
});
