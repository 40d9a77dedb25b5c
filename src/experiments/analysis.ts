// The analysis of one experiment on the warehouse: its row and plan, the units assigned per arm and the
// sample-ratio check, and for every outcome the arms' sufficient statistics (computed in SQL, mature units
// only: outcomes/measure.ts) fed to the statistics (stats/analyze.ts: the plan's method and alpha, CUPED
// health), or for time to churn the Kaplan–Meier counts fed to the survival statistics (curves, log-rank,
// RMST difference to τ). Adjusted p-values follow the plan's correction and family; guardrails are judged
// against their tolerance. Every degenerate case — an arm with no units, no variance, windows not closed,
// an unknown KPI, no outcome at all — becomes a flag with a sentence, never NaN and never an exception.
import { CATALOG, type Catalog } from '../catalog/catalog.ts';
import { dataAsOf } from '../compiler/as-of.ts';
import { parseInstant } from '../compiler/periods.ts';
import type { RunRollups } from '../compiler/rollups/run-rollups.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { type KaplanMeier, kaplanMeierFromCounts } from '../models/kaplan-meier.ts';
import { type LogRank, logRankFromCounts } from '../models/log-rank.ts';
import type { Engine } from '../warehouse/engine.ts';
import {
  type AnalysisOutcome,
  type AnalysisPlan,
  type ExperimentInfo,
  orderArms,
  parseJsonColumn,
  planFromRegistry,
  planFromRow,
} from './analysis-plan.ts';
import { type OutcomeDefinitions, outcomeDefinitions } from './outcomes/definitions.ts';
import {
  type AssignmentCount,
  assignmentCounts,
  type MeasuredArm,
  type MeasuredOutcome,
  type MeasuredSurvival,
  measureOutcomes,
  measureSurvival,
  type SummedSpec,
  type SurvivalSpec,
} from './outcomes/measure.ts';
import {
  defaultOutcomeForKpi,
  OUTCOME_METRIC,
  type OutcomeSpec,
  outcomeDirection,
  outcomeName,
} from './outcomes/spec.ts';
import { type ExperimentRecord as RegistryRecord, showExperiment } from './registry/registry.ts';
import { analyzeMetric, type MetricStats } from './stats/analyze.ts';
import { adjustComparisons } from './stats/multiple-testing.ts';
import { type SrmResult, sampleRatioMismatch } from './stats/srm.ts';
import {
  largestTau,
  type RmstComparison,
  type RmstEstimate,
  rmstDifference,
  rmstEstimate,
} from './stats/survival.ts';

export type { AnalysisOutcome, AnalysisPlan, ExperimentInfo };

export interface AnalyzeOptions {
  readonly experimentId: string;
  /** Outcomes to analyse instead of the plan's (the first is taken as primary). */
  readonly outcomes?: readonly OutcomeSpec[];
  /** The data's end (default: its latest timestamp): units assigned by then, windows closed by then. */
  readonly asOf?: string;
  /** The registry's resolved plan; without it the experiments row's pre_registration and primary_kpi. */
  readonly plan?: AnalysisPlan;
  /** The project's catalog (its overrides of active events, milestones, sessions); default the shipped one. */
  readonly catalog?: Catalog;
  /** The run's rollups, when the caller shares them. */
  readonly rollups?: RunRollups;
}

export type ExperimentFlag =
  | 'no_experiment_row'
  | 'registered_after_start'
  | 'amended'
  | 'unknown_kpi'
  | 'kpi_without_outcome'
  | 'no_outcomes'
  | 'no_units'
  | 'unplanned_variant'
  | 'sample_ratio_mismatch'
  | 'weights_changed';

export type OutcomeFlag =
  | 'window_open_for_some'
  | 'window_open_for_all'
  | 'arm_without_units'
  | 'no_events'
  | 'horizon_shortened'
  | 'guardrail_violated';

export interface ArmSummary {
  name: string;
  /** The planned share (weights normalised); null for a variant the plan does not name. */
  plannedShare: number | null;
  assigned: number;
  /** Its share of the units assigned; null before any. */
  share: number | null;
}

export interface MaturityArm {
  name: string;
  assigned: number;
  /** Units whose window has closed by as_of (the analysed ones). */
  mature: number;
  /** Units left out because their window is still open. */
  excluded: number;
}

