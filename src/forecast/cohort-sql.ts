// The warehouse side of the forecast: per paying-start cohort, customers paying and their MRR at each month
// end, and per month the sums behind the ARPA drift — all counted in SQL from subscription_changes, as of a
// cut. A paying spell starts at a change to MRR > 0 from nothing (new or reactivated); a customer belongs
// to the cohort of the month its current spell started, so a customer who comes back joins a new cohort
// and an old cohort only shrinks. MRR(c, t) is the catalog's: the latest change strictly before t.
import { instantParam } from '../compiler/sql-time.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { CohortHistory, CohortSeries, MonthSums } from './history.ts';

const iso = (v: unknown): string => new Date(Date.parse(String(v))).toISOString();

/** First days of the months from the one holding `first` up to and including `cut` (a month start). */
export function monthStartsUpTo(first: string, cut: string): string[] {
  const d = new Date(first);
  const out: string[] = [];
  for (let y = d.getUTCFullYear(), m = d.getUTCMonth(); ; m++) {
    const s = new Date(Date.UTC(y, m, 1)).toISOString();
    if (s > cut) break;
    out.push(s);
  }
  return out;
}

/** The first day of the month holding `asOf` (or `asOf` itself when it is one): history ends there. */
export function monthCut(asOf: string): string {
  const d = new Date(asOf);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
}

/** CTEs ending in `paying(t, next_t, customer_id, mrr, spell_start)`: who pays at each bound. */
function payingCtes(bounds: readonly string[], cut: string, params: SqlParams): string {
  const d = params.dialect;
  // The last bound has no next one: a NULL of the instant type.
  const next = (i: number) => {
    const t = bounds[i + 1];
    return t === undefined ? d.cast('NULL', 'timestamp') : instantParam(params, t);
  };
  const rows = bounds.map((t, i) => `(${instantParam(params, t)}, ${next(i)})`);
  return `bounds AS (SELECT * FROM (VALUES ${rows.join(', ')}) AS v(t, next_t)),
  changes AS (
    SELECT customer_id, effective_at, mrr,
      ${d.lag('mrr')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS previous_mrr
    FROM subscription_changes WHERE effective_at < ${instantParam(params, cut)}),
  spans AS (
    SELECT customer_id, effective_at, mrr,
      ${d.lead('effective_at')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS next_at,
      max(CASE WHEN mrr > 0 AND coalesce(previous_mrr, 0) = 0 THEN effective_at END) OVER (
        PARTITION BY customer_id ORDER BY effective_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS spell_start
    FROM changes),
  paying AS (
    SELECT b.t, b.next_t, s.customer_id, s.mrr, s.spell_start FROM bounds b
    JOIN spans s ON s.effective_at < b.t AND (s.next_at IS NULL OR b.t <= s.next_at)
    WHERE s.mrr > 0)`;
}

function cohortSql(bounds: readonly string[], cut: string, params: SqlParams): string {
  const months = bounds
    .slice(0, -1)
    .map((m, i) => `(${instantParam(params, m)}, ${instantParam(params, bounds[i + 1] as string)})`);
  return `WITH ${payingCtes(bounds, cut, params)},
  months AS (SELECT * FROM (VALUES ${months.join(', ')}) AS v(month_start, month_end))
  SELECT m.month_start AS cohort, p.t, count(*) AS customers, sum(p.mrr) AS mrr
  FROM paying p JOIN months m ON p.spell_start >= m.month_start AND p.spell_start < m.month_end
  GROUP BY m.month_start, p.t`;
}

function monthlySql(bounds: readonly string[], cut: string, params: SqlParams): string {
  return `WITH ${payingCtes(bounds, cut, params)}
  SELECT a.t, count(*) AS at_risk, sum(a.mrr) AS start_mrr, count(b.customer_id) AS stayed,
    coalesce(sum(b.mrr), 0) AS stayed_end_mrr
  FROM paying a LEFT JOIN paying b
    ON b.customer_id = a.customer_id AND b.t = a.next_t AND b.spell_start = a.spell_start
  WHERE a.next_t IS NOT NULL
  GROUP BY a.t`;
}

/** The cohort history as of `cut` (a month's first day), or undefined when nobody paid before it. */
export async function readCohortHistory(engine: Engine, cut: string): Promise<CohortHistory | undefined> {
  const [first] = await engine.query<{ first: string | null }>(
    `SELECT min(effective_at) AS first FROM subscription_changes
     WHERE mrr > 0 AND effective_at < ${engine.dialect.cast('$1', 'timestamp')}`,
    [cut],
  );
  if (!first?.first) return undefined;
  const bounds = monthStartsUpTo(iso(first.first), cut);
  const months = bounds.slice(0, -1);
  if (months.length === 0) return { months, cut, cohorts: [], monthly: [] };
  const cp = new SqlParams(engine.dialect);
  const cohortRows = await engine.query(cohortSql(bounds, cut, cp), cp.values);
  const mp = new SqlParams(engine.dialect);
  const monthlyRows = await engine.query(monthlySql(bounds, cut, mp), mp.values);
  // cohort → bound → (customers, mrr)
  const cells = new Map<string, Map<string, [number, number]>>();
  for (const r of cohortRows) {
    const c = iso(r.cohort);
    if (!cells.has(c)) cells.set(c, new Map());
    cells.get(c)?.set(iso(r.t), [Number(r.customers), Number(r.mrr)]);
  }
  const cohorts: CohortSeries[] = months.map((m, i) => {
    const ends = bounds.slice(i + 1);
    const at = (t: string) => cells.get(m)?.get(t) ?? [0, 0];
    return { start: m, survivors: ends.map((t) => at(t)[0]), mrr: ends.map((t) => at(t)[1]) };
  });
  const sums = new Map(monthlyRows.map((r) => [iso(r.t), r]));
  const monthly: MonthSums[] = months.map((m) => {
    const r = sums.get(m);
    return {
      start: m,
      atRisk: Number(r?.at_risk ?? 0),
      startMrr: Number(r?.start_mrr ?? 0),
      stayed: Number(r?.stayed ?? 0),
      stayedEndMrr: Number(r?.stayed_end_mrr ?? 0),
    };
  });
  return { months, cut, cohorts, monthly };
}
