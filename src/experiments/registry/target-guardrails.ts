// An experiment serving a target is judged by the same guardrails as the target: a plan that names a
// `target:` and no `guardrails:` takes the target's (its own in tenure.yaml, else the ones Tenure proposes
// for it: src/goals/guardrails.ts), each as a guardrail outcome — the same KPI, must not rise → increase,
// fall → decrease, its tolerance relative to the control. Guardrails on a part of a KPI (NRR's grr) or on a
// KPI with no per-customer outcome cannot be judged between arms and are left out; the registration's
// defaults say which guardrails were taken and from where.
import { guardrailsOf } from '../../goals/guardrails.ts';
import { DEFAULT_TREE, type TreeEdge } from '../../goals/kpi-tree.ts';
import type { Target } from '../../goals/targets.ts';
import { kpiOutcomeOf, type PlanContext } from './check.ts';
import { type Guardrail, GuardrailSchema, type Plan, type PlanDefault } from './plan.ts';

export interface TargetContext extends PlanContext {
  readonly targets?: readonly Target[];
  readonly tree?: readonly TreeEdge[];
}

/** The target a plan serves: the same KPI, segment and (when the plan says) grain. */
export function servedTarget(plan: Plan, targets: readonly Target[]): Target | undefined {
  const t = plan.target;
  if (!t) return undefined;
  return targets.find(
    (x) =>
      x.kpi === t.kpi &&
      x.segment?.by === t.segment?.by &&
      x.segment?.value === t.segment?.value &&
      (t.grain === undefined || x.grain === t.grain),
  );
}

/** The plan with its target's guardrails when it left `guardrails` out; the defaults say so. */
export function inheritTargetGuardrails(
  plan: Plan,
  defaults: readonly PlanDefault[],
  ctx: TargetContext,
): { plan: Plan; defaults: PlanDefault[] } {
  const unchanged = { plan, defaults: [...defaults] };
  if (plan.guardrails.length > 0 || !defaults.some((d) => d.field === 'guardrails')) return unchanged;
  const target = servedTarget(plan, ctx.targets ?? []);
  if (!target) return unchanged;
  const { guardrails, proposed } = guardrailsOf(target, ctx.definitions, ctx.tree ?? DEFAULT_TREE);
  const outcome = kpiOutcomeOf(ctx);
  const taken: Guardrail[] = guardrails
    .filter((g) => !g.kpi.includes('.') && outcome(g.kpi) !== undefined)
    .map((g) =>
      GuardrailSchema.parse({
        kpi: g.kpi,
        must_not: g.must_not === 'rise' ? 'increase' : 'decrease',
        tolerance: { value: g.tolerance, kind: 'relative' },
      }),
    );
  if (taken.length === 0) return unchanged;
  const source = `${proposed ? 'proposed for' : 'named by'} the target on ${target.kpi} (tenure.yaml), as the target is judged`;
  return {
    plan: { ...plan, guardrails: taken },
    defaults: defaults.map((d) => (d.field === 'guardrails' ? { field: d.field, value: taken, source } : d)),
  };
}
