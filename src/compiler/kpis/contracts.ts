// Downgrade-to-churn conversion and contract renewal (KPI-DEFAULTS.md), both windowed KPIs judged against
// asOf: a unit counts only once its whole window is over, in the numerator and the denominator alike; one
// whose window is still open is left out (censored) whatever its outcome so far. Counting an open window's
// early outcome while leaving out its open non-outcomes would lean every recent rate towards the outcome.
//   downgrade_to_churn_conversion_rate: customers whose FIRST downgrade in P (a change whose mrr is lower than
//     the previous one and above 0) happened at t; converted when a change to mrr 0 is effective in
//     (t, t + window_days] (the MRR is 0 right after it, so by t + window_days). A downgrade whose window ends
//     after asOf is censored, converted already or not.
//   customer_renewal_rate: contracts with end_at in P; renewed when marked renewed, or when another contract
//     of the same customer starts after this one's start and no later than end_at + grace_days. A contract
//     whose grace ends after asOf is censored, renewed already or not.

import { type KpiResult, noDataResult, type ResultContext, ratioResult } from '../../results/kpi-result.ts';
import type { Engine, Row } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import { type PeriodSegmentTables, segmentJoin, segmentSql, segmentsAt } from '../dimensions.ts';
import type { FamilyRequest } from '../family-request.ts';
import { withRollups } from '../rollups/run-rollups.ts';
import { instantParam, periodDaysSql, periodsValues } from '../sql-time.ts';

export interface ContractParams {
  /** Days after a downgrade within which a cancellation counts as its conversion. */
  readonly windowDays: number;
  /** Days after a contract's end within which a next contract counts as its renewal. */
  readonly graceDays: number;
}

export const DEFAULT_CONTRACT_PARAMS: ContractParams = { windowDays: 90, graceDays: 30 };

export const CONTRACT_KPIS = ['downgrade_to_churn_conversion_rate', 'customer_renewal_rate'] as const;

export type ContractRequest = FamilyRequest<ContractParams>;

/** Per period and segment: first downgrades in P, those converted to churn, and those censored. */
function downgradeSql(req: ContractRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  const d = params.dialect;
  const asOf = instantParam(params, req.asOf);
  const windowEnd = (ts: string) => d.addInterval(ts, params.bind(req.params.windowDays), 'day');
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  changes AS (
    SELECT customer_id, effective_at, mrr,
      ${d.lag('mrr')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS previous_mrr
    FROM subscription_changes),
  first_downgrade AS (
    SELECT p.period_start, c.customer_id, min(c.effective_at) AS downgraded_at
    FROM changes c JOIN periods p ON c.effective_at >= p.period_start AND c.effective_at < p.period_end
    WHERE c.mrr > 0 AND c.mrr < c.previous_mrr
    GROUP BY 1, 2),
  outcome AS (
    SELECT f.period_start, f.customer_id, f.downgraded_at,
      min(z.effective_at) AS churned_at
    FROM first_downgrade f
    LEFT JOIN subscription_changes z ON z.customer_id = f.customer_id AND z.mrr = 0
      AND z.effective_at > f.downgraded_at AND z.effective_at <= ${windowEnd('f.downgraded_at')}
      AND z.effective_at <= ${asOf}
    GROUP BY 1, 2, 3)
  SELECT o.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN ${windowEnd('o.downgraded_at')} <= ${asOf} THEN 1 END) AS base,
    count(CASE WHEN ${windowEnd('o.downgraded_at')} <= ${asOf} THEN o.churned_at END) AS hits,
    count(CASE WHEN ${windowEnd('o.downgraded_at')} > ${asOf} THEN 1 END) AS censored
  FROM outcome o ${segmentJoin(req.by, 'o.customer_id', segmentsAt('o.period_start', segments))}
  GROUP BY 1, 2`;
}

/** Per period and segment: contracts ending in P whose outcome is known, those renewed, and those censored. */
function renewalSql(req: ContractRequest, segments: PeriodSegmentTables, params: SqlParams): string {
  const d = params.dialect;
  const asOf = instantParam(params, req.asOf);
  const graceEnd = (ts: string) => d.addInterval(ts, params.bind(req.params.graceDays), 'day');
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  period_days AS (${periodDaysSql(d, req.periods)}),
  -- Periods start at UTC midnights: a contract ends in the period holding its UTC day.
  closing AS (
    SELECT pd.period_start, k.contract_id, k.customer_id, k.start_at, k.end_at, k.renewed
    FROM contracts k JOIN period_days pd ON pd.day = ${d.utcDay('k.end_at')}),
  -- A contract not marked renewed is renewed when another of the account's starts after it and by its end
  -- plus the grace days: only those few are looked up.
  followed AS (
    SELECT DISTINCT c.period_start, c.contract_id FROM closing c
    JOIN contracts n ON n.customer_id = c.customer_id AND n.contract_id <> c.contract_id
      AND n.start_at > c.start_at AND n.start_at <= ${graceEnd('c.end_at')}
    WHERE coalesce(c.renewed, FALSE) = FALSE),
  ending AS (
    SELECT c.period_start, c.customer_id, c.end_at,
      CASE WHEN c.renewed = TRUE OR f.contract_id IS NOT NULL THEN 1 ELSE 0 END AS renewed
    FROM closing c LEFT JOIN followed f ON f.period_start = c.period_start AND f.contract_id = c.contract_id)
  SELECT e.period_start, ${segmentSql(req.by, params)} AS segment,
    count(CASE WHEN ${graceEnd('e.end_at')} <= ${asOf} THEN 1 END) AS base,
    count(CASE WHEN ${graceEnd('e.end_at')} <= ${asOf} AND e.renewed = 1 THEN 1 END) AS hits,
    count(CASE WHEN ${graceEnd('e.end_at')} > ${asOf} THEN 1 END) AS censored
  FROM ending e ${segmentJoin(req.by, 'e.customer_id', segmentsAt('e.period_start', segments))}
  GROUP BY 1, 2`;
}

