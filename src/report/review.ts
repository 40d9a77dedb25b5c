// The review report as a plain object: everything the Markdown and HTML renderers print, and nothing they
// compute. Built by build.ts from the warehouse; rendered by markdown.ts and html.ts.

import type { SegmentContribution } from '../analysis/root-cause.ts';
import type { KpiDefinition } from '../catalog/definition.ts';
import type { TargetForecast } from '../goals/check.ts';
import type { GuardrailCheck } from '../goals/guardrails.ts';
import type { TargetWorth } from '../goals/impact-baseline.ts';
import type { Goal, Status } from '../goals/targets.ts';
import type { QualityFinding } from '../quality/findings.ts';
import type { ReviewExperiment } from './experiments.ts';
import type { ReviewPeriod } from './period.ts';

export type Unit = KpiDefinition['unit'];

/** One target of one owner: its KPI in the period and the one before, and its status. */
export interface ReviewKpi {
  readonly kpi: string;
  readonly name: string;
  readonly unit: Unit;
  readonly higher_is_better: boolean;
  /** 'all', or 'by=value' for a target on one segment. */
  readonly segment: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly change: number | null;
  /** change / |previous|; null when previous is 0 or missing. */
  readonly relative_change: number | null;
  /** The target's pragmatic value, or its forecast's for the period (a rolling-forecast target). */
  readonly pragmatic: Goal | null;
  /** For a rolling-forecast target: the forecast it was judged against. */
  readonly forecast: TargetForecast | null;
  readonly aspirational: Goal | null;
  /** The status `tenure check` gives as of the period's end (judged at the target's grain and window). */
  readonly status: Status;
  readonly ahead: boolean;
  readonly judged: {
    readonly period_start: string;
    readonly period_end: string;
    readonly value: number | null;
  };
  readonly cadence: string;
  readonly action_plan: readonly string[];
  /** The target's external benchmark, when it names one. */
  readonly benchmark: { readonly value: number; readonly source: string; readonly date: string } | null;
  /** Its guardrails as `tenure check` judged them (src/goals/guardrails.ts). */
  readonly guardrails: readonly GuardrailCheck[];
  /** What meeting it is worth, for a target not met (src/goals/impact-baseline.ts `targetsWorth`). */
  readonly worth: TargetWorth | null;
}

export interface OwnerSection {
  readonly owner: string;
  readonly kpis: readonly ReviewKpi[];
  /** The owner's experiments of the period (src/report/experiments.ts). */
  readonly experiments: readonly ReviewExperiment[];
}

/** A KPI that moved most or is off its plan, with the segments that moved it. */
export interface ReviewMove {
  readonly kpi: string;
  readonly name: string;
  readonly unit: Unit;
  readonly previous: number | null;
  readonly value: number | null;
  readonly change: number | null;
  readonly relative_change: number | null;
  readonly reason: 'off_track' | 'at_risk' | 'largest_move';
  readonly segments: readonly SegmentContribution[];
}

export interface ReviewAlert {
  readonly key: string;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly message: string;
}

export interface ReviewReport {
  readonly period: ReviewPeriod;
  /** The moment KPIs and statuses are judged at: the end of the period. */
  readonly as_of: string;
  readonly generated_at: string;
  /** ISO 4217 code money is written in (the project's `currency:`). */
  readonly currency: string;
  readonly summary: {
    readonly targets: number;
    readonly owners: number;
    readonly on_track: number;
    readonly at_risk: number;
    readonly off_track: number;
    readonly no_data: number;
    readonly open_alerts: number;
    readonly data_quality_findings: number;
    readonly experiments: number;
  };
  readonly owners: readonly OwnerSection[];
  readonly moves: readonly ReviewMove[];
  readonly alerts: readonly ReviewAlert[];
  readonly data_quality: readonly QualityFinding[];
}
