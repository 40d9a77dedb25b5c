// Each assigned unit's outcomes since its exposure, and each arm reduced to sufficient statistics, in one
// query: the units of the experiment (assigned by as_of), each source they read aggregated per unit once
// for every outcome that reads it, the per-unit values (post, and pre for CUPED; numerator and denominator
// for ratios), then per arm n, Σx, Σxᵢxⱼ over the units whose window has closed. JavaScript receives a row
// per arm, never the units.
//
// Sources are the catalog's: user days of the active events (kept by the load), activity rows of named
// events, sessions (the catalog's gap; sessions holding a named event through the session rollup's key
// actions), the subscription log as MRR spans (customer-mrr.ts: MRR at an instant by `spanHoldsAtSql`;
// a cancellation is a change to MRR 0 from a positive MRR, the change that ends a paying spell, as the
// churn KPIs and tenures count it), orders, and the activation times of the activation KPIs.
//
// Time: exposure t0 = epoch seconds of assigned_at; day 0 = its UTC day d0. Windows on the subscription log
// and orders are exact, [t0 + lo, t0 + hi); windows on events are whole UTC days [d0 + lo, d0 + hi), as the
// catalog's day rollups count them (so day 0 holds the exposure day's events before exposure too).
// Arithmetic is on epoch seconds and dates (sql-time.ts): both engines run it fast.

import { DAYS_PER_MONTH } from '../../compiler/periods.ts';
import { mrrSpansSql, spanHoldsAtSql } from '../../compiler/rollups/customer-mrr.ts';
import { instantParam } from '../../compiler/sql-time.ts';
import type { Dialect } from '../../warehouse/engine.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import type { OutcomeSpec, Quantity } from './spec.ts';

export const DAY_SECONDS = 86_400;

/** A table a source reads, found or built through the run's rollups (see outcomes/measure.ts). */
export type SourceKey =
  | { kind: 'days'; names: readonly string[] }
  | { kind: 'activity'; names: readonly string[] }
  | { kind: 'sessions'; names: readonly string[] | null }
  | { kind: 'mrr' }
  | { kind: 'orders' }
  | { kind: 'activation' };

export const sourceId = (s: SourceKey): string =>
  'names' in s ? `${s.kind}:${JSON.stringify(s.names)}` : s.kind;

/** When a unit's window is over: t0 + seconds ≤ as_of, or d0 + days ≤ the UTC day of as_of. */
export interface Maturity {
  seconds: number;
  days: number;
}

/** One outcome's per-unit columns (1, 2 or 4) and when its window closes. */
export interface OutcomeColumns {
  columns: string[];
  maturity: Maturity;
}

interface SourceAggregates {
  key: SourceKey;
  /** Lowest and highest offsets the aggregates read (days for day sources, seconds for time sources). */
  lo: number;
  hi: number;
  aggregates: string[];
}

/** Collects the aggregates each source must compute per unit, and the outcomes' columns over them. */
export class UnitQuery {
  private readonly sources = new Map<string, SourceAggregates>();

  constructor(
    private readonly params: SqlParams,
    private readonly activeEvents: readonly string[],
  ) {}

  /** Registers an aggregate over source rows `x` joined to unit `u`; returns the column that holds it. */
  private aggregate(key: SourceKey, sql: string, lo: number, hi: number): string {
    const id = sourceId(key);
    let s = this.sources.get(id);
    if (!s) {
      s = { key, lo, hi, aggregates: [] };
      this.sources.set(id, s);
    }
    s.lo = Math.min(s.lo, lo);
    s.hi = Math.max(s.hi, hi);
    let i = s.aggregates.indexOf(sql);
    if (i < 0) i = s.aggregates.push(sql) - 1;
    return `coalesce(${this.alias(id)}.a${i}, 0)`;
  }

  private alias(id: string): string {
    return `s${[...this.sources.keys()].indexOf(id)}`;
  }

  // --- per-unit measures ---------------------------------------------------------------------------

