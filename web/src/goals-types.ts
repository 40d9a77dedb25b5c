// The shapes of the targets, tree and alerts answers, shared by the pages and the browser tests.

export type Status = 'on_track' | 'at_risk' | 'off_track' | 'no_data';
export type Goal = number | [number, number];

export interface Target {
  kpi: string;
  segment?: { by: string; value: string };
  pragmatic?: Goal;
  /** A pragmatic target that follows the KPI's own forecast. */
  rolling_forecast?: { horizon: number; band: number };
  aspirational?: Goal;
  grain: string;
  rolling?: number;
  tolerance: number;
  owner: string;
  action_plan?: string | string[];
  cadence: string;
  /** An external benchmark shown beside the target. */
  benchmark?: { value: number; source: string; date: string };
}

export interface SegmentContribution {
  dimension: string;
  segment: string;
  contribution: number;
}

export interface GuardrailCheck {
  kpi: string;
  name: string;
  unit: string;
  must_not: 'rise' | 'fall';
  tolerance: number;
  proposed: boolean;
  before: number | null;
  value: number | null;
  status: 'held' | 'broken' | 'no_data';
}

export interface TargetCheck {
  target: Target;
  name: string;
  segment: string;
  period_start: string;
  period_end: string;
  value: number | null;
  status: Status;
  ahead: boolean;
  shortfall: number | null;
  why: SegmentContribution[];
  /** KPIs that must not move the wrong way meanwhile; a broken one makes a met target "met, guardrail broken". */
  guardrails: GuardrailCheck[];
  /** The pragmatic target judged against: the target's own, or its forecast's for the period. */
  pragmatic: Goal | null;
  /** What meeting a target not met is worth: its gap priced as MRR over the horizon (GET /api/targets). */
  worth?: { change: number; horizon: number; mrr_change: number; low: number; high: number } | null;
  forecast: {
    made_at: string;
    horizon: number;
    band: number;
    value: number;
    lower: number;
    upper: number;
  } | null;
}

export interface StoredAlert {
  key: string;
  state: 'open' | 'acknowledged' | 'snoozed';
  delivered: boolean;
  first_seen: string;
  last_seen: string;
  snoozed_until: string | null;
  message: string;
}

export interface TreeNode {
  kpi: string;
  name: string;
  kind: string;
  unit: string;
  depth: number;
  value: number | null;
  previous: number | null;
  status: Status | null;
  owner: string | null;
}
export interface TreeEdge {
  from: string;
  to: string;
  direction: 'same' | 'opposite';
  hypothesis: string;
}
export interface Identity {
  kpi: string;
  formula: string;
  /** 'rate' (NRR, retention) or 'currency' (MRR): the unit of the terms, the sum and the KPI. */
  unit: string;
  value: number | null;
  terms: { label: string; value: number }[];
  sum: number;
  residual: number | null;
}
export interface TreeView {
  grain: string;
  period_start: string;
  period_end: string;
  mix_by: string;
  nodes: TreeNode[];
  edges: TreeEdge[];
  identities: Identity[];
}
