// GET /api/experiments/:id/results over real HTTP on a generated company whose experiment carries the full
// example plan (amended through the CLI): the body holds exactly what `tenure experiment analyze --json`
// prints for the same as_of, with units still in their window; retention, segments and the revenue per year
// agree with the analysis and with the warehouse counted another way; an amendment is not served from the
// cache of the plan before it; an unknown id is a 404 naming the known ones; a bad as_of, outcome or
// segment is a 400 naming the parameter; viewers read, nobody without a token; the route is documented.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingest } from '../../src/ingest/ingest.ts';
import { namesNotSnakeCase } from '../../src/results/json-names.ts';
import { createToken } from '../../src/server/tokens.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { get, type Served, serveOpenAndLocked } from '../support/api-servers.ts';
import { tenure } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-experiment-results-'));
const db = join(dir, 'tenure.duckdb');
const ID = 'onboarding_checklist';
const PLAN = join(import.meta.dirname, '..', '..', 'examples', 'experiments', 'onboarding-checklist.yaml');
let engine: DuckDBEngine;
let open: Served;
let locked: Served;
let viewer: string;
/** A time 45 days after the last assignment: the 90-day windows of the latest units are still open. */
let asOf = '';
let cli: Record<string, unknown>;

// What the tests read of the body (snake_case, as the API writes it).
interface Stats {
  difference: 'relative' | 'absolute';
  arms: { name: string; n: number; value: number | null; adjusted_value?: number | null }[];
  comparisons: { arm: string; effect: number | null; ci: [number, number] | null }[];
}
interface Outcome {
  name: string;
  role: string;
  maturity: {
    excluded: number;
    arms: { name: string; assigned: number; mature: number; excluded: number }[];
  };
  stats: Stats | null;
  survival: { tau: number; rmst: { difference: number }[]; arms: { curve: unknown[] }[] } | null;
  guardrail: { status: string } | null;
  flags: string[];
}
interface Results {
  as_of: string;
  arms: { name: string; assigned: number }[];
  srm: { p_value: number; mismatch: boolean } | null;
  outcomes: Outcome[];
  retention: {
    days: number[];
    arms: {
      name: string;
      points: { day: number; assigned: number; active: { units: number; share: number } }[];
    }[];
  };
  segments: {
    exploratory: boolean;
    outcome: string;
    breakdowns: { by: string; more: number; segments: { value: string; arms: { n: number }[] }[] }[];
  };
  revenue: {
    customers: number;
    mrr: number;
    arpa: number;
    formula: string;
    assumptions: string[];
    arms: {
      per_unit: number;
      per_unit_ci: [number, number];
      per_year: number;
      per_year_ci: [number, number];
    }[];
  };
}

/**
 * Deep equality, numbers to 1e-9 relative: DuckDB sums a column over threads, so two runs of one query may
 * add in another order and differ in the last bits (240.7009615384616 against 240.70096153846157).
 */