  private activeOn(day: number): string {
    const key: SourceKey = { kind: 'days', names: this.activeEvents };
    return this.aggregate(key, `max(CASE WHEN x.day = ${dayAt(day)} THEN 1 ELSE 0 END)`, day, day + 1);
  }

  private mrrAt(seconds: number): string {
    const holds = spanHoldsAtSql('x', `u.t0 + ${seconds}`);
    return this.aggregate({ kind: 'mrr' }, `max(CASE WHEN ${holds} THEN x.mrr END)`, seconds, seconds);
  }

  private churned(lo: number, hi: number): string {
    const within = `x.effective_at >= u.t0 + ${lo} AND x.effective_at < u.t0 + ${hi}`;
    return this.aggregate(
      { kind: 'mrr' },
      `max(CASE WHEN x.mrr = 0 AND x.prev_mrr > 0 AND ${within} THEN 1 ELSE 0 END)`,
      lo,
      hi,
    );
  }

  /** ∫ MRR dt over [t0 + lo, t0 + hi) in months of DAYS_PER_MONTH days: recurring revenue earned. */
  private mrrEarned(lo: number, hi: number): string {
    const end = `least(coalesce(x.next_at, u.t0 + ${hi}), u.t0 + ${hi})`;
    const seconds = `greatest(0, ${end} - greatest(x.effective_at, u.t0 + ${lo}))`;
    const earned = this.aggregate(
      { kind: 'mrr' },
      `sum(CASE WHEN x.mrr > 0 THEN x.mrr * ${seconds} ELSE 0 END)`,
      lo,
      hi,
    );
    return `${earned} / ${DAYS_PER_MONTH * DAY_SECONDS}`;
  }

  private orders(what: 'count' | 'amount', lo: number, hi: number): string {
    const within = `x.ordered_at >= u.t0 + ${lo} AND x.ordered_at < u.t0 + ${hi}`;
    const value = what === 'count' ? '1' : 'x.amount';
    return this.aggregate({ kind: 'orders' }, `sum(CASE WHEN ${within} THEN ${value} ELSE 0 END)`, lo, hi);
  }

  private activatedBy(seconds: number): string {
    return this.aggregate(
      { kind: 'activation' },
      `max(CASE WHEN x.activated_at < u.t0 + ${seconds} THEN 1 ELSE 0 END)`,
      seconds,
      seconds,
    );
  }

  private inDays(lo: number, hi: number): string {
    return `x.day >= ${dayAt(lo)} AND x.day < ${dayAt(hi)}`;
  }

  /** Events in days [lo, hi): of every event, or of the named ones. */
  private events(names: readonly string[] | undefined, lo: number, hi: number): string {
    const key: SourceKey = names ? { kind: 'activity', names } : { kind: 'days', names: [] };
    return this.aggregate(key, `sum(CASE WHEN ${this.inDays(lo, hi)} THEN x.events ELSE 0 END)`, lo, hi);
  }

  /** Sessions started in days [lo, hi): every session, or those holding one of the named events. */
  private sessions(names: readonly string[] | undefined, lo: number, hi: number): string {
    const holds = names ? ' AND x.key_action_events > 0' : '';
    return this.aggregate(
      { kind: 'sessions', names: names ?? null },
      `sum(CASE WHEN ${this.inDays(lo, hi)}${holds} THEN 1 ELSE 0 END)`,
      lo,
      hi,
    );
  }

  /** Distinct active days in [lo, hi) (the active events, or the named ones). */
  private activeDays(names: readonly string[] | undefined, lo: number, hi: number): string {
    const key: SourceKey = names ? { kind: 'activity', names } : { kind: 'days', names: this.activeEvents };
    return this.aggregate(key, `count(DISTINCT CASE WHEN ${this.inDays(lo, hi)} THEN x.day END)`, lo, hi);
  }

