// An alert: something a person should look at, with a stable key so the same problem is raised once until
// it is acknowledged, snoozed or gone. Alerts come from targets (a KPI at risk or off track, with the
// segments that moved it); anomaly and data-quality checks raise the same shape.
import type { SegmentContribution } from '../analysis/root-cause.ts';
import type { TargetCheck } from '../goals/check.ts';

export interface Alert {
  /** Stable across runs for the same problem: kind, KPI, segment and period. */
  readonly key: string;
  readonly kind: 'target' | 'anomaly' | 'data_quality';
  readonly severity: 'warning' | 'critical';
  readonly kpi?: string;
  readonly segment?: string;
  readonly period_start?: string;
  readonly message: string;
  readonly owner?: string;
  readonly why: readonly SegmentContribution[];
}

const show = (v: number | null) => (v === null ? 'no value' : Number.isInteger(v) ? String(v) : v.toFixed(4));

/** Alerts for the targets that need attention. */
export function alertsFromChecks(checks: readonly TargetCheck[]): Alert[] {
  return checks
    .filter((c) => c.status === 'at_risk' || c.status === 'off_track')
    .map((c) => {
      const goal = Array.isArray(c.target.pragmatic)
        ? `${show(c.target.pragmatic[0])}–${show(c.target.pragmatic[1])}`
        : show(c.target.pragmatic);
      const moved = c.why.map((w) => `${w.dimension}=${w.segment}`).join(', ');
      return {
        key: `target|${c.target.kpi}|${c.target.segment?.by ?? ''}=${c.segment}|${c.period_start}`,
        kind: 'target',
        severity: c.status === 'off_track' ? 'critical' : 'warning',
        kpi: c.target.kpi,
        segment: c.segment,
        period_start: c.period_start,
        owner: c.target.owner,
        message: `${c.name} is ${c.status.replace('_', ' ')}: ${show(c.value)} against ${goal} (${c.period_start.slice(0, 10)} to ${c.period_end.slice(0, 10)})${moved ? `; moved most by ${moved}` : ''}`,
        why: c.why,
      };
    });
}
