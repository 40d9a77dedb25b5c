// The generated data agrees with truth.json: churn, activation, the funnel and the experiment's split are
// recomputed in SQL from the tables alone and compared with what the parameters predict.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { generateCompany } from './generate.ts';
import {
  CompanyDb,
  DECISIONS_SQL,
  decisionProbability,
  makeTempDir,
  readTruth,
  type TruthFile,
  zScore,
} from './test-helpers.ts';

let dir: string;
let db: CompanyDb;
let truth: TruthFile;

before(async () => {
  dir = await makeTempDir();
  await generateCompany({ customers: 3000, months: 24, seed: 7, out: dir });
  truth = await readTruth(dir);
  db = await CompanyDb.open(dir);
});

after(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

test('monthly churn of monthly-billed customers, by plan, matches the hazards in truth.json', async () => {
  const c = truth.parameters.churn;
  const a = truth.parameters.activation;
  const groups = await db.rows(
    DECISIONS_SQL(truth.options.end, c.checkin_lookback_days, a.window_days, a.milestones),
  );
  const byKey = new Map<string, { observed: number; expected: number; variance: number; n: number }>();
  for (const g of groups) {
    const p = decisionProbability(truth, g);
    const key = g.billing === 'annual' ? 'annual renewals' : `monthly ${g.plan}`;
    const s = byKey.get(key) ?? { observed: 0, expected: 0, variance: 0, n: 0 };
    const n = Number(g.n);
    s.observed += Number(g.churned);
    s.expected += n * p;
    s.variance += n * p * (1 - p);
    s.n += n;
    byKey.set(key, s);
  }
  for (const plan of ['starter', 'growth', 'enterprise']) {
    assert.ok(byKey.has(`monthly ${plan}`), `no monthly ${plan} customer-months at risk`);
  }
  assert.ok((byKey.get('monthly starter')?.n ?? 0) > 5000, 'too few starter customer-months to judge');
  for (const [key, s] of byKey) {
    const z = zScore(s.observed, s.expected, s.variance);
    assert.ok(
      z <= 4,
      `${key}: ${s.observed} churns in ${s.n} decisions, expected ${s.expected.toFixed(1)} (z = ${z.toFixed(2)})`,
    );
  }
});

test('activation rate matches truth.json among accounts whose 14-day window is over', async () => {
  const a = truth.parameters.activation;
  const row = await db.one(`
    WITH closed AS (
      SELECT customer_id, signed_up_at FROM customers
      WHERE signed_up_at < TIMESTAMP '${truth.options.end}' - INTERVAL ${a.window_days} DAY
    ),
    done AS (
      SELECT e.customer_id FROM events e JOIN closed c USING (customer_id)
      WHERE e.name IN (${a.milestones.map((m) => `'${m}'`).join(', ')})
        AND e.occurred_at < c.signed_up_at + INTERVAL ${a.window_days} DAY
      GROUP BY 1 HAVING count(DISTINCT e.name) = ${a.milestones.length}
    )
    SELECT (SELECT count(*) FROM closed)::INTEGER AS n, (SELECT count(*) FROM done)::INTEGER AS activated`);
  const n = Number(row.n);
  const p = a.rate;
  const z = zScore(Number(row.activated), n * p, n * p * (1 - p));
  assert.ok(n > 2500, `only ${n} accounts with a closed window`);
  assert.ok(
    z <= 4,
    `activated ${row.activated} of ${n}, expected ${(n * p).toFixed(0)} (z = ${z.toFixed(2)})`,
  );
});

test('funnel step conversion rates match truth.json', async () => {
  const f = truth.parameters.funnel;
  const reached = await db.rows(`
    WITH closed AS (
      SELECT customer_id, signed_up_at FROM customers
      WHERE signed_up_at < TIMESTAMP '${truth.options.end}' - INTERVAL ${f.window_days} DAY
    ),
    first_step AS (
      SELECT e.customer_id, min(e.occurred_at) AS t0 FROM events e JOIN closed USING (customer_id)
      WHERE e.name = '${f.steps[0]}' GROUP BY 1
    )
    SELECT e.name, count(DISTINCT e.customer_id)::INTEGER AS n FROM events e JOIN first_step s USING (customer_id)
    WHERE e.name IN (${f.steps.map((s) => `'${s}'`).join(', ')})
      AND e.occurred_at >= s.t0 AND e.occurred_at < s.t0 + INTERVAL ${f.window_days} DAY
    GROUP BY 1`);
  const count = new Map(reached.map((r) => [String(r.name), Number(r.n)]));
  const closed = await db.number(
    `SELECT count(*) FROM customers WHERE signed_up_at < TIMESTAMP '${truth.options.end}' - INTERVAL ${f.window_days} DAY`,
  );
  assert.equal(count.get(f.steps[0] as string), closed, 'every account starts the funnel');
  for (let i = 1; i < f.steps.length; i++) {
    const n = count.get(f.steps[i - 1] as string) ?? 0;
    const k = count.get(f.steps[i] as string) ?? 0;
    const p = f.step_rates[i] as number;
    const z = zScore(k, n * p, n * p * (1 - p));
    assert.ok(z <= 4, `${f.steps[i]}: ${k} of ${n}, expected rate ${p} (z = ${z.toFixed(2)})`);
  }
});

test('experiment assignments are a fair split of the accounts that signed up while it ran', async () => {
  const e = truth.parameters.experiment;
  const row = await db.one(`
    SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE a.variant = 'treatment')::INTEGER AS treated,
      count(*) FILTER (WHERE c.signed_up_at < x.started_at OR c.signed_up_at >= coalesce(x.ended_at, TIMESTAMP '${truth.options.end}'))::INTEGER AS outside,
      (SELECT count(*) FROM customers, experiments x2 WHERE signed_up_at >= x2.started_at
        AND signed_up_at < coalesce(x2.ended_at, TIMESTAMP '${truth.options.end}'))::INTEGER AS eligible
    FROM assignments a JOIN customers c USING (customer_id) JOIN experiments x USING (experiment_id)
    WHERE a.experiment_id = '${e.experiment_id}'`);
  assert.equal(row.outside, 0);
  assert.equal(row.n, row.eligible, 'every account signing up during the experiment is assigned');
  const n = Number(row.n);
  const p = e.treatment_share;
  assert.ok(zScore(Number(row.treated), n * p, n * p * (1 - p)) <= 4, `treated ${row.treated} of ${n}`);
  assert.equal(
    e.true_effect.churn_hazard_multiplier,
    truth.parameters.churn.multipliers.experiment_treatment,
  );
});

test('cost to serve gives the gross margin of truth.json', async () => {
  // Revenue per account and month = the MRR in force, weighted by the share of the month it was in force.
  const row = await db.one(`
    WITH sc AS (
      SELECT customer_id, effective_at AS t, mrr,
        coalesce(lead(effective_at) OVER (PARTITION BY customer_id ORDER BY effective_at), TIMESTAMP '${truth.options.end}') AS t_next
      FROM subscription_changes
    ),
    months AS (SELECT DISTINCT period_start::TIMESTAMP AS m0, period_end::TIMESTAMP AS m1 FROM costs)
    SELECT
      (SELECT sum(amount)::DOUBLE FROM costs) AS cost,
      sum(sc.mrr::DOUBLE * epoch(least(sc.t_next, m.m1) - greatest(sc.t, m.m0)) / epoch(m.m1 - m.m0)) AS revenue
    FROM sc JOIN months m ON sc.t < m.m1 AND sc.t_next > m.m0`);
  const margin = 1 - Number(row.cost) / Number(row.revenue);
  assert.ok(
    Math.abs(margin - truth.parameters.costs.gross_margin) < 0.01,
    `gross margin ${margin.toFixed(4)} vs ${truth.parameters.costs.gross_margin}`,
  );
});
