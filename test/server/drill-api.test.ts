// The drill-down over HTTP on a generated company: for every result it lists, the customers behind a
// numerator or a denominator add up to what the KPI series (or the MRR bridge) answers for the same period
// and filter, and count as many as the customers counted; pages are consistent; the rows carry a churn-risk
// score; and every table the API answers with comes as CSV whose rows are the JSON's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { DRILLABLE } from '../../src/compiler/drill/explain-rows.ts';
import { KPI_ROWS } from '../../src/compiler/drill/revenue-rows.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { defaultRange } from '../../src/server/default-range.ts';
import { startServer } from '../../src/server/serve.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

interface Result {
  kpi: string;
  period_start: string;
  segment: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  n: number;
  flags: string[];
}
interface Rows {
  result: string;
  period_start: string;
  unit: string;
  value: number | null;
  numerator: number;
  denominator: number | null;
  numerator_rows: number;
  denominator_rows: number | null;
  total: number;
  rows: Record<string, unknown>[];
  risk: { horizon_days: number; note: string | null };
}

const dir = mkdtempSync(join(tmpdir(), 'tenure-drill-'));
let engine: DuckDBEngine;
let server: { app: FastifyInstance; url: string };
let range: { from: string; to: string; grain: string };

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), res };
};
const json = async <T>(path: string): Promise<T> => {
  const a = await get(path);
  assert.equal(a.status, 200, `${path}: ${a.text.slice(0, 300)}`);
  return JSON.parse(a.text) as T;
};
const csv = async (path: string) => {
  const a = await get(path);
  assert.equal(a.status, 200, `${path}: ${a.text.slice(0, 300)}`);
  assert.match(a.type, /^text\/csv/);
  assert.match(a.res.headers.get('content-disposition') ?? '', /^attachment; filename=".+\.csv"$/);
  return parse(a.text, { columns: true }) as Record<string, string>[];
};
const q = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]])),
  ).toString();
/** A JSON value as the CSV writes it. */
const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));

before(async () => {
  await generateCompany({ customers: 1000, months: 14, seed: 6, out: join(dir, 'company') });
  engine = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  await ingest(engine, { dataDir: join(dir, 'company') });
  server = await startServer({
    engine,
    catalog: { definitions: CATALOG, applied: [], custom: [] },
    host: '127.0.0.1',
    port: 0,
  });
  const health = await json<{ as_of: string }>('/api/health/data');
  range = defaultRange(health.as_of);
});

after(async () => {
  await server?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every listed KPI: its rows add up to the series numerator and denominator, whole and filtered', async () => {
  const kpis = Object.keys(KPI_ROWS);
  const ids = [...new Set(kpis.map((id) => id.split('.')[0]))].join(',');
  const lastMonth = `${range.to.slice(0, 8)}01`;
  for (const filter of [undefined, 'plan:starter']) {
    const { results } = await json<{ results: Result[] }>(`/api/kpis?${q({ ids, ...range, filter })}`);
    for (const id of kpis) {
      const expected = results.find((r) => r.kpi === id && r.period_start.startsWith(lastMonth));
      // A sub-result the series does not give (yet) has nothing to compare with.
      if (!expected && id.includes('.')) continue;
      assert.ok(expected, `${id} in the series`);
      const rows = await json<Rows>(
        `/api/explain/rows?${q({ result: id, period: lastMonth, filter, limit: 10000 })}`,
      );
      const what = `${id} ${filter ?? 'all'}`;
      const near = (a: number | null, b: number | null) =>
        a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
      assert.ok(
        near(rows.numerator, expected.numerator),
        `${what}: ${rows.numerator} ≠ ${expected.numerator}`,
      );
      assert.ok(near(rows.denominator, expected.denominator), `${what}: denominator`);
      assert.ok(near(rows.value, expected.value), `${what}: value`);
      assert.equal(rows.rows.length, rows.total, `${what}: all rows listed`);
      const sum = rows.rows.reduce((s, r) => s + Number(r.contribution), 0);
      assert.ok(near(sum, expected.numerator), `${what}: Σ contributions`);
      // A share of customers counts customers: as many rows as its numerator says.
      if (rows.unit === 'count') assert.equal(rows.total, expected.numerator, `${what}: customers`);
    }
  }
});

test('the customers who churned last month: as many as the churn rate counts, with risk, plan and tenure', async () => {
  const lastMonth = `${range.to.slice(0, 8)}01`;
  const { results } = await json<{ results: Result[] }>(
    `/api/kpis/customer_churn_rate/series?${q({ ...range })}`,
  );
  const churn = results.find((r) => r.period_start.startsWith(lastMonth));
  const rows = await json<Rows>(
    `/api/explain/rows?${q({ result: 'customer_churn_rate', period: lastMonth })}`,
  );
  assert.ok((churn?.numerator ?? 0) > 0, 'some customers churned');
  assert.equal(rows.total, churn?.numerator);
  assert.equal(rows.denominator_rows, churn?.denominator);
  for (const r of rows.rows) {
    assert.equal(r.movement, 'churn');
    assert.equal(r.mrr_end, 0);
    assert.ok(Number(r.mrr_start) > 0);
    assert.equal(typeof r.plan, 'string');
    assert.ok(Number.isInteger(r.tenure_months));
  }
  // They were all paying at the month's start, so the model scored every one of them then.
  assert.equal(rows.risk.note, null);
  for (const r of rows.rows) {
    assert.equal(typeof r.churn_risk, 'number', String(r.customer_id));
    assert.ok(Number(r.churn_risk) > 0 && Number(r.churn_risk) < 1);
  }
});