  private quantity(q: Quantity, days: number, pre: boolean): { sql: string; maturity: Maturity } {
    const [lo, hi] = pre ? [-days, 0] : [0, days];
    const s = [lo * DAY_SECONDS, hi * DAY_SECONDS] as const;
    const bySeconds = { seconds: days * DAY_SECONDS, days: 0 };
    const byDays = { seconds: 0, days };
    switch (q.of) {
      case 'revenue':
        return { sql: `${this.mrrEarned(...s)} + ${this.orders('amount', ...s)}`, maturity: bySeconds };
      case 'order_revenue':
        return { sql: this.orders('amount', ...s), maturity: bySeconds };
      case 'orders':
        return { sql: this.orders('count', ...s), maturity: bySeconds };
      case 'events':
        return { sql: this.events(q.events, lo, hi), maturity: byDays };
      case 'sessions':
        return { sql: this.sessions(q.events, lo, hi), maturity: byDays };
      case 'active_days':
        return { sql: this.activeDays(q.events, lo, hi), maturity: byDays };
    }
  }

  /**
   * The columns of one outcome (not time_to_churn): [post] or [post, pre] for a mean or proportion,
   * [num, den] or [num_post, den_post, num_pre, den_pre] for a ratio. The pre-period (CUPED) is the same
   * flow over the `days` before exposure; for an outcome that is a state at the window's end (retained on
   * day N, paying, MRR, activated by then) it is that state at exposure (for day activity: the last whole
   * day before it), which the treatment cannot have touched.
   */
  columns(spec: Exclude<OutcomeSpec, { kind: 'time_to_churn' }>): OutcomeColumns {
    const n = spec.days;
    const secs = n * DAY_SECONDS;
    const cuped = spec.cuped === true;
    const flag = (x: string) => `CASE WHEN ${x} > 0 THEN 1 ELSE 0 END`;
    const one = (post: string, pre: () => string, maturity: Maturity): OutcomeColumns => ({
      columns: cuped ? [post, pre()] : [post],
      maturity,
    });
    switch (spec.kind) {
      case 'retained_day':
        return one(this.activeOn(n), () => this.activeOn(-1), { seconds: 0, days: n + 1 });
      case 'paying_day':
        return one(flag(this.mrrAt(secs)), () => flag(this.mrrAt(0)), { seconds: secs, days: 0 });
      case 'churned_within':
        return one(this.churned(0, secs), () => this.churned(-secs, 0), { seconds: secs, days: 0 });
      case 'mrr_after':
        return one(this.mrrAt(secs), () => this.mrrAt(0), { seconds: secs, days: 0 });
      case 'revenue_after': {
        const q: Quantity = { of: 'revenue' };
        return one(this.quantity(q, n, false).sql, () => this.quantity(q, n, true).sql, {
          seconds: secs,
          days: 0,
        });
      }
      case 'activated_within':
        return one(this.activatedBy(secs), () => this.activatedBy(0), { seconds: secs, days: 0 });
      case 'events_per_unit':
        return one(this.events(spec.events, 0, n), () => this.events(spec.events, -n, 0), {
          seconds: 0,
          days: n,
        });
      case 'sessions_per_unit':
        return one(this.sessions(spec.events, 0, n), () => this.sessions(spec.events, -n, 0), {
          seconds: 0,
          days: n,
        });
      case 'ratio': {
        const num = this.quantity(spec.numerator, n, false);
        const den = this.quantity(spec.denominator, n, false);
        const columns = [num.sql, den.sql];
        if (cuped)
          columns.push(
            this.quantity(spec.numerator, n, true).sql,
            this.quantity(spec.denominator, n, true).sql,
          );
        const maturity = {
          seconds: Math.max(num.maturity.seconds, den.maturity.seconds),
          days: Math.max(num.maturity.days, den.maturity.days),
        };
        return { columns, maturity };
      }
    }
  }

  /** The sources registered so far, in order (their tables are resolved by the caller). */
  sourceKeys(): SourceKey[] {
    return [...this.sources.values()].map((s) => s.key);
  }