export interface SurvivalArmResult {
  name: string;
  n: number;
  events: number;
  /** Median days to churn; null while the curve stays above one half. */
  median: number | null;
  rmst: RmstEstimate | null;
  /** The Kaplan–Meier curve by days since exposure: one step per day with a churn or a censoring. */
  curve: KaplanMeier['steps'];
}

export interface SurvivalResult {
  /** Days of follow-up after exposure and the RMST horizon τ (days) actually used. */
  followUpDays: number;
  tau: number | null;
  arms: SurvivalArmResult[];
  logRank: LogRank | null;
  rmst: RmstComparison[];
}

export interface GuardrailResult {
  mustNot: 'increase' | 'decrease';
  tolerance: { value: number; kind: 'relative' | 'absolute' };
  /** violated: the whole interval lies beyond the tolerance the wrong way; at_risk: the estimate does. */
  status: 'ok' | 'at_risk' | 'violated' | 'unknown';
  message: string;
}

export interface OutcomeResult {
  name: string;
  role: AnalysisOutcome['role'];
  kpi: string | null;
  spec: OutcomeSpec;
  metric: 'mean' | 'proportion' | 'ratio' | 'survival';
  direction: 'increase' | 'decrease';
  maturity: { windowDays: number; excluded: number; arms: MaturityArm[] };
  /** Means, proportions and ratios: the statistics' result (effects, intervals, CUPED health, flags). */
  stats: MetricStats | null;
  /** The adjusted p-value of each comparison (the plan's correction and family), when p-values exist. */
  adjusted: { arm: string; pValue: number; adjustedPValue: number }[];
  survival: SurvivalResult | null;
  guardrail: GuardrailResult | null;
  flags: OutcomeFlag[];
  messages: string[];
}

export interface ExperimentAnalysis {
  experimentId: string;
  asOf: string;
  experiment: ExperimentInfo | null;
  plan: {
    /** given (the caller's), registry (the plan in force there), experiments_row (read from the row alone). */
    source: 'given' | 'registry' | 'experiments_row';
    /** From the registry: the version in force, its hash, the amendments before it, when first registered. */
    version: number | null;
    hash: string | null;
    amendments: number;
    registeredAt: string | null;
    registeredAfterStart: boolean;
    alpha: number;
    method: AnalysisPlan['method'];
    sequentialTuning: number | null;
    correction: 'holm' | 'bh' | 'none';
    scope: 'within_metric' | 'across_metrics';
    variants: { name: string; weight: number }[];
    /** The breakdowns the plan names for per-segment results (exploratory). */
    segments: string[];
    notes: string[];
  };
  arms: ArmSummary[];
  srm: SrmResult | null;
  outcomes: OutcomeResult[];
  flags: ExperimentFlag[];
  messages: string[];
}

const nonNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

