// The range the dashboard opens on: the 12 complete months before the month holding the data's end
// (`as_of`). Shared by the dashboard (web/src/range.ts) and the server's warm-up, so both ask for the very
// same query and the warm-up fills the cache entry the overview reads.

export interface Range {
  from: string;
  to: string;
  grain: string;
}

/** The 12 complete months before the month holding `asOf` (UTC); before today's when there is no data. */
export function defaultRange(asOf: string | null): Range {
  const end = asOf ? new Date(asOf) : new Date();
  const current = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1);
  const from = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 12, 1);
  return {
    from: new Date(from).toISOString().slice(0, 10),
    to: new Date(current - 86_400_000).toISOString().slice(0, 10),
    grain: 'month',
  };
}