  /** CTEs `sN(customer_id, a0, a1, …)`: each source aggregated per unit, reading `tables[sourceId]`. */
  sourceCtes(tables: ReadonlyMap<string, string>): string[] {
    return [...this.sources.entries()].map(([id, s]) => {
      const table = tables.get(id);
      if (table === undefined) throw new Error(`no table for source ${id}`);
      const cols = s.aggregates.map((a, i) => `${a} AS a${i}`).join(',\n      ');
      return `${this.alias(id)} AS (
    SELECT u.customer_id,
      ${cols}
    FROM units u JOIN ${sourceFrom(s.key, table, this.params)} ON x.customer_id = u.customer_id${range(s)}
    GROUP BY u.customer_id)`;
    });
  }

  /** `LEFT JOIN sN` for every source, onto units `u`. */
  sourceJoins(): string {
    return [...this.sources.keys()]
      .map((id) => `LEFT JOIN ${this.alias(id)} ON ${this.alias(id)}.customer_id = u.customer_id`)
      .join('\n    ');
  }
}

const dayAt = (offset: number) =>
  offset === 0 ? 'u.d0' : offset > 0 ? `u.d0 + ${offset}` : `u.d0 - ${-offset}`;

/** The join's range on the source's rows: only rows some aggregate can read. */
function range(s: SourceAggregates): string {
  if (s.key.kind === 'days' || s.key.kind === 'activity' || s.key.kind === 'sessions')
    return ` AND x.day >= ${dayAt(s.lo)} AND x.day < ${dayAt(s.hi)}`;
  if (s.key.kind === 'orders') return ` AND x.ordered_at >= u.t0 + ${s.lo} AND x.ordered_at < u.t0 + ${s.hi}`;
  return '';
}

/** The source's rows as `x`, with epoch seconds where windows are exact. */
function sourceFrom(key: SourceKey, table: string, params: SqlParams): string {
  switch (key.kind) {
    case 'days':
    case 'sessions':
      return `${table} x`;
    case 'activity': {
      const names = key.names.map((n) => params.bind(n)).join(', ');
      return `(SELECT * FROM ${table} WHERE name IN (${names})) x`;
    }
    case 'mrr':
      return `(${mrrSpansWithEpochs(params.dialect)}) x`;
    case 'orders':
      return `(SELECT customer_id, ${params.dialect.epochSeconds('ordered_at')} AS ordered_at, amount FROM orders) x`;
    case 'activation':
      return `(SELECT customer_id, ${params.dialect.epochSeconds('activated_at')} AS activated_at FROM ${table}
        WHERE activated_at IS NOT NULL) x`;
  }
}

/**
 * `(customer_id, effective_at, next_at, mrr, prev_mrr)`: mrrSpansSql's spans with the previous change's
 * MRR, times as epoch seconds (so `spanHoldsAtSql` compares numbers).
 */
export function mrrSpansWithEpochs(d: Dialect): string {
  return `SELECT m.customer_id, ${d.epochSeconds('m.effective_at')} AS effective_at,
      ${d.epochSeconds('m.next_at')} AS next_at, m.mrr,
      ${d.lag('m.mrr')} OVER (PARTITION BY m.customer_id ORDER BY m.effective_at) AS prev_mrr
    FROM (${mrrSpansSql(d)}) m`;
}

/** CTE body `units(customer_id, variant, t0, d0)`: the experiment's units assigned by as_of. */
export function unitsSql(experimentId: string, asOf: string, params: SqlParams): string {
  const d = params.dialect;
  return `SELECT a.customer_id, a.variant, ${d.epochSeconds('a.assigned_at')} AS t0, ${d.utcDay('a.assigned_at')} AS d0
    FROM assignments a
    WHERE a.experiment_id = ${params.bind(experimentId)} AND a.assigned_at <= ${instantParam(params, asOf)}`;
}
