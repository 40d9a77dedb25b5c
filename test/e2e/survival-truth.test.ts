// The survival models, fed from the warehouse, recover the generator's truth (truth.json) on a generated
// company of 15,000 customers over 24 months:
// - the discrete-time hazard model (Allison 1982; log-binomial, src/models/discrete-hazard.ts) on the
//   monthly renewal decisions, whose covariates SQL derives from warehouse data only: every base hazard
//   and multiplier of truth.json lies inside its 99% interval. Eleven quantities are checked (3 base
//   hazards, 4 channels, activated, referred, check-in, treatment); at 95% each, all eleven would cover
//   with probability only 0.95^11 ≈ 0.57 even for a perfect model; at 99%, at least 1 − 11 × 0.01 = 0.89
//   (Bonferroni). The referral channel is aliased with `referred` (every referral customer has a referrer),
//   and truth.json's referral channel multiplier is 1, so `referred` estimates 0.75 × 1.
// - the decisions and churns SQL counts equal those the generator's own files show (DECISIONS_SQL).
// - Kaplan–Meier by plan: starter customers (all billed monthly) churn at each anniversary k of their
//   first spell with the hazard truth.json gives their covariates there, so the curve KM estimates is
//   S(t) = Π_{k ≤ t} (1 − h̄_k), h̄_k the mean hazard of the customers at risk at k (the at-risk mix
//   matters: the experiment's treated customers all signed up late, so they are censored early). The
//   95% Greenwood band covers S at 1, 3 and 6 months.
// - what a move of activation is worth (src/goals/impact.ts) rests on the hazard model's multiplier for
//   activated accounts: the planted 0.6 lies inside the 95% interval it reports, and the first link of its
//   chain is that multiplier's arithmetic (Δ logo churn = Δ × h_not_activated × (multiplier − 1)).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { cohortSbg } from '../../src/compiler/survival/cohort-sbg.ts';
import { churnHazards, hazardCells } from '../../src/compiler/survival/hazard-cells.ts';
import { survivalBySegment } from '../../src/compiler/survival/survival.ts';
import type { KpiImpact } from '../../src/goals/impact.ts';
import { priceKpiMove } from '../../src/goals/impact-baseline.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import {
  CompanyDb,
  DECISIONS_SQL,
  decisionProbability,
  readTruth,
  type TruthFile,
} from '../../src/synth/test-helpers.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';

/**
 * The renewal decisions of starter customers' first paying spells, per anniversary k and cell of what the
 * hazard depends on there (plan in force, channel, activation, referral, check-in, treatment), read from
 * the generator's files the way DECISIONS_SQL reads them.
 */
const STARTER_DECISIONS = (t: TruthFile) => `
WITH sc AS (SELECT customer_id, effective_at AS t, plan, reason FROM subscription_changes),
first AS (
  SELECT s.customer_id, s.t AS start_at,
    (SELECT min(c.t) FROM sc c WHERE c.customer_id = s.customer_id AND c.reason = 'cancel' AND c.t > s.t) AS cancel_at
  FROM sc s JOIN customers cu USING (customer_id) WHERE s.reason = 'new' AND cu.plan = 'starter'),
anniversaries AS (
  SELECT f.customer_id, r.k, f.start_at + to_months(r.k::INTEGER) AS at FROM first f, range(1, 13) r(k)
  WHERE f.start_at + to_months(r.k::INTEGER) < TIMESTAMP '${t.options.end}'
    AND (f.cancel_at IS NULL OR f.start_at + to_months(r.k::INTEGER) <= f.cancel_at)),
activated AS (
  SELECT e.customer_id FROM events e JOIN customers c USING (customer_id)
  WHERE e.name IN (${t.parameters.activation.milestones.map((m) => `'${m}'`).join(', ')})
    AND e.occurred_at >= c.signed_up_at
    AND e.occurred_at < c.signed_up_at + INTERVAL ${t.parameters.activation.window_days} DAY
  GROUP BY 1 HAVING count(DISTINCT e.name) = ${t.parameters.activation.milestones.length}),
decided AS (SELECT a.*, sc.plan AS plan_now FROM anniversaries a ASOF JOIN sc ON sc.customer_id = a.customer_id AND a.at > sc.t)
SELECT d.k, d.plan_now AS plan, c.channel, d.customer_id IN (SELECT customer_id FROM activated) AS activated,
  c.referred_by IS NOT NULL AS referred,
  EXISTS (SELECT 1 FROM checkins h WHERE h.customer_id = d.customer_id
    AND h.occurred_at >= d.at - INTERVAL ${t.parameters.churn.checkin_lookback_days} DAY AND h.occurred_at < d.at) AS checkin,
  coalesce(asg.variant = 'treatment', false) AS treated, count(*)::INTEGER AS n
FROM decided d JOIN customers c USING (customer_id) LEFT JOIN assignments asg USING (customer_id)
GROUP BY ALL`;