function assertSame(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(
      Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
      `${path}: ${actual} ≠ ${expected}`,
    );
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: not the same list`);
    for (const [i, e] of expected.entries()) assertSame((actual as unknown[])[i], e, `${path}[${i}]`);
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: fields`);
    for (const [k, v] of Object.entries(expected))
      assertSame((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else assert.equal(actual, expected, path);
}

function cliJson(...args: string[]): Record<string, unknown> {
  const run = tenure(...args);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

before(async () => {
  await generateCompany({ customers: 1500, months: 12, seed: 12, out: join(dir, 'company') });
  const loader = await DuckDBEngine.open(db);
  await ingest(loader, { dataDir: join(dir, 'company') });
  const [last] = await loader.query<{ t: number }>(
    `SELECT EXTRACT(EPOCH FROM max(assigned_at)) AS t FROM assignments WHERE experiment_id = '${ID}'`,
  );
  asOf = new Date((Number(last?.t) + 45 * 86_400) * 1000).toISOString();
  await loader.close();
  // The full plan (sequential, CUPED, a guardrail, a survival outcome, segments), then the CLI's answer:
  // the file is the server's once it runs.
  const amend = tenure('experiment', 'amend', ID, '--file', PLAN, '--reason', 'The full plan', '--db', db);
  assert.equal(amend.status, 0, amend.stderr);
  cli = cliJson('experiment', 'analyze', ID, '--db', db, '--as-of', asOf, '--json');
  engine = await DuckDBEngine.open(db);
  viewer = (await createToken(engine, 'viewer')).token;
  ({ open, locked } = await serveOpenAndLocked(engine));
});

after(async () => {
  await open?.app.close();
  await locked?.app.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const results = async (query = `as_of=${encodeURIComponent(asOf)}`) => {
  const a = await get(open.url, `/api/experiments/${ID}/results?${query}`);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  return { ...a, results: a.body as unknown as Results };
};

test('the results hold what `tenure experiment analyze --json` prints for the same as_of', async () => {
  const { body, results: r, cache } = await results();
  assert.equal(cache, 'miss');
  assert.deepEqual(namesNotSnakeCase(body), []);
  for (const [key, value] of Object.entries(cli)) assertSame(body[key], value, key);
  assert.deepEqual(
    Object.keys(body).sort(),
    [...Object.keys(cli), 'retention', 'segments', 'revenue'].sort(),
  );
  // What the page leads with exists: the primary's interval (a confidence sequence), SRM, units in their window.
  const primary = r.outcomes.find((o) => o.role === 'primary');
  assert.equal(primary?.name, 'churned_within:90');
  assert.ok(primary?.stats?.comparisons[0]?.ci, 'the primary has an interval');
  assert.ok(primary.maturity.excluded > 0, 'units assigned in the last 90 days are left out');
  assert.ok(primary.flags.includes('window_open_for_some'));
  assert.equal(r.srm?.mismatch, false);
  // The guardrail is judged (its interval exists), not left 'unknown'; its verdict is the CLI's (above).
  const guardrail = r.outcomes.find((o) => o.role === 'guardrail')?.guardrail;
  assert.ok(guardrail && ['ok', 'at_risk', 'violated'].includes(guardrail.status), JSON.stringify(guardrail));
  const survival = r.outcomes.find((o) => o.survival)?.survival;
  assert.ok(survival && survival.rmst.length === 1 && survival.arms.every((a) => a.curve.length > 0));
  // Served from the cache the second time.
  assert.equal((await results()).cache, 'hit');
});

test('retention by days since exposure counts mature units only, as the analysis does', async () => {
  const { results: r } = await results();
  assert.deepEqual(
    r.retention.arms.map((a) => a.name),
    r.arms.map((a) => a.name),
  );
  // The plan's secondary outcome retained_day:30 is the curve's day 30, arm by arm.
  const day30 = r.outcomes.find((o) => o.name === 'retained_day:30')?.stats;
  assert.ok(day30);
  r.retention.arms.forEach((arm, i) => {
    const point = arm.points.find((p) => p.day === 30);
    assert.equal(point?.active.units, day30.arms[i]?.n);
    assert.equal(point?.active.share, day30.arms[i]?.value);
    for (const p of arm.points) {
      assert.equal(p.assigned, r.arms[i]?.assigned);
      assert.ok(p.active.units <= p.assigned);
    }
    // Later days have been reached by fewer units.
    const units = arm.points.map((p) => p.active.units);
    assert.deepEqual(
      units,
      [...units].sort((a, b) => b - a),
    );
  });
});

test('per-segment results are exploratory and split every mature unit of the primary outcome', async () => {
  const { results: r } = await results();
  assert.equal(r.segments.exploratory, true);
  assert.equal(r.segments.outcome, 'churned_within:90');
  assert.deepEqual(
    r.segments.breakdowns.map((b) => b.by),
    ['plan', 'channel'],
  );
  const primary = r.outcomes.find((o) => o.role === 'primary') as Outcome;
  for (const b of r.segments.breakdowns) {
    assert.equal(b.more, 0);
    r.arms.forEach((_, i) => {
      const n = b.segments.reduce((s, seg) => s + (seg.arms[i]?.n ?? 0), 0);
      assert.equal(n, primary.maturity.arms[i]?.mature, `${b.by}, arm ${i}`);
    });
  }
  const byPlan = await results(`as_of=${encodeURIComponent(asOf)}&segments=country`);
  assert.deepEqual(
    byPlan.results.segments.breakdowns.map((b) => b.by),
    ['country'],
  );
});

test('the revenue per year follows its stated chain from the effect and the paying base', async () => {
  const { results: r } = await results();
  const v = r.revenue;
  // The paying base counted another way: each customer's latest change before as_of, if it pays.
  const [base] = await engine.query<{ n: number; mrr: number }>(
    `SELECT count(*) AS n, sum(mrr) AS mrr FROM (
      SELECT mrr, row_number() OVER (PARTITION BY customer_id ORDER BY effective_at DESC) AS k
      FROM subscription_changes WHERE effective_at < CAST($1 AS TIMESTAMPTZ)) x
    WHERE k = 1 AND mrr > 0`,
    [asOf],
  );
  assert.equal(v.customers, Number(base?.n));
  assert.ok(Math.abs(v.mrr - Number(base?.mrr)) < 1e-6);
  assert.ok(Math.abs(v.arpa - v.mrr / v.customers) < 1e-9);
  // churned within 90 days, CUPED: the effect per unit is the adjusted difference of the arms' shares.
  const stats = r.outcomes.find((o) => o.role === 'primary')?.stats as Stats;
  const [c, t] = stats.arms;
  const perUnit = (t?.adjusted_value ?? 0) - (c?.adjusted_value ?? 0);
  const arm = v.arms[0];
  assert.ok(arm && Math.abs(arm.per_unit - perUnit) < 1e-12, `${arm?.per_unit} vs ${perUnit}`);
  // Avoided churns per year × ARPA × 12.
  const avoided = -perUnit * v.customers * (365 / 90);
  assert.ok(Math.abs(arm.per_year - avoided * v.arpa * 12) < 1e-6 * Math.abs(arm.per_year));
  assert.ok(arm.per_year_ci[0] <= arm.per_year && arm.per_year <= arm.per_year_ci[1]);
  assert.match(v.formula, /avoided churns per year .* × ARPA × 12/);
  assert.ok(v.assumptions.length >= 3);
});

test('an amended plan is analysed at once, not served from the cache of the plan before it', async () => {
  const before = await results();
  assert.equal(before.cache, 'hit');
  const put = await fetch(`${open.url}/api/experiments/${ID}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      plan: {
        name: 'Onboarding checklist',
        hypothesis: 'A guided checklist lowers churn',
        owner: 'Growth team',
        primary: { kpi: 'customer_churn_rate' },
        variants: [
          { name: 'control', weight: 0.5 },
          { name: 'treatment', weight: 0.5 },
        ],
        alpha: 0.1,
      },
      reason: 'A looser alpha, for the test',
    }),
  });
  assert.equal(put.status, 200, await put.text());
  const after = await results();
  assert.equal(after.cache, 'miss');
  assert.equal((after.body.plan as { alpha: number }).alpha, 0.1);
  assert.equal(after.results.outcomes.length, 1);
});

test('a bad id is a 404 naming the known experiments; bad parameters are 400s naming them', async () => {
  const missing = await get(open.url, '/api/experiments/no_such_experiment/results');
  assert.equal(missing.status, 404, JSON.stringify(missing.body));
  const error = (missing.body as { error: { message: string; hint: string } }).error;
  assert.match(error.message, /no experiment 'no_such_experiment'/);
  assert.match(error.hint, /known experiments: onboarding_checklist/);
  const cases: [string, string][] = [
    ['as_of=2025-02-30', 'querystring.as_of'],
    ['as_of=yesterday', 'querystring.as_of'],
    ['outcome=happiness_day:30', 'querystring.outcome'],
    ['outcome=churned_within:90:oops', 'querystring.outcome'],
    ['outcome=churned_within', 'querystring.outcome'],
    ['segments=lifecycle', 'querystring.segments'],
    ['top=3', 'querystring.top'],
  ];
  for (const [query, field] of cases) {
    const a = await get(open.url, `/api/experiments/${ID}/results?${query}`);
    assert.equal(a.status, 400, `${query}: ${JSON.stringify(a.body)}`);
    const e = (a.body as { error: { field?: string; message: string } }).error;
    if (field !== 'querystring.top') assert.equal(e.field, field, `${query}: ${JSON.stringify(e)}`);
    assert.doesNotMatch(e.message, /NaN|undefined|at /);
  }
  // An outcome given instead of the plan's is analysed as the primary.
  const given = await results(`as_of=${encodeURIComponent(asOf)}&outcome=paying_day:30,time_to_churn:120`);
  assert.deepEqual(
    given.results.outcomes.map((o) => [o.name, o.role]),
    [
      ['paying_day:30', 'primary'],
      ['time_to_churn:120', 'secondary'],
    ],
  );
});

test('viewers read the results; nobody without a token; the route is in /openapi.json', async () => {
  const path = `/api/experiments/${ID}/results?as_of=${encodeURIComponent(asOf)}`;
  assert.equal((await get(locked.url, path)).status, 401);
  assert.equal((await get(locked.url, path, viewer)).status, 200);
  const doc = (await get(open.url, '/openapi.json')).body as {
    paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
  };
  const op = doc.paths['/api/experiments/{id}/results']?.get;
  assert.ok(op, 'documented');
  assert.deepEqual(op.parameters?.map((p) => p.name).sort(), ['as_of', 'id', 'outcome', 'segments']);
});
