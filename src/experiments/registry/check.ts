// Checks a plan: its shape (the zod schema) and what the schema cannot say — every KPI it names is in the
// catalog, every outcome resolves to something measurable per customer, the weights sum to 1, the segments
// are breakdowns Tenure knows, a guardrail is not the primary outcome. Every problem is collected with its
// path (`guardrails[0].kpi`), so a plan file reports them all at once with their lines and columns.
import type { KpiDefinition } from '../../catalog/definition.ts';
import { formatPath, type PathSegment, suggestion } from '../../catalog/problems.ts';
import { checkBreakdown } from '../../compiler/dimensions.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import {
  defaultOutcomeForKpi,
  KPIS_WITH_DEFAULT_OUTCOME,
  OUTCOME_METRIC,
  type OutcomeSpec,
  outcomeKey,
} from '../outcomes/spec.ts';
import { type OutcomeRef, type Plan, PlanSchema, specOf } from './plan.ts';

export interface PlanProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly hint: string;
  /** 1-based, in the plan file, when the plan came from one. */
  readonly line?: number;
  readonly column?: number;
}

/** What a plan is checked against: the project's catalog (shipped and custom KPIs). */
export interface PlanContext {
  readonly definitions: readonly KpiDefinition[];
  /** The per-unit outcome a KPI alone stands for (default: the outcome module's). */
  readonly kpiOutcome?: (kpi: string) => OutcomeSpec | undefined;
}

export const kpiOutcomeOf = (ctx: PlanContext) => ctx.kpiOutcome ?? defaultOutcomeForKpi;

const SCHEMA_HINT = 'see src/experiments/registry/experiment-plan.schema.json for the shape of a plan';

/** One bad_config error carrying every problem of a plan; the message lists them with their places. */
export class PlanProblemsError extends TenureError {
  readonly problems: readonly PlanProblem[];

  constructor(problems: readonly PlanProblem[], source?: string) {
    const where = (p: PlanProblem) =>
      p.line === undefined ? '' : `line ${p.line}${p.column === undefined ? '' : `, column ${p.column}`}: `;
    const lines = problems.map(
      (p) =>
        `  ${where(p)}${formatPath(p.path) || '(top level)'}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`,
    );
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('bad_config', `${count} in the experiment plan:\n${lines.join('\n')}`, {
      where: source === undefined ? {} : { file: source },
    });
    this.problems = problems;
  }

  override toJSON() {
    return { ...super.toJSON(), problems: this.problems.map((p) => ({ ...p, path: formatPath(p.path) })) };
  }
}

const toSegments = (path: readonly PropertyKey[]): PathSegment[] =>
  path.map((p) => (typeof p === 'symbol' ? String(p) : p));

function checkRef(
  ref: OutcomeRef,
  path: PathSegment[],
  ids: ReadonlySet<string>,
  idsList: readonly string[],
  ctx: PlanContext,
  problems: PlanProblem[],
): OutcomeSpec | undefined {
  if (ref.kpi === undefined && ref.outcome === undefined) {
    problems.push({
      path,
      message: 'names neither a kpi nor an outcome',
      hint: 'write kpi: ID (a catalog KPI) or outcome: {kind: churned_within, days: 90}, or both',
    });
    return undefined;
  }
  if (ref.kpi !== undefined && !ids.has(ref.kpi)) {
    problems.push({
      path: [...path, 'kpi'],
      message: `no KPI '${ref.kpi}' in the catalog`,
      hint: suggestion(ref.kpi, idsList, 'KPIs'),
    });
    return undefined;
  }
  const spec = specOf(ref, kpiOutcomeOf(ctx));
  if (spec === undefined) {
    problems.push({
      path: [...path, 'kpi'],
      message: `KPI '${ref.kpi}' has no per-customer outcome an experiment can measure on its own`,
      hint: `add outcome: {kind, days} beside it; KPIs with one: ${KPIS_WITH_DEFAULT_OUTCOME.join(', ')}`,
    });
    return undefined;
  }
  if (ref.outcome?.cuped === true && OUTCOME_METRIC[ref.outcome.kind] === 'survival') {
    problems.push({
      path: [...path, 'outcome', 'cuped'],
      message: 'a survival outcome (time_to_churn) has no CUPED adjustment',
      hint: 'remove cuped: true',
    });
  }
  return spec;
}

