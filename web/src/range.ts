// The date range every page starts from: the last 12 complete months before the data's end (`as_of`).
// Pure, so the tests compute the same default.

export interface Range {
  from: string;
  to: string;
  grain: string;
}

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;

/** The 12 complete months before the month holding `asOf` (UTC); today's when the data has no end. */
export function defaultRange(asOf: string | null): Range {
  const end = asOf ? new Date(asOf) : new Date();
  const current = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1);
  const from = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 12, 1);
  const to = new Date(current - 86_400_000);
  return {
    from: new Date(from).toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    grain: 'month',
  };
}