async function experimentRecord(engine: Engine, id: string): Promise<ExperimentInfo | null> {
  const rows = await engine.query(
    `SELECT experiment_id, name, hypothesis, primary_kpi, pre_registered_at, started_at, ended_at, pre_registration
    FROM experiments WHERE experiment_id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    experimentId: String(r.experiment_id),
    name: nonNull(r.name),
    hypothesis: nonNull(r.hypothesis),
    primaryKpi: nonNull(r.primary_kpi),
    preRegisteredAt: nonNull(r.pre_registered_at),
    startedAt: nonNull(r.started_at),
    endedAt: nonNull(r.ended_at),
    preRegistration: parseJsonColumn(r.pre_registration),
  };
}

async function knownExperiments(engine: Engine): Promise<string[]> {
  const rows = await engine.query(
    `SELECT experiment_id FROM experiments UNION SELECT DISTINCT experiment_id FROM assignments ORDER BY 1 LIMIT 20`,
  );
  return rows.map((r) => String(r.experiment_id));
}

function srmOf(
  counts: readonly AssignmentCount[],
  plan: AnalysisPlan,
): { srm: SrmResult | null; messages: string[] } {
  const names = plan.variants.map((v) => v.name);
  if (names.length < 2)
    return { srm: null, messages: ['fewer than two planned arms: no sample-ratio check'] };
  const weights = plan.weightPeriods?.map((w) => [...w.weights]) ?? [plan.variants.map((v) => v.weight)];
  const periods = weights.map((w, p) => ({
    counts: names.map((n) =>
      counts.filter((c) => c.variant === n && c.period === p).reduce((s, c) => s + c.n, 0),
    ),
    weights: w,
  }));
  const usable = periods.filter((p) => p.weights.length === names.length);
  if (usable.length !== periods.length)
    return {
      srm: null,
      messages: ['a recorded change of weights does not give one weight per arm: no sample-ratio check'],
    };
  return { srm: sampleRatioMismatch(usable), messages: [] };
}

/** Turns a plan outcome's summed measurement into the statistics' input and result. */
export function summedResult(
  o: AnalysisOutcome,
  m: MeasuredOutcome,
  plan: AnalysisPlan,
): Pick<OutcomeResult, 'stats'> {
  const spec = o.spec as SummedSpec;
  const stats = analyzeMetric({
    kind: m.metric,
    cuped: spec.cuped === true,
    difference: spec.difference ?? 'relative',
    alpha: plan.alpha,
    method: plan.method === 'sequential' ? 'sequential' : 'frequentist',
    sequentialTuning: plan.sequentialTuning ?? 5000,
    prior: { mean: 0, variance: null },
    higherIsBetter: o.direction === 'increase',
    arms: m.arms.map((a) => a.sums),
  });
  return { stats };
}

function maturityOf(spec: OutcomeSpec, arms: readonly MeasuredArm[]) {
  const list: MaturityArm[] = arms.map((a) => ({
    name: a.name,
    assigned: a.assigned,
    mature: a.sums.n,
    excluded: a.excluded,
  }));
  return { windowDays: spec.days, excluded: list.reduce((s, a) => s + a.excluded, 0), arms: list };
}

function maturityFlags(r: OutcomeResult): void {
  const assigned = r.maturity.arms.reduce((s, a) => s + a.assigned, 0);
  const { excluded } = r.maturity;
  if (assigned > 0 && excluded === assigned) {
    r.flags.push('window_open_for_all');
    r.messages.push(
      `no unit's ${r.spec.days}-day window has closed yet: nothing to analyse until ${r.spec.days} days after the first assignment`,
    );
  } else if (excluded > 0) {
    r.flags.push('window_open_for_some');
    const per = r.maturity.arms.map((a) => `${a.name} ${a.excluded}`).join(', ');
    r.messages.push(
      `${excluded} of ${assigned} units are left out because their ${r.spec.days}-day window is still open (${per})`,
    );
  }
  for (const a of r.maturity.arms) {
    if (a.assigned === 0) {
      if (!r.flags.includes('arm_without_units')) r.flags.push('arm_without_units');
      r.messages.push(`arm '${a.name}' has no units assigned`);
    }
  }
}

function survivalResult(
  o: AnalysisOutcome,
  m: MeasuredSurvival,
  alpha: number,
  flags: OutcomeFlag[],
  messages: string[],
): SurvivalResult {
  const spec = o.spec as SurvivalSpec;
  const wanted = spec.horizon_days ?? spec.days;
  const empty = m.arms.filter((a) => a.n === 0);
  const curves = m.arms.map((a) => (a.n > 0 ? kaplanMeierFromCounts(a.counts, { level: 1 - alpha }) : null));
  const limit = curves.every((c) => c !== null) ? largestTau(curves as KaplanMeier[]) : 0;
  const tau = limit > 0 ? Math.min(wanted, limit) : null;
  const events = m.arms.reduce((s, a) => s + a.counts.reduce((x, c) => x + c.events, 0), 0);
  if (empty.length > 0) {
    flags.push('arm_without_units');
    for (const a of empty) messages.push(`arm '${a.name}' has no units assigned: no survival curve`);
  }
  if (events === 0 && m.arms.some((a) => a.n > 0)) {
    flags.push('no_events');
    messages.push('no unit has churned yet in any arm: the curves stay at 1 and there is no log-rank test');
  }
  if (tau !== null && tau < wanted) {
    flags.push('horizon_shortened');
    messages.push(
      `RMST is taken to ${tau} days, the longest every arm has followed its units to, not the planned ${wanted}`,
    );
  }
  const arms: SurvivalArmResult[] = m.arms.map((a, i) => {
    const km = curves[i] ?? null;
    return {
      name: a.name,
      n: a.n,
      events: km?.events ?? 0,
      median: km?.median ?? null,
      rmst: km && tau !== null ? rmstEstimate(km, tau, alpha) : null,
      curve: km?.steps ?? [],
    };
  });
  let logRank: LogRank | null = null;
  const rmst: RmstComparison[] = [];
  if (empty.length === 0 && events > 0 && tau !== null) {
    const [control, ...others] = curves as KaplanMeier[];
    const names = m.arms.map((a) => a.name);
    for (const [i, c] of others.entries())
      rmst.push(
        rmstDifference(control as KaplanMeier, c, tau, alpha, [names[0] as string, names[i + 1] as string]),
      );
    logRank = logRankOrNull(m);
  }
  return { followUpDays: spec.days, tau, arms, logRank, rmst };
}