/** The semantic checks on a plan the schema accepted. */
function checkMeaning(plan: Plan, ctx: PlanContext, problems: PlanProblem[]): void {
  const idsList = ctx.definitions.map((d) => d.id);
  const ids = new Set(idsList);
  const primary = checkRef(plan.primary, ['primary'], ids, idsList, ctx, problems);
  plan.secondary.forEach((r, i) => void checkRef(r, ['secondary', i], ids, idsList, ctx, problems));
  plan.guardrails.forEach((g, i) => {
    const spec = checkRef(g, ['guardrails', i], ids, idsList, ctx, problems);
    if (spec && primary && outcomeKey(spec) === outcomeKey(primary))
      problems.push({
        path: ['guardrails', i],
        message: `the guardrail measures the primary outcome (${outcomeKey(spec)})`,
        hint: 'a guardrail watches another outcome; remove it or change its outcome',
      });
  });
  const names = plan.variants.map((v) => v.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      problems.push({ path: ['variants', i, 'name'], message: `variant '${name}' is named twice`, hint: '' });
  });
  const total = plan.variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(total - 1) > 1e-6)
    problems.push({
      path: ['variants'],
      message: `the weights sum to ${Number(total.toPrecision(6))}, not 1`,
      hint: 'give each variant its planned share, e.g. 0.5 and 0.5',
    });
  plan.segments.forEach((by, i) => {
    try {
      checkBreakdown(by, `segments[${i}]`);
    } catch (err) {
      if (!(err instanceof TenureError)) throw err;
      problems.push({ path: ['segments', i], message: err.message, hint: err.hint });
    }
  });
  if (plan.target && !ids.has(plan.target.kpi))
    problems.push({
      path: ['target', 'kpi'],
      message: `no KPI '${plan.target.kpi}' in the catalog`,
      hint: suggestion(plan.target.kpi, idsList, 'KPIs'),
    });
  if (plan.planned_start && plan.planned_end && plan.planned_end <= plan.planned_start)
    problems.push({
      path: ['planned_end'],
      message: `the planned end ${plan.planned_end} is not after the planned start ${plan.planned_start}`,
      hint: '',
    });
  if (plan.minimum_detectable_effect?.kind === 'relative' && plan.minimum_detectable_effect.value >= 10)
    problems.push({
      path: ['minimum_detectable_effect', 'value'],
      message: `a relative effect of ${plan.minimum_detectable_effect.value} is ${plan.minimum_detectable_effect.value * 100}%`,
      hint: 'write relative effects as fractions (0.2 for 20%)',
    });
}

/** The plan, or every problem found in it (shape first; meaning once the shape is right). */
export function checkPlan(
  raw: unknown,
  ctx: PlanContext,
): { plan: Plan; problems: [] } | { plan: undefined; problems: PlanProblem[] } {
  const parsed = PlanSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue): PlanProblem[] => {
      const path = toSegments(issue.path);
      // An unknown key is reported at the key itself, so its line is the key's.
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((k) => ({
          path: [...path, k],
          message: `unknown field '${k}'`,
          hint: SCHEMA_HINT,
        }));
      return [{ path, message: issue.message, hint: SCHEMA_HINT }];
    });
    return { plan: undefined, problems };
  }
  const problems: PlanProblem[] = [];
  checkMeaning(parsed.data, ctx, problems);
  return problems.length === 0 ? { plan: parsed.data, problems: [] } : { plan: undefined, problems };
}

/** The plan, or a PlanProblemsError with every problem. */
export function parsePlan(raw: unknown, ctx: PlanContext, source?: string): Plan {
  const result = checkPlan(raw, ctx);
  if (result.plan === undefined) throw new PlanProblemsError(result.problems, source);
  return result.plan;
}
