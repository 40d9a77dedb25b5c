// The churn decisions of monthly-billed paying spells, summarised per covariate cell for the discrete-time
// hazard model (src/models/discrete-hazard.ts). Every paying spell (a change to MRR > 0 after none, or after
// MRR 0, up to the next change to MRR 0) faces a renewal decision at each monthly anniversary start + k
// months (k ≥ 1) reached by the data's end; it churned there when MRR falls to 0 at that instant. Each
// decision carries what a user's warehouse shows about it:
//   plan       the plan in force just before the anniversary (the latest change strictly before it),
//   channel    the customer's acquisition channel,
//   activated  every activation milestone done within the activation window after signup (events),
//   referred   named referrer or the referral channel (dimensions.ts),
//   checkin    a check-in in the lookback days before the anniversary,
//   treated    assigned to a variant named 'treatment' (of one experiment when one is named).
// A spell is monthly-billed when its first contract term (contracts starting at the spell's start) lasts at
// most 45 days, or when no contract starts there. Annual spells decide only once a year and are left out.
import { ACTIVATION_MILESTONES } from '../../catalog/kpis/shared.ts';
import { badInput } from '../../errors/tenure-error.ts';
import { fitDiscreteHazard, type HazardCell, type HazardFit } from '../../models/discrete-hazard.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { REFERRED_SQL } from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import { instantParam } from '../sql-time.ts';
import { wholeMonthsBetween } from './first-spells.ts';

export interface HazardCellsRequest {
  asOf: string;
  milestones?: readonly string[];
  activationWindowDays?: number;
  checkinLookbackDays?: number;
  experimentId?: string;
}

export const HAZARD_COVARIATES = ['plan', 'channel', 'activated', 'referred', 'checkin', 'treated'] as const;

function cellsSql(req: HazardCellsRequest, params: SqlParams): string {
  const d = params.dialect;
  const epoch = d.epochSeconds;
  const until = instantParam(params, req.asOf);
  const milestones = req.milestones ?? ACTIVATION_MILESTONES;
  const windowSeconds = params.bind((req.activationWindowDays ?? 14) * 86400);
  const lookbackSeconds = params.bind((req.checkinLookbackDays ?? 90) * 86400);
  const experiment =
    req.experimentId === undefined ? 'TRUE' : `a.experiment_id = ${params.bind(req.experimentId)}`;
  return `WITH changes AS (
    SELECT customer_id, effective_at, mrr, plan,
      ${d.lag('mrr')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS prev_mrr,
      ${d.lead('effective_at')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS next_at
    FROM subscription_changes WHERE effective_at <= ${until}),
  starts AS (
    SELECT customer_id, effective_at AS start_at FROM changes
    WHERE mrr > 0 AND (prev_mrr IS NULL OR prev_mrr = 0)),
  spells AS (
    SELECT s.customer_id, s.start_at,
      (SELECT min(c.effective_at) FROM changes c
        WHERE c.customer_id = s.customer_id AND c.effective_at > s.start_at AND c.mrr = 0) AS end_at
    FROM starts s),
  monthly AS (
    SELECT sp.customer_id, sp.start_at, sp.end_at,
      ${wholeMonthsBetween(params.dialect, 'sp.start_at', `coalesce(sp.end_at, ${until})`)} AS months
    FROM spells sp
    WHERE NOT EXISTS (SELECT 1 FROM contracts k WHERE k.customer_id = sp.customer_id
      AND k.start_at = sp.start_at AND ${epoch('k.end_at')} - ${epoch('k.start_at')} > 45 * 86400)),
  ks AS (SELECT CAST(g.i AS INTEGER) AS k FROM ${d.series('1', '(SELECT coalesce(max(months), 0) FROM monthly)', 'g')}),
  decisions AS (
    SELECT m.customer_id, ${d.addInterval('m.start_at', 'ks.k', 'month')} AS at,
      CASE WHEN m.end_at = ${d.addInterval('m.start_at', 'ks.k', 'month')} THEN 1 ELSE 0 END AS churned
    FROM monthly m JOIN ks ON ks.k <= m.months),
  activated AS (
    SELECT e.customer_id FROM events e JOIN customers c ON c.customer_id = e.customer_id
    WHERE ${eventFilter('e', milestones, params)} AND e.occurred_at >= c.signed_up_at
      AND ${epoch('e.occurred_at')} < ${epoch('c.signed_up_at')} + ${windowSeconds}
    GROUP BY e.customer_id HAVING count(DISTINCT e.name) = ${params.bind(new Set(milestones).size)}),
  treated AS (
    SELECT DISTINCT a.customer_id FROM assignments a WHERE a.variant = 'treatment' AND ${experiment}),
  covariates AS (
    SELECT d.churned,
      coalesce(ch.plan, '(none)') AS plan,
      coalesce(cu.channel, '(none)') AS channel,
      CASE WHEN act.customer_id IS NULL THEN 'no' ELSE 'yes' END AS activated,
      CASE WHEN ${REFERRED_SQL} THEN 'yes' ELSE 'no' END AS referred,
      CASE WHEN EXISTS (SELECT 1 FROM checkins h WHERE h.customer_id = d.customer_id
        AND h.occurred_at < d.at AND ${epoch('h.occurred_at')} >= ${epoch('d.at')} - ${lookbackSeconds})
        THEN 'yes' ELSE 'no' END AS checkin,
      CASE WHEN tr.customer_id IS NULL THEN 'no' ELSE 'yes' END AS treated
    FROM decisions d
    JOIN customers cu ON cu.customer_id = d.customer_id
    JOIN changes ch ON ch.customer_id = d.customer_id AND ch.effective_at < d.at
      AND (ch.next_at IS NULL OR ch.next_at >= d.at)
    LEFT JOIN activated act ON act.customer_id = d.customer_id
    LEFT JOIN treated tr ON tr.customer_id = d.customer_id)
  SELECT plan, channel, activated, referred, checkin, treated,
    count(*) AS at_risk, sum(churned) AS events
  FROM covariates GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`;
}

