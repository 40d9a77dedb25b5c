// The date range every page starts from, and the grains a range can have. The default is the server's
// own rule (src/server/default-range.ts), so the server's warm-up fills the cache entry the overview reads.
export { defaultRange, type Range } from '../../src/server/default-range.ts';

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
