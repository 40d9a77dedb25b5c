// The experiments a period review shows, per owner: hypothesis, status, the result and learning once
// decided, and the target whose action plan the experiment serves. An experiment belongs to the period when
// it had started or been registered by the period's end and was not decided before the period began; its
// status and decision are those known when the report is made (like the open alerts beside it).
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { outcomeName } from '../experiments/outcomes/spec.ts';
import { listExperiments } from '../experiments/registry/registry.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { PeriodBounds } from './period.ts';

export interface ReviewExperiment {
  readonly id: string;
  readonly name: string;
  /** '(unassigned)' when the plan names none. */
  readonly owner: string;
  readonly hypothesis: string | null;
  readonly status: 'planned' | 'running' | 'ended' | 'decided';
  /** What the decision rests on: the primary outcome's KPI, else its name as the analysis gives it. */
  readonly primary: string | null;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly registered_after_start: boolean;
  readonly amendments: number;
  readonly decision: {
    readonly decision: string;
    readonly result: string | null;
    readonly learning: string;
    readonly decided_at: string;
  } | null;
  /** The target (KPI and segment, `all` or `by=value`) whose action plan it serves. */
  readonly target: { readonly kpi: string; readonly segment: string } | null;
}

const before = (a: string | null, b: string) => a !== null && Date.parse(a) < Date.parse(b);

/** The experiments of the period, by owner in first-seen order. */
export async function reviewExperiments(
  engine: Engine,
  catalog: ResolvedCatalog,
  period: PeriodBounds,
  now = new Date(),
): Promise<ReviewExperiment[]> {
  const records = await listExperiments(engine, {
    definitions: catalog.definitions,
    targets: catalog.targets ?? [],
    now,
  });
  return records
    .filter(
      (r) =>
        (before(r.started_at, period.end) || before(r.registered_at, period.end)) &&
        !(r.decision && before(r.decision.decided_at, period.start)),
    )
    .map((r) => {
      const primary = r.plan?.primary;
      return {
        id: r.id,
        name: r.name,
        owner: r.owner ?? '(unassigned)',
        hypothesis: r.hypothesis,
        status: r.status,
        primary: primary ? (primary.kpi ?? (primary.outcome ? outcomeName(primary.outcome) : null)) : null,
        started_at: r.started_at,
        ended_at: r.ended_at,
        registered_after_start: r.registered_after_start,
        amendments: r.amendments,
        decision: r.decision
          ? {
              decision: r.decision.decision,
              result: r.decision.result,
              learning: r.decision.learning,
              decided_at: r.decision.decided_at,
            }
          : null,
        target: r.target ? { kpi: r.target.kpi, segment: r.target.segment } : null,
      };
    });
}

const STATUS_WORDS = {
  planned: 'planned',
  running: 'running',
  ended: 'ended, not decided',
  decided: 'decided',
};

/** An experiment's line of facts, as plain text for the renderers to escape. */
export function experimentFacts(e: ReviewExperiment): string {
  const since = e.started_at ? ` since ${e.started_at.slice(0, 10)}` : '';
  const until = e.ended_at ? ` until ${e.ended_at.slice(0, 10)}` : '';
  return [
    `${STATUS_WORDS[e.status]}${e.status === 'planned' ? '' : `${since}${until}`}`,
    e.primary ? `judged on ${e.primary}` : '',
    e.registered_after_start ? 'plan registered after the start' : '',
    e.amendments > 0 ? `${e.amendments} ${e.amendments === 1 ? 'amendment' : 'amendments'} to the plan` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The decision in words: "ship: <result>", or what is still missing. */
export function experimentOutcome(e: ReviewExperiment): string {
  if (!e.decision) return e.status === 'ended' ? 'no decision recorded yet' : 'no decision yet';
  return `${e.decision.decision}${e.decision.result ? `: ${e.decision.result}` : ''} (${e.decision.decided_at.slice(0, 10)})`;
}

/** The experiments whose plan names this target (its KPI and segment). */
export function linkedExperiments(
  k: { readonly kpi: string; readonly segment: string },
  experiments: readonly ReviewExperiment[],
): ReviewExperiment[] {
  return experiments.filter((e) => e.target?.kpi === k.kpi && e.target.segment === k.segment);
}
