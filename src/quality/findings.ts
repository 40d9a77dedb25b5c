// A data-quality finding: what is wrong, where (table, column, day or load), the numbers behind it and what
// to do. Each has a stable key, so the alert store raises it once per problem (a new stale spell, a new
// day, a new load is a new problem).
import type { Alert } from '../alerts/alert.ts';
import { formatNumber, formatPercent } from '../results/format.ts';

export type QualityCheck = 'freshness' | 'volume' | 'null_rate' | 'quarantine';

export interface QualityFinding {
  readonly key: string;
  readonly check: QualityCheck;
  readonly severity: 'warning' | 'critical';
  readonly table: string;
  readonly column?: string;
  /** The UTC day judged (volume, null rate) or of the newest row (freshness), ISO 8601. */
  readonly day?: string;
  readonly load_id?: number;
  /** What was seen, in a sentence with its numbers. */
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
  readonly numbers: Readonly<Record<string, number | string | null>>;
}

/** The findings as alerts of kind data_quality, for the store and the notifiers. */
export function alertsFromFindings(findings: readonly QualityFinding[]): Alert[] {
  return findings.map((f) => ({
    key: f.key,
    kind: 'data_quality',
    severity: f.severity,
    ...(f.day === undefined ? {} : { period_start: f.day }),
    segment: f.column === undefined ? f.table : `${f.table}.${f.column}`,
    message: `${f.message} — ${f.action}`,
    why: [],
  }));
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const weekdayOf = (iso: string) => WEEKDAYS[new Date(iso).getUTCDay()] ?? '';

/** 1234567 → '1,234,567'; shares as percentages with one decimal (the shared formats). */
export const count = (n: number) => formatNumber(Math.round(n));
export const percent = (p: number) => formatPercent(p);
