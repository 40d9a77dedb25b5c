// Plans that arrive with the data: the `experiments` table's `pre_registration` JSON (and the row's own
// columns) mapped onto the plan's fields, then checked by the same schema as a plan file. The generator
// writes {metric, mde, mde_kind, alpha, power, unit, variants: [names]}; a column holding a whole plan passes
// through. What neither gives takes a documented default, and each default taken is reported:
//   name        ← pre_registration.name, else experiments.name, else the id
//   hypothesis  ← pre_registration.hypothesis, else experiments.hypothesis, else "(no hypothesis recorded)"
//   owner       ← pre_registration.owner, else "(unassigned)"
//   primary     ← pre_registration.primary, else {kpi: metric | primary_kpi | experiments.primary_kpi}
//   variants    ← pre_registration.variants (names get equal weights unless `weights` lists them), else
//                 the variants the assignments table holds (equal weights), else control and treatment
//   minimum_detectable_effect ← {value: mde, kind: mde_kind (relative when absent)}
//   planned_sample_size ← planned_sample_size | sample_size
//   planned_end ← pre_registration.planned_end, else the day of experiments.ended_at
//   unit, alpha, power, analysis, cuped, multiple_testing, segments, secondary, guardrails: as given, else
//                 PLAN_DEFAULTS (plan.ts)
// Other keys are reported as ignored, never silently dropped.
import { checkPlan, type PlanContext, type PlanProblem } from './check.ts';
import { defaultsTaken, type Plan, type PlanDefault } from './plan.ts';

export type { PlanDefault };

/** A row of the experiments table, as the registry reads it. */
export interface ExperimentRow {
  readonly experiment_id: string;
  readonly name: string | null;
  readonly hypothesis: string | null;
  readonly primary_kpi: string | null;
  readonly pre_registered_at: string | null;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  /** The JSON column's text. */
  readonly pre_registration: string | null;
}

export interface LoadedPreRegistration {
  readonly plan: Plan | undefined;
  readonly defaults: readonly PlanDefault[];
  readonly ignored: readonly string[];
  readonly problems: readonly PlanProblem[];
}

const PASSED_THROUGH = [
  'unit',
  'alpha',
  'power',
  'analysis',
  'cuped',
  'multiple_testing',
  'segments',
  'secondary',
  'guardrails',
  'target',
  'planned_start',
  'planned_sample_size',
  'minimum_detectable_effect',
  'planned_end',
  'name',
  'hypothesis',
  'owner',
  'primary',
  'variants',
] as const;
const ALIASES = ['metric', 'primary_kpi', 'mde', 'mde_kind', 'weights', 'sample_size', 'id', 'experiment_id'];

function parseJsonObject(text: string | null): Record<string, unknown> | string {
  if (text === null || text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON object';
    return value as Record<string, unknown>;
  } catch {
    return 'is not valid JSON';
  }
}

function mapVariants(
  pre: Record<string, unknown>,
  assigned: readonly string[],
  defaults: PlanDefault[],
): unknown {
  const given = pre.variants;
  const equal = (names: readonly unknown[]) => names.map((name) => ({ name, weight: 1 / names.length }));
  if (Array.isArray(given) && given.every((v) => typeof v === 'string')) {
    const weights = pre.weights;
    if (Array.isArray(weights) && weights.length === given.length)
      return given.map((name, i) => ({ name, weight: weights[i] }));
    defaults.push({ field: 'variants[].weight', value: 1 / given.length, source: 'equal weights' });
    return equal(given);
  }
  if (given !== undefined) return given;
  const names = assigned.length >= 2 ? assigned : ['control', 'treatment'];
  defaults.push({
    field: 'variants',
    value: equal(names),
    source: assigned.length >= 2 ? 'the variants in assignments, equal weights' : 'default',
  });
  return equal(names);
}

/** The plan of an experiments row; `assigned` are the variants its assignments name (control first). */
export function loadPreRegistration(
  row: ExperimentRow,
  ctx: PlanContext,
  assigned: readonly string[] = [],
): LoadedPreRegistration {
  const pre = parseJsonObject(row.pre_registration);
  if (typeof pre === 'string')
    return {
      plan: undefined,
      defaults: [],
      ignored: [],
      problems: [
        {
          path: ['pre_registration'],
          message: `experiments.pre_registration ${pre}`,
          hint: 'store the plan as a JSON object, or register it with `tenure experiment register`',
        },
      ],
    };
  const defaults: PlanDefault[] = [];
  const pick = (field: string, ...candidates: [unknown, string][]) => {
    for (const [value, source] of candidates) {
      if (value !== undefined && value !== null && value !== '') {
        if (source !== 'pre_registration') defaults.push({ field, value, source });
        return value;
      }
    }
    return undefined;
  };
  const mapped: Record<string, unknown> = {};
  for (const f of PASSED_THROUGH) if (pre[f] !== undefined) mapped[f] = pre[f];
  mapped.id = row.experiment_id;
  mapped.name = pick(
    'name',
    [pre.name, 'pre_registration'],
    [row.name, 'experiments.name'],
    [row.experiment_id, 'the experiment id'],
  );
  mapped.hypothesis = pick(
    'hypothesis',
    [pre.hypothesis, 'pre_registration'],
    [row.hypothesis, 'experiments.hypothesis'],
    ['(no hypothesis recorded)', 'default'],
  );
  mapped.owner = pick('owner', [pre.owner, 'pre_registration'], ['(unassigned)', 'default']);
  if (pre.primary === undefined) {
    const kpi = pick(
      'primary.kpi',
      [pre.metric, 'pre_registration.metric'],
      [pre.primary_kpi, 'pre_registration.primary_kpi'],
      [row.primary_kpi, 'experiments.primary_kpi'],
    );
    mapped.primary = kpi === undefined ? {} : { kpi };
  }
  mapped.variants = mapVariants(pre, assigned, defaults);
  if (pre.minimum_detectable_effect === undefined && pre.mde !== undefined) {
    if (pre.mde_kind === undefined)
      defaults.push({ field: 'minimum_detectable_effect.kind', value: 'relative', source: 'default' });
    mapped.minimum_detectable_effect = { value: pre.mde, kind: pre.mde_kind ?? 'relative' };
  }
  if (pre.planned_sample_size === undefined && pre.sample_size !== undefined)
    mapped.planned_sample_size = pre.sample_size;
  if (pre.planned_end === undefined && row.ended_at)
    mapped.planned_end = pick('planned_end', [row.ended_at.slice(0, 10), 'experiments.ended_at']);
  defaults.push(...defaultsTaken(pre));
  const known = new Set<string>([...PASSED_THROUGH, ...ALIASES]);
  const ignored = Object.keys(pre).filter((k) => !known.has(k));
  const result = checkPlan(mapped, ctx);
  return { plan: result.plan, defaults, ignored, problems: result.problems };
}