const SOURCES = {
  downgrade_to_churn_conversion_rate: { table: 'subscription_changes', sql: downgradeSql },
  customer_renewal_rate: { table: 'contracts', sql: renewalSql },
} as const;

export function computeContractKpis(engine: Engine, req: ContractRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => contractKpis(session, { ...req, rollups }));
}

async function contractKpis(engine: Engine, req: ContractRequest): Promise<KpiResult[]> {
  const wanted = CONTRACT_KPIS.filter((k) => req.kpis.includes(k));
  if (wanted.length === 0) return [];
  const tables = (await req.rollups?.segmentTables(req.by, req.periods, req)) ?? {};
  const byKpi = new Map<string, Map<string, Row> | undefined>();
  const segments = new Set<string>(req.by === undefined ? ['all'] : []);
  for (const kpi of wanted) {
    const source = SOURCES[kpi];
    if (!(await tableHasRows(engine, source.table))) {
      byKpi.set(kpi, undefined);
      continue;
    }
    const params = new SqlParams(engine.dialect);
    const rows = await engine.query(source.sql(req, tables, params), params.values);
    for (const r of rows) segments.add(String(r.segment));
    byKpi.set(kpi, new Map(rows.map((r) => [`${String(r.period_start)}|${String(r.segment)}`, r])));
  }
  const results: KpiResult[] = [];
  for (const kpi of wanted) {
    const rows = byKpi.get(kpi);
    for (const segment of [...segments].sort()) {
      for (const p of req.periods) {
        const ctx: ResultContext = {
          kpi,
          period_start: p.start,
          period_end: p.end,
          segment,
          asOf: req.asOf,
          minSample: req.minSample,
        };
        if (!rows) {
          results.push(noDataResult(ctx));
          continue;
        }
        const row = rows.get(`${p.start}|${segment}`);
        const base = Number(row?.base ?? 0);
        const r = ratioResult(ctx, Number(row?.hits ?? 0), base, base);
        results.push(Number(row?.censored ?? 0) > 0 ? { ...r, flags: [...r.flags, 'censored'] } : r);
      }
    }
  }
  return results;
}
