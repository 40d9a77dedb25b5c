// Segment filters in the URL: `filter=plan:pro,channel:referral`, the API's own `filter=` syntax, so a
// page passes the parameter through unchanged. Pure (the tests build the same parameter).

export interface SegmentFilter {
  by: string;
  value: string;
}

/** The dimensions offered as filters; any key of the customers' attributes is `attributes.KEY`. */
export const FILTER_DIMENSIONS = ['plan', 'channel', 'country'] as const;

export function parseFilters(text: string | null | undefined): SegmentFilter[] {
  if (!text) return [];
  return text
    .split(',')
    .map((f) => ({ by: f.slice(0, f.indexOf(':')), value: f.slice(f.indexOf(':') + 1) }))
    .filter((f) => f.by !== '' && f.value !== '');
}

export const filterParam = (filters: readonly SegmentFilter[]): string | undefined =>
  filters.length === 0 ? undefined : filters.map((f) => `${f.by}:${f.value}`).join(',');

/** The filters with `by` set to `value` (or removed, when value is empty). */
export function withFilter(filters: readonly SegmentFilter[], by: string, value: string): SegmentFilter[] {
  const rest = filters.filter((f) => f.by !== by);
  return value === '' ? rest : [...rest, { by, value }];
}

/** A filter as a person reads it: "plan: pro", "attributes.industry: retail". */
export const filterLabel = (f: SegmentFilter) => `${f.by.replace('_', ' ')}: ${f.value}`;
