// The one shape every KPI value takes, in the library, the CLI and the API.

export const FLAGS = ['incomplete_period', 'censored', 'no_data', 'too_few', 'zero_denominator'] as const;
export type Flag = (typeof FLAGS)[number];

export interface KpiResult {
  kpi: string;
  period_start: string;
  period_end: string;
  /** The breakdown value ('all' without a breakdown). */
  segment: string;
  /** null when it cannot be computed (no data, a zero denominator): never NaN or Infinity. */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** How many units (customers, users, answers…) the value stands on. */
  n: number;
  flags: Flag[];
}

export interface ResultContext {
  readonly kpi: string;
  readonly period_start: string;
  readonly period_end: string;
  readonly segment: string;
  /** The data's end: a period ending after it is incomplete. */
  readonly asOf: string;
  /** Fewer units than this is too few to judge. */
  readonly minSample: number;
}

/** The context of a sub-result `kpi.NAME` (NAME one of the definition's `also`, maybe `group.item`). */
export const subResult = (ctx: ResultContext, name: string): ResultContext => ({
  ...ctx,
  kpi: `${ctx.kpi}.${name}`,
});

function baseFlags(ctx: ResultContext, n: number): Flag[] {
  const flags: Flag[] = [];
  if (ctx.period_end > ctx.asOf) flags.push('incomplete_period');
  if (n < ctx.minSample) flags.push('too_few');
  return flags;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A ratio: numerator / denominator, or null with `zero_denominator` when the denominator is 0. */
export function ratioResult(
  ctx: ResultContext,
  numerator: number,
  denominator: number,
  n: number,
): KpiResult {
  const flags = baseFlags(ctx, n);
  const value = denominator === 0 ? null : finite(numerator / denominator);
  if (denominator === 0) flags.push('zero_denominator');
  return { ...pick(ctx), value, numerator, denominator, n, flags };
}

/** An amount or count (no denominator). */
export function amountResult(ctx: ResultContext, value: number, n: number): KpiResult {
  return {
    ...pick(ctx),
    value: finite(value),
    numerator: finite(value),
    denominator: null,
    n,
    flags: baseFlags(ctx, n),
  };
}

/**
 * Nothing to compute from: the table the KPI reads is missing or empty, or the period begins after the data.
 * A period ending after as_of keeps `incomplete_period` too, so that "the latest complete period" never
 * lands on one the data has not reached.
 */
export function noDataResult(ctx: ResultContext): KpiResult {
  const flags: Flag[] = ctx.period_end > ctx.asOf ? ['incomplete_period', 'no_data'] : ['no_data'];
  return { ...pick(ctx), value: null, numerator: null, denominator: null, n: 0, flags };
}

/**
 * Whether a period begins after the data's end (as_of, the latest observed moment): nothing in it is
 * observed, so every value of it (sub-results, features, segments alike) is no data, never a zero carried
 * forward or a share of nothing. A period that holds as_of keeps its value, flagged `incomplete_period`.
 */
export const beginsAfterTheData = (period_start: string, asOf: string): boolean =>
  Date.parse(period_start) > Date.parse(asOf);

/** The result, or no data when its period begins after the data's end (the one rule, for every KPI). */
export function observedOnly(r: KpiResult, asOf: string, minSample: number): KpiResult {
  return beginsAfterTheData(r.period_start, asOf) ? noDataResult({ ...r, asOf, minSample }) : r;
}

function pick(ctx: ResultContext) {
  return { kpi: ctx.kpi, period_start: ctx.period_start, period_end: ctx.period_end, segment: ctx.segment };
}
