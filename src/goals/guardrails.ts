// Guardrails: KPIs that must not move the wrong way while a target is pursued, so a team cannot meet its
// number by gaming it or by trading the long run for the short. A target names its own (`guardrails:`);
// without them it takes the ones proposed here — from known gaming patterns, and for a leading KPI from the
// KPI tree (what it is expected to move must not worsen). A guardrail is judged by its value over the
// target's window against the same number of periods just before: broken when it moved the way it must not
// by more than its tolerance (a share of its value before). A met target with a broken guardrail is
// reported "met, guardrail broken" everywhere a status is.
import type { KpiDefinition } from '../catalog/definition.ts';
import type { TreeEdge } from './kpi-tree.ts';
import type { Guardrail, Status, Target } from './targets.ts';

/** Known ways of gaming a KPI, and what they show up in. */
const GAMING: Readonly<Record<string, readonly Omit<Guardrail, 'tolerance'>[]>> = {
  // Logo churn kept low by downgrading accounts instead of losing them, or by buying them with discounts
  // (retention offers are promotions in the data contract).
  customer_churn_rate: [
    { kpi: 'customer_downgrade_rate', must_not: 'rise' },
    { kpi: 'redemption_rate', must_not: 'rise' },
  ],
  customer_retention_rate: [
    { kpi: 'customer_downgrade_rate', must_not: 'rise' },
    { kpi: 'redemption_rate', must_not: 'rise' },
  ],
  // Activation pushed by milestones that do not keep accounts: later retention must hold.
  activation_milestone_completion: [{ kpi: 'activation_cohort_retention', must_not: 'fall' }],
  // NRR carried by expansion of a few while the base leaks: gross retention must hold.
  net_revenue_retention: [{ kpi: 'net_revenue_retention.grr', must_not: 'fall' }],
  // More, emptier sessions: the meaningful ones must hold.
  session_frequency: [{ kpi: 'meaningful_session_frequency', must_not: 'fall' }],
};

/** The default tolerance of a proposed guardrail. */
const TOLERANCE = 0.05;

/**
 * The guardrails Tenure proposes for a target's KPI: its gaming patterns, then every KPI the tree says it
 * drives (which must not worsen), each once and only KPIs of this catalog.
 */
export function proposedGuardrails(
  kpi: string,
  definitions: readonly KpiDefinition[],
  tree: readonly TreeEdge[],
): Guardrail[] {
  const known = (id: string) => {
    const [base = '', part] = id.split('.');
    const def = definitions.find((d) => d.id === base);
    return def !== undefined && (part === undefined || (def.also ?? []).includes(part));
  };
  const out: Guardrail[] = [];
  const add = (g: Omit<Guardrail, 'tolerance'>) => {
    if (g.kpi !== kpi && known(g.kpi) && !out.some((o) => o.kpi === g.kpi))
      out.push({ ...g, tolerance: TOLERANCE });
  };
  for (const g of GAMING[kpi] ?? []) add(g);
  // A leading KPI is worth its target only through what it moves: those must not worsen. (A lagging KPI's
  // own consequences, MRR's revenue growth, say, are results to watch, not a way of gaming it.)
  if (definitions.find((d) => d.id === kpi)?.kind !== 'leading') return out;
  for (const edge of tree.filter((e) => e.from === kpi)) {
    const to = definitions.find((d) => d.id === edge.to);
    if (to) add({ kpi: to.id, must_not: to.higherIsBetter ? 'fall' : 'rise' });
  }
  return out;
}

/** The guardrails a target is judged with: its own, else the proposed ones (marked so). */
export function guardrailsOf(
  target: Target,
  definitions: readonly KpiDefinition[],
  tree: readonly TreeEdge[],
): { guardrails: Guardrail[]; proposed: boolean } {
  if (target.guardrails !== undefined) return { guardrails: target.guardrails, proposed: false };
  return { guardrails: proposedGuardrails(target.kpi, definitions, tree), proposed: true };
}

export type GuardrailStatus = 'held' | 'broken' | 'no_data';

export interface GuardrailCheck {
  readonly kpi: string;
  readonly name: string;
  readonly unit: string;
  readonly must_not: Guardrail['must_not'];
  readonly tolerance: number;
  /** Proposed by Tenure (the target names none of its own). */
  readonly proposed: boolean;
  /** Its value over the periods just before the target's window, and over the window. */
  readonly before: number | null;
  readonly value: number | null;
  readonly status: GuardrailStatus;
}

/** Whether a guardrail moved the way it must not by more than its tolerance. */
export function guardrailStatus(
  before: number | null,
  value: number | null,
  guardrail: Pick<Guardrail, 'must_not' | 'tolerance'>,
): GuardrailStatus {
  if (before === null || value === null) return 'no_data';
  const moved = guardrail.must_not === 'rise' ? value - before : before - value;
  return moved > guardrail.tolerance * Math.abs(before) ? 'broken' : 'held';
}

/** A target's status in words, with a broken guardrail: "met, guardrail broken", "at risk, guardrail broken". */
export function statusText(status: Status, guardrails: readonly Pick<GuardrailCheck, 'status'>[]): string {
  const broken = guardrails.some((g) => g.status === 'broken');
  const words = status === 'on_track' && broken ? 'met' : status.replace('_', ' ');
  return broken ? `${words}, guardrail broken` : words;
}