/** The log-rank test over every arm; null when it has nothing to compare (it says so by a bad_input). */
function logRankOrNull(m: MeasuredSurvival): LogRank | null {
  try {
    return logRankFromCounts(new Map(m.arms.map((a) => [a.name, a.counts])));
  } catch (err) {
    if (err instanceof TenureError) return null;
    throw err;
  }
}

/** The guardrail's judgement on the first comparison's interval (in the effect's own scale). */
function judgeGuardrail(
  o: AnalysisOutcome,
  stats: MetricStats | null,
  rmst: RmstComparison[],
): GuardrailResult {
  const mustNot = o.must_not ?? (o.direction === 'increase' ? 'decrease' : 'increase');
  const tolerance = { value: o.tolerance?.value ?? 0, kind: o.tolerance?.kind ?? 'relative' };
  const base = { mustNot, tolerance };
  const c = stats?.comparisons[0];
  const control = stats?.arms[0]?.value ?? null;
  let effect: number | null = c?.effect ?? null;
  let ci: [number, number] | null = c?.ci ?? null;
  let scale = stats?.difference ?? 'absolute';
  if (!stats && rmst[0]) {
    effect = rmst[0].difference;
    ci = rmst[0].ci;
    scale = 'absolute';
  }
  if (effect === null || ci === null)
    return { ...base, status: 'unknown', message: 'no interval yet: the guardrail cannot be judged' };
  // The tolerance in the effect's scale.
  let tol = tolerance.value;
  if (tolerance.kind !== scale) {
    if (control === null || control === 0)
      return { ...base, status: 'unknown', message: 'the control has no value to scale the tolerance by' };
    tol =
      tolerance.kind === 'relative'
        ? tolerance.value * Math.abs(control)
        : tolerance.value / Math.abs(control);
  }
  const sign = mustNot === 'increase' ? 1 : -1;
  const beyond = (x: number) => sign * x > tol;
  const words = `${mustNot === 'increase' ? 'up' : 'down'} by more than ${tol}`;
  if (beyond(ci[0]) && beyond(ci[1]))
    return {
      ...base,
      status: 'violated',
      message: `the guardrail failed: the whole interval moves it ${words}`,
    };
  if (beyond(effect))
    return {
      ...base,
      status: 'at_risk',
      message: `the estimate moves it ${words}, but the interval does not exclude the tolerance`,
    };
  return { ...base, status: 'ok', message: 'within its tolerance' };
}

/** The outcomes to analyse: the ones asked for, else the plan's, else the primary KPI's. */
function outcomesToAnalyse(opts: AnalyzeOptions, plan: AnalysisPlan): AnalysisOutcome[] {
  if (!opts.outcomes || opts.outcomes.length === 0) return [...plan.outcomes];
  return opts.outcomes.map((spec, i) => ({
    role: i === 0 ? 'primary' : 'secondary',
    name: outcomeName(spec),
    kpi: null,
    spec,
    direction: outcomeDirection(spec),
  }));
}

/** The registry's record of the experiment (its plan in force, versions, amendments); null when it has none. */
async function registryRecord(engine: Engine, id: string, catalog: Catalog): Promise<RegistryRecord | null> {
  try {
    return await showExperiment(engine, id, { definitions: catalog });
  } catch (err) {
    if (err instanceof TenureError && err.code === 'not_found') return null;
    throw err;
  }
}

