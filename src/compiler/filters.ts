// Filters: a KPI for one slice of the customers (plan = starter, channel = referral…), optionally broken
// down by another dimension. A filter is computed as a breakdown crossed with the filtered dimensions, and
// only the matching segment is kept, so every family that can break down can be filtered, with the very
// same definitions: the starter plan's churn rate is the value `--by plan` shows for starter.
import { badInput } from '../errors/tenure-error.ts';
import { type KpiResult, noDataResult } from '../results/kpi-result.ts';
import { ATTRIBUTE_PREFIX, CROSS, checkBreakdown, DIMENSIONS } from './dimensions.ts';
import type { Period } from './periods.ts';

export interface SegmentFilter {
  /** A dimension (plan, channel…) or attributes.KEY. */
  readonly by: string;
  readonly value: string;
}

/** Checks the filters: known dimensions, each once, and not the breakdown itself. */
export function checkFilters(filters: readonly SegmentFilter[], by: string | undefined): void {
  const seen = new Set<string>();
  for (const f of filters) {
    checkBreakdown(f.by, 'filter', { periods: true });
    if (f.by === by)
      throw badInput(
        `the breakdown '${by}' is also filtered`,
        { field: 'filter' },
        'filter one dimension and break down by another',
      );
    if (seen.has(f.by))
      throw badInput(`'${f.by}' is filtered twice`, { field: 'filter' }, 'give each dimension once');
    if (f.value.includes(CROSS))
      throw badInput('a filter value holds a control character', { field: 'filter' }, 'remove it');
    seen.add(f.by);
  }
}

/**
 * Checks filters for work that reads each customer once, not per period (the MRR bridge, the rows behind a
 * result): only the customers' own dimensions, since a segment that depends on the period has no row there.
 * `what` names the work in the message.
 */
export function checkCustomerFilters(filters: readonly SegmentFilter[], what: string): void {
  checkFilters(filters, undefined);
  for (const f of filters)
    if (!Object.hasOwn(DIMENSIONS, f.by) && !f.by.startsWith(ATTRIBUTE_PREFIX))
      throw badInput(
        `${what} cannot be filtered by '${f.by}'`,
        { field: 'filter' },
        `filter by ${Object.keys(DIMENSIONS).join(', ')} or ${ATTRIBUTE_PREFIX}KEY`,
      );
}

/** The breakdown to compute: the filtered dimensions first, then the requested one. */
export function crossedBreakdown(
  filters: readonly SegmentFilter[],
  by: string | undefined,
): string | undefined {
  if (filters.length === 0) return by;
  return [...filters.map((f) => f.by), ...(by === undefined ? [] : [by])].join(CROSS);
}

/**
 * The rows of the filtered slice, relabelled with the requested breakdown's segment ('all' without one).
 * Every requested KPI gets a row per period (no data when the slice is empty then), as without filters.
 */
export function keepFiltered(
  rows: readonly KpiResult[],
  filters: readonly SegmentFilter[],
  req: { by?: string; kpis: readonly string[]; periods: readonly Period[]; asOf: string; minSample: number },
): KpiResult[] {
  const kept: KpiResult[] = [];
  for (const r of rows) {
    const parts = r.segment.split(CROSS);
    if (parts.length !== filters.length + (req.by === undefined ? 0 : 1)) continue;
    if (!filters.every((f, i) => parts[i] === f.value)) continue;
    kept.push({ ...r, segment: req.by === undefined ? 'all' : (parts[filters.length] ?? '') });
  }
  const segments = new Set(kept.map((r) => r.segment));
  if (req.by === undefined) segments.add('all');
  const have = new Set(kept.map((r) => `${r.kpi}|${r.segment}|${r.period_start}`));
  for (const kpi of req.kpis)
    for (const segment of segments)
      for (const p of req.periods)
        if (!have.has(`${kpi}|${segment}|${p.start}`))
          kept.push(
            noDataResult({
              kpi,
              segment,
              period_start: p.start,
              period_end: p.end,
              asOf: req.asOf,
              minSample: req.minSample,
            }),
          );
  return kept;
}