/** Decisions at risk and churns per cell of plan × channel × activated × referred × checkin × treated. */
export async function hazardCells(engine: Engine, req: HazardCellsRequest): Promise<HazardCell[]> {
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(cellsSql(req, params), params.values);
  return rows.map((r) => ({
    covariates: Object.fromEntries(HAZARD_COVARIATES.map((c) => [c, String(r[c])])),
    atRisk: Number(r.at_risk),
    events: Number(r.events),
  }));
}

/**
 * The churn hazard model: one base hazard per plan, multipliers for the other covariates against 'no',
 * the channel against `referenceChannel` (default organic). Referral-channel customers are all referred,
 * so `channel=referral` is aliased with `referred=yes` and left out: `referred` carries both.
 */
export async function churnHazards(
  engine: Engine,
  req: HazardCellsRequest & { level?: number; referenceChannel?: string },
): Promise<HazardFit & { as_of: string }> {
  const cells = await hazardCells(engine, req);
  if (cells.length === 0) {
    throw badInput(
      `no monthly renewal decision was reached by ${req.asOf}`,
      { field: 'as_of' },
      'load subscription_changes with paying spells at least a month long',
    );
  }
  const fit = fitDiscreteHazard(cells, {
    stratum: 'plan',
    factors: [
      { name: 'referred', reference: 'no' },
      { name: 'activated', reference: 'no' },
      { name: 'checkin', reference: 'no' },
      { name: 'treated', reference: 'no' },
      { name: 'channel', reference: req.referenceChannel ?? 'organic' },
      // A reference level no decision has (no organic customers, everyone checked in) falls back to the
      // level with the most decisions at risk.
    ].map((f) => (cells.some((c) => c.covariates[f.name] === f.reference) ? f : { name: f.name })),
    level: req.level,
  });
  return { as_of: req.asOf, ...fit };
}