test('survival models on the warehouse recover truth.json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-survival-truth-'));
  try {
    const data = join(dir, 'company');
    await generateCompany({ customers: 15000, months: 24, seed: 11, out: data });
    const truth = await readTruth(data);
    const asOf = `${truth.options.end}T00:00:00.000Z`;
    const db = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    let fit: Awaited<ReturnType<typeof churnHazards>>;
    let cells: Awaited<ReturnType<typeof hazardCells>>;
    let km: Awaited<ReturnType<typeof survivalBySegment>>;
    let impact: KpiImpact;
    try {
      await ingest(db, { dataDir: data });
      cells = await hazardCells(db, { asOf });
      fit = await churnHazards(db, { asOf, level: 0.99 });
      km = await survivalBySegment(db, { by: 'plan', asOf });
      impact = await priceKpiMove(
        db,
        { definitions: CATALOG, applied: [], custom: [] },
        { kpi: 'activation_milestone_completion', change: 0.05, asOf },
      );
      // Every cohort with two fully observed months and a churn gets an sBG fit.
      const sbg = await cohortSbg(db, { asOf });
      assert.ok(sbg.cohorts.filter((c) => c.alpha !== null).length >= 15);
    } finally {
      await db.close();
    }

    const company = await CompanyDb.open(data);
    let decisions: Awaited<ReturnType<CompanyDb['rows']>>;
    let starterDecisions: Awaited<ReturnType<CompanyDb['rows']>>;
    try {
      const c = truth.parameters.churn;
      const a = truth.parameters.activation;
      decisions = await company.rows(
        DECISIONS_SQL(truth.options.end, c.checkin_lookback_days, a.window_days, a.milestones),
      );
      starterDecisions = await company.rows(STARTER_DECISIONS(truth));
    } finally {
      company.close();
    }

    // The warehouse-side reconstruction counts the same monthly decisions and churns as the generator's.
    const monthly = decisions.filter((g) => g.billing === 'monthly');
    assert.equal(
      fit.decisions,
      monthly.reduce((s, g) => s + Number(g.n), 0),
    );
    assert.equal(
      fit.events,
      monthly.reduce((s, g) => s + Number(g.churned), 0),
    );
    assert.ok(cells.length > 50);

    const churn = truth.parameters.churn;
    const m = churn.multipliers;
    const expected: Record<string, number> = {
      ...Object.fromEntries(Object.entries(churn.base_monthly_hazard).map(([p, h]) => [`plan=${p}`, h])),
      ...Object.fromEntries(
        Object.entries(m.channel)
          .filter(([ch]) => ch !== 'organic' && ch !== 'referral')
          .map(([ch, v]) => [`channel=${ch}`, v]),
      ),
      'activated=yes': m.activated,
      'referred=yes': m.referred * (m.channel.referral as number),
      'checkin=yes': m.checkin_90d,
      'treated=yes': m.experiment_treatment,
    };
    assert.deepEqual(fit.aliased, ['channel=referral']);
    const estimates = [...fit.baseHazards, ...fit.multipliers];
    assert.deepEqual(estimates.map((e) => e.term).sort(), Object.keys(expected).sort());
    for (const e of estimates) {
      const t = expected[e.term] as number;
      assert.ok(
        e.lower <= t && t <= e.upper,
        `${e.term}: truth ${t} outside the 99% interval [${e.lower.toFixed(4)}, ${e.upper.toFixed(4)}] (estimate ${e.estimate.toFixed(4)})`,
      );
    }

    // The activation move is priced with the hazard model's multiplier: its 95% interval holds the planted
    // 0.6, and the chain's first link is its arithmetic.
    const effect = impact.baseline.activation;
    assert.ok(effect, 'no activation effect');
    assert.ok(
      effect.lower <= m.activated && m.activated <= effect.upper,
      `activated: truth ${m.activated} outside [${effect.lower}, ${effect.upper}]`,
    );
    assert.equal(impact.via, 'model');
    assert.ok(
      impact.mrr.low > 0 && impact.mrr.low <= impact.mrr.change && impact.mrr.change <= impact.mrr.high,
    );
    // h_not = c / (1 + a × (m − 1)): the logo churn of the base split by the share of activated decisions.
    const logo = impact.baseline.logo_churn_rate;
    assert.ok(
      Math.abs(effect.hazard_not_activated - logo / (1 + effect.activated_share * (effect.multiplier - 1))) <
        1e-12,
    );

    // Kaplan–Meier of starter customers against the survival truth.json implies.
    const starter = km.segments.find((s) => s.segment === 'starter');
    assert.ok(starter, 'no starter segment');
    // E[churns at k | who is at risk] = Σ h_i over the customers at risk, so the curve KM estimates is
    // Π_{k ≤ t} (1 − h̄_k), h̄_k the mean true hazard of the decisions at anniversary k.
    const meanHazard = new Map<number, { n: number; h: number }>();
    for (const g of starterDecisions) {
      const h = decisionProbability(truth, { ...g, billing: 'monthly' });
      const e = meanHazard.get(Number(g.k)) ?? { n: 0, h: 0 };
      e.n += Number(g.n);
      e.h += Number(g.n) * h;
      meanHazard.set(Number(g.k), e);
    }
    const trueSurvival = (t: number) => {
      let s = 1;
      for (let k = 1; k <= t; k++) {
        const e = meanHazard.get(k) as { n: number; h: number };
        s *= 1 - e.h / e.n;
      }
      return s;
    };
    assert.equal(meanHazard.get(1)?.n, starter.steps.find((s) => s.time === 1)?.atRisk);
    for (const t of [1, 3, 6]) {
      const step = starter.steps.find((s) => s.time === t);
      assert.ok(step, `no step at ${t}`);
      const s = trueSurvival(t);
      assert.ok(
        step.lower <= s && s <= step.upper,
        `month ${t}: implied S ${s.toFixed(4)} outside [${step.lower.toFixed(4)}, ${step.upper.toFixed(4)}] (KM ${step.survival.toFixed(4)})`,
      );
    }
    // Plans differ in hazard (0.05, 0.03, 0.015): the log-rank test must see it.
    assert.ok(km.logRank && km.logRank.pValue < 1e-6, JSON.stringify(km.logRank));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