test('the bridge bars: each bar is the sum of its customers', async () => {
  const { rows: bridge } = await json<{ rows: Record<string, number | string>[] }>(
    `/api/views/mrr-bridge?${q({ ...range })}`,
  );
  const last = bridge.at(-1) as Record<string, number | string>;
  const period = String(last.period_start).slice(0, 10);
  for (const id of DRILLABLE.filter((d) => d.startsWith('mrr_bridge.'))) {
    const rows = await json<Rows>(`/api/explain/rows?${q({ result: id, period, limit: 10000 })}`);
    const measure = id.slice('mrr_bridge.'.length);
    assert.ok(Math.abs(rows.numerator - Number(last[measure])) < 1e-6, `${id}: ${rows.numerator}`);
  }
});

test('pages: two pages of five are the first ten, in order, and the total does not move', async () => {
  const base = { result: 'net_revenue_retention', side: 'denominator', sort: 'mrr' };
  const ten = await json<Rows>(`/api/explain/rows?${q({ ...base, limit: 10 })}`);
  const first = await json<Rows>(`/api/explain/rows?${q({ ...base, limit: 5 })}`);
  const second = await json<Rows>(`/api/explain/rows?${q({ ...base, limit: 5, offset: 5 })}`);
  assert.deepEqual(
    [...first.rows, ...second.rows].map((r) => r.customer_id),
    ten.rows.map((r) => r.customer_id),
  );
  assert.equal(first.total, second.total);
  assert.ok(ten.total > 10);
  const mrr = ten.rows.map((r) => Math.max(Number(r.mrr_start), Number(r.mrr_end)));
  assert.deepEqual(
    mrr,
    [...mrr].sort((a, b) => b - a),
    'largest MRR first',
  );
});

test('CSV: the rows, the series, the bridge and a cohort view parse to the JSON answer', async () => {
  const drill = { result: 'customer_churn_rate', side: 'denominator', limit: 50 };
  const asJson = await json<Rows>(`/api/explain/rows?${q(drill)}`);
  const asCsv = await csv(`/api/explain/rows?${q({ ...drill, format: 'csv' })}`);
  assert.equal(asCsv.length, 50);
  assert.deepEqual(
    asCsv,
    asJson.rows.map((r) => Object.fromEntries(Object.keys(asCsv[0] ?? {}).map((k) => [k, cell(r[k])]))),
  );
  assert.deepEqual(Object.keys(asCsv[0] ?? {}).slice(0, 3), ['customer_id', 'contribution', 'mrr_start']);

  const series = await json<{ results: Result[] }>(`/api/kpis/mrr/series?${q({ ...range, by: 'plan' })}`);
  const seriesCsv = await csv(`/api/kpis/mrr/series?${q({ ...range, by: 'plan', format: 'csv' })}`);
  assert.deepEqual(
    seriesCsv,
    series.results.map((r) => ({
      kpi: r.kpi,
      period_start: r.period_start,
      period_end: cell((r as unknown as { period_end: string }).period_end),
      segment: r.segment,
      value: cell(r.value),
      numerator: cell(r.numerator),
      denominator: cell(r.denominator),
      n: cell(r.n),
      flags: r.flags.join(' '),
    })),
  );

  const bridge = await json<{ rows: Record<string, unknown>[] }>(`/api/views/mrr-bridge?${q({ ...range })}`);
  const bridgeCsv = await csv(`/api/views/mrr-bridge?${q({ ...range, format: 'csv' })}`);
  assert.deepEqual(
    bridgeCsv,
    bridge.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)]))),
  );

  const cohorts = await json<{ rows: { cohorts: { cohort: string; cells: unknown[] }[] } }>(
    `/api/views/signup-cohorts?${q({ from: range.from, to: range.to })}`,
  );
  const cohortsCsv = await csv(
    `/api/views/signup-cohorts?${q({ from: range.from, to: range.to, format: 'csv' })}`,
  );
  assert.equal(
    cohortsCsv.length,
    cohorts.rows.cohorts.reduce((s, c) => s + c.cells.length, 0),
  );
  assert.equal(cohortsCsv[0]?.cohort, cohorts.rows.cohorts[0]?.cohort);
});

test('refusals: a result without rows, an amount’s denominator, a page too large', async () => {
  const refused = async (path: string, field: string, pattern: RegExp) => {
    const a = await get(path);
    assert.equal(a.status, 400, a.text);
    const body = JSON.parse(a.text) as { error: { field?: string; message: string; hint?: string } };
    assert.equal(body.error.field, field, a.text);
    assert.match(`${body.error.message} ${body.error.hint ?? ''}`, pattern);
  };
  await refused('/api/explain/rows?result=drop_off_rate', 'result', /cannot be listed.*customer_churn_rate/);
  await refused('/api/explain/rows?result=mrr&side=denominator', 'side', /amount/);
  await refused('/api/explain/rows?result=mrr&limit=10001', 'querystring.limit', /10000/);
  await refused('/api/explain/rows?result=mrr&format=xml', 'querystring.format', /json|csv/);
  const doc = await json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>(
    '/openapi.json',
  );
  const names = doc.paths['/api/explain/rows']?.get?.parameters?.map((p) => p.name) ?? [];
  for (const n of ['result', 'side', 'period', 'filter', 'limit', 'offset', 'format'])
    assert.ok(names.includes(n), n);
});
