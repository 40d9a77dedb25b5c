// An alert: something a person should look at, with a stable key so the same problem is raised once until
// it is acknowledged, snoozed or gone. Alerts come from targets (a KPI at risk or off track, with the
// segments that moved it); anomaly and data-quality checks raise the same shape.
import type { SegmentContribution } from '../analysis/root-cause.ts';
import type { TargetCheck } from '../goals/check.ts';
import { statusText } from '../goals/guardrails.ts';
import { type FormatOptions, formatGoal, formatValue, type Unit } from '../results/format.ts';

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

/**
 * Alerts for the targets that need attention, their values written in the KPI's unit and `money` (the
 * project's currency): "Customer Churn Rate is at risk: 2.7% against 2.5% (…)".
 */
export function alertsFromChecks(checks: readonly TargetCheck[], money: FormatOptions = {}): Alert[] {
  return [...targetAlerts(checks, money), ...guardrailAlerts(checks, money)];
}

/**
 * One alert per broken guardrail of a met target: "Customer Churn Rate is met, guardrail broken: Customer
 * Downgrade Rate rose from 10.0% to 30.0% (it must not rise; …)". A warning: the target's number may be
 * bought with another. A target off its plan raises its own alert, whose status says the guardrail broke.
 */
function guardrailAlerts(checks: readonly TargetCheck[], money: FormatOptions): Alert[] {
  return checks.flatMap((c) =>
    (c.status === 'on_track' ? c.guardrails : [])
      .filter((g) => g.status === 'broken')
      .map((g): Alert => {
        const show = (v: number | null) => formatValue(v, g.unit as Unit, { ...money, missing: 'no data' });
        return {
          key: `guardrail|${c.target.kpi}|${c.target.segment?.by ?? ''}=${c.segment}|${c.period_start}|${g.kpi}`,
          kind: 'target',
          severity: 'warning',
          kpi: c.target.kpi,
          segment: c.segment,
          period_start: c.period_start,
          owner: c.target.owner,
          message: `${c.name} is ${statusText(c.status, c.guardrails)}: ${g.name} ${g.must_not === 'rise' ? 'rose' : 'fell'} from ${show(g.before)} to ${show(g.value)} (it must not ${g.must_not}; ${c.period_start.slice(0, 10)} to ${c.period_end.slice(0, 10)})`,
          why: [],
        };
      }),
  );
}

function targetAlerts(checks: readonly TargetCheck[], money: FormatOptions): Alert[] {
  return checks
    .filter((c) => c.status === 'at_risk' || c.status === 'off_track')
    .map((c): Alert => {
      const value = formatValue(c.value, c.unit, { ...money, missing: 'no data' });
      const goal = `${formatGoal(c.pragmatic, c.unit, money)}${c.forecast ? ', its forecast' : ''}`;
      const moved = c.why.map((w) => `${w.dimension}=${w.segment}`).join(', ');
      return {
        key: `target|${c.target.kpi}|${c.target.segment?.by ?? ''}=${c.segment}|${c.period_start}`,
        kind: 'target',
        severity: c.status === 'off_track' ? 'critical' : 'warning',
        kpi: c.target.kpi,
        segment: c.segment,
        period_start: c.period_start,
        owner: c.target.owner,
        message: `${c.name} is ${statusText(c.status, c.guardrails)}: ${value} against ${goal} (${c.period_start.slice(0, 10)} to ${c.period_end.slice(0, 10)})${moved ? `; moved most by ${moved}` : ''}`,
        why: c.why,
      };
    });
}