export async function analyzeExperiment(engine: Engine, opts: AnalyzeOptions): Promise<ExperimentAnalysis> {
  const catalog = opts.catalog ?? CATALOG;
  const asOf =
    opts.asOf !== undefined
      ? parseInstant(opts.asOf, 'as_of')
      : ((await dataAsOf(engine)) ?? new Date().toISOString());
  const record = await experimentRecord(engine, opts.experimentId);
  const counts = await assignmentCounts(engine, opts.experimentId, asOf, []);
  if (!record && counts.length === 0) {
    const known = await knownExperiments(engine);
    throw new TenureError(
      'not_found',
      `no experiment '${opts.experimentId}' in the experiments or assignments tables`,
      {
        where: { field: 'experiment_id' },
        hint: known.length
          ? `known experiments: ${known.join(', ')}`
          : 'load the experiments and assignments tables first',
      },
    );
  }
  const flags: ExperimentFlag[] = [];
  const messages: string[] = [];
  const assignedVariants = orderArms(counts.map((c) => c.variant));
  const registry = opts.plan ? null : await registryRecord(engine, opts.experimentId, catalog);
  const fromRegistry = registry ? planFromRegistry(registry) : null;
  const fromRow = planFromRow(record, assignedVariants, catalog, defaultOutcomeForKpi);
  const plan = opts.plan ?? fromRegistry ?? fromRow.plan;
  const source = opts.plan ? 'given' : fromRegistry ? 'registry' : 'experiments_row';
  const notes = source === 'experiments_row' ? fromRow.notes : [];
  if (source === 'experiments_row')
    for (const p of registry?.pre_registration?.problems ?? []) notes.push(`the registry: ${p.message}`);
  if (source === 'registry' && registry) {
    if (registry.registered_after_start) {
      flags.push('registered_after_start');
      messages.push(
        'the plan was registered after the experiment started: its outcomes may have been chosen knowing early results',
      );
    }
    if (registry.amendments > 0) {
      flags.push('amended');
      messages.push(
        `the plan was amended ${registry.amendments} time${registry.amendments === 1 ? '' : 's'} (see \`tenure experiment show ${opts.experimentId}\`): results follow version ${registry.versions.at(-1)?.version}`,
      );
    }
  }
  if (!record) {
    flags.push('no_experiment_row');
    messages.push(
      `the experiments table has no row for '${opts.experimentId}': its assignments are analysed alone`,
    );
  }
  if (source === 'experiments_row' && !(opts.outcomes && opts.outcomes.length > 0)) {
    for (const kpi of fromRow.unknownKpis) {
      flags.push('unknown_kpi');
      messages.push(`the plan names KPI '${kpi}', which is not in the catalog: it cannot be measured`);
    }
    for (const kpi of fromRow.kpisWithoutOutcome) {
      flags.push('kpi_without_outcome');
      messages.push(
        `KPI '${kpi}' has no per-customer outcome an experiment can measure on its own: name one with --outcome kind:days`,
      );
    }
  }

  // Arms: the plan's in order, then any variant assigned that the plan does not name.
  const planned = plan.variants.map((v) => v.name);
  const unplanned = assignedVariants.filter((v) => !planned.includes(v));
  const armNames = [...planned, ...unplanned];
  const weightSum = plan.variants.reduce((s, v) => s + v.weight, 0);
  const assignedOf = (name: string) => counts.filter((c) => c.variant === name).reduce((s, c) => s + c.n, 0);
  const total = counts.reduce((s, c) => s + c.n, 0);
  const arms: ArmSummary[] = armNames.map((name) => {
    const v = plan.variants.find((x) => x.name === name);
    const assigned = assignedOf(name);
    return {
      name,
      plannedShare: v && weightSum > 0 ? v.weight / weightSum : null,
      assigned,
      share: total > 0 ? assigned / total : null,
    };
  });
  for (const v of unplanned) {
    flags.push('unplanned_variant');
    messages.push(
      `variant '${v}' is assigned but not in the plan: it is reported, and left out of the SRM check`,
    );
  }
  if (total === 0) {
    flags.push('no_units');
    messages.push(`no unit was assigned by ${asOf}`);
  }
  const periodCounts = await assignmentCounts(
    engine,
    opts.experimentId,
    asOf,
    (plan.weightPeriods ?? []).flatMap((w) => (w.from === null ? [] : [w.from])),
  );
  const { srm, messages: srmMessages } = total > 0 ? srmOf(periodCounts, plan) : { srm: null, messages: [] };
  messages.push(...srmMessages);
  if (srm?.mismatch) flags.push('sample_ratio_mismatch');
  if (srm?.weightsChanged) flags.push('weights_changed');
  if (srm) messages.push(...srm.messages);

  // Outcomes: the summed ones in one query, each survival outcome in its own.
  const outcomes = outcomesToAnalyse(opts, plan);
  if (outcomes.length === 0) {
    flags.push('no_outcomes');
    messages.push(
      'nothing to measure: the plan names no outcome this analysis knows; give --outcome kind:days',
    );
  }
  const definitions: OutcomeDefinitions = outcomeDefinitions(catalog);
  const req = { experimentId: opts.experimentId, asOf, definitions, rollups: opts.rollups };
  const summed = outcomes.filter((o) => OUTCOME_METRIC[o.spec.kind] !== 'survival');
  const measured = await measureOutcomes(
    engine,
    req,
    armNames,
    summed.map((o) => o.spec as SummedSpec),
  );
  const results: OutcomeResult[] = [];
  for (const o of outcomes) {
    const r: OutcomeResult = {
      name: o.name,
      role: o.role,
      kpi: o.kpi,
      spec: o.spec,
      metric: OUTCOME_METRIC[o.spec.kind],
      direction: o.direction,
      maturity: { windowDays: o.spec.days, excluded: 0, arms: [] },
      stats: null,
      adjusted: [],
      survival: null,
      guardrail: null,
      flags: [],
      messages: [],
    };
    if (r.metric === 'survival') {
      const m = await measureSurvival(engine, req, armNames, o.spec as SurvivalSpec);
      r.maturity.arms = m.arms.map((a) => ({ name: a.name, assigned: a.n, mature: a.n, excluded: 0 }));
      r.survival = survivalResult(o, m, plan.alpha, r.flags, r.messages);
    } else {
      const m = measured[summed.indexOf(o)] as MeasuredOutcome;
      r.maturity = maturityOf(o.spec, m.arms);
      maturityFlags(r);
      r.stats = summedResult(o, m, plan).stats;
      for (const c of r.stats?.comparisons ?? [])
        r.messages.push(...c.messages.map((msg) => `${c.arm}: ${msg}`));
    }
    if (o.role === 'guardrail') {
      r.guardrail = judgeGuardrail(o, r.stats, r.survival?.rmst ?? []);
      if (r.guardrail.status === 'violated') {
        r.flags.push('guardrail_violated');
        r.messages.push(r.guardrail.message);
      }
    }
    results.push(r);
  }
  adjust(results, plan);
  return {
    experimentId: opts.experimentId,
    asOf,
    experiment: record,
    plan: {
      source,
      version: source === 'registry' ? (registry?.versions.at(-1)?.version ?? null) : null,
      hash: source === 'registry' ? (registry?.hash ?? null) : null,
      amendments: source === 'registry' ? (registry?.amendments ?? 0) : 0,
      registeredAt: source === 'registry' ? (registry?.registered_at ?? null) : null,
      registeredAfterStart: source === 'registry' ? (registry?.registered_after_start ?? false) : false,
      alpha: plan.alpha,
      method: plan.method,
      sequentialTuning: plan.method === 'sequential' ? (plan.sequentialTuning ?? 5000) : null,
      correction: plan.multipleTesting?.correction ?? 'holm',
      scope: plan.multipleTesting?.scope ?? 'within_metric',
      variants: plan.variants.map((v) => ({ name: v.name, weight: v.weight })),
      segments: [...(plan.segments ?? [])],
      notes,
    },
    arms,
    srm,
    outcomes: results,
    flags: [...new Set(flags)],
    messages,
  };
}

/** Adjusted p-values: within each outcome (its arms) or across every outcome's arms, as planned. */
function adjust(results: OutcomeResult[], plan: AnalysisPlan): void {
  const correction = plan.multipleTesting?.correction ?? 'holm';
  const scope = plan.multipleTesting?.scope ?? 'within_metric';
  const tests = results.flatMap((r, i) => {
    const fromStats = (r.stats?.comparisons ?? [])
      .filter((c) => typeof c.pValue === 'number')
      .map((c) => ({ metric: String(i), arm: c.arm, pValue: c.pValue as number }));
    const fromRmst = (r.survival?.rmst ?? []).map((c) => ({
      metric: String(i),
      arm: c.arm,
      pValue: c.pValue,
    }));
    return [...fromStats, ...fromRmst];
  });
  if (tests.length === 0) return;
  const adjusted =
    correction === 'none'
      ? tests.map((t) => ({ ...t, adjustedPValue: t.pValue }))
      : adjustComparisons(tests, correction, scope);
  for (const a of adjusted) {
    (results[Number(a.metric)] as OutcomeResult).adjusted.push({
      arm: a.arm,
      pValue: a.pValue,
      adjustedPValue: a.adjustedPValue,
    });
  }
}
