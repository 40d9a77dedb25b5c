// The registry: plans registered, hashed and locked; amendments kept with their time, reason and diff;
// decisions and learnings. A plan the experiments table carries (`pre_registration`) is the experiment's
// first registration, made at `pre_registered_at`: it is shown as such, compared with any plan registered
// later, and written to the registry (as version 1, source pre_registration) the first time something is
// added after it, so the history never loses it. A registration or amendment made after the experiment's
// start (the earlier of experiments.started_at and the first assigned_at) is marked so.
import { TenureError } from '../../errors/tenure-error.ts';
import type { TreeEdge } from '../../goals/kpi-tree.ts';
import type { Target } from '../../goals/targets.ts';
import type { Engine } from '../../warehouse/engine.ts';
import type { PlanContext, PlanProblem } from './check.ts';
import { diffPlans, type PlanChange } from './diff.ts';
import { planHash, planJson } from './hash.ts';
import { type Plan, PlanSchema } from './plan.ts';
import { type ExperimentRow, loadPreRegistration, type PlanDefault } from './pre-registration.ts';
import {
  type AssignmentSummary,
  type DecisionRow,
  insertDecision,
  insertPlanVersion,
  type PlanVersionRow,
  readAssignmentSummaries,
  readDecisions,
  readExperimentRows,
  readPlanVersions,
} from './store.ts';
import { inheritTargetGuardrails } from './target-guardrails.ts';

export const DECISIONS = ['ship', 'iterate', 'stop'] as const;
export type Decision = (typeof DECISIONS)[number];
export type ExperimentStatus = 'planned' | 'running' | 'ended' | 'decided';

export interface RegistryContext extends PlanContext {
  /** The project's targets, for the link from a plan's `target` to its action plan and guardrails. */
  readonly targets?: readonly Target[];
  /** The project's KPI tree, for the guardrails Tenure proposes for a target (the shipped one when absent). */
  readonly tree?: readonly TreeEdge[];
  /** The clock (tests fix it). */
  readonly now?: Date;
}

export interface PlanVersion {
  readonly version: number;
  readonly hash: string;
  readonly plan: Plan;
  readonly source: string;
  /** Null when the experiments table gives no pre_registered_at. */
  readonly registered_at: string | null;
  readonly after_start: boolean;
  readonly reason: string | null;
  /** The change from the version before (empty for the first). */
  readonly changes: readonly PlanChange[];
  readonly defaults: readonly PlanDefault[];
  /** Whether the version is in the registry's table yet (a data plan is written when first needed). */
  readonly stored: boolean;
}

export interface DecisionRecord {
  readonly decision: Decision;
  readonly learning: string;
  readonly result: string | null;
  readonly plan_version: number | null;
  readonly plan_hash: string | null;
  readonly decided_at: string;
}

export interface TargetLink {
  readonly kpi: string;
  readonly segment: string;
  readonly grain: string | null;
  /** The project's target it names, with its owner and action plan; null when no target matches. */
  readonly target: {
    readonly owner: string;
    readonly action_plan: readonly string[];
    readonly grain: string;
  } | null;
}

export interface ExperimentRecord {
  readonly id: string;
  readonly name: string;
  readonly owner: string | null;
  readonly hypothesis: string | null;
  readonly status: ExperimentStatus;
  /** The plan in force: the latest version. */
  readonly plan: Plan | null;
  readonly hash: string | null;
  readonly registered_at: string | null;
  readonly registered_after_start: boolean;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly units: number;
  readonly versions: readonly PlanVersion[];
  readonly amendments: number;
  readonly decision: DecisionRecord | null;
  /** Every decision, oldest first (a later one supersedes, the earlier stay on record). */
  readonly decisions: readonly DecisionRecord[];
  /** The experiments table's pre_registration: keys it had that no plan field takes, problems that kept it out. */
  readonly pre_registration: {
    readonly ignored: readonly string[];
    readonly problems: readonly PlanProblem[];
  } | null;
  readonly target: TargetLink | null;
}

const after = (a: string | null, b: string | null) =>
  a !== null && b !== null && Date.parse(a) > Date.parse(b);

/** The experiment's start: the earlier of experiments.started_at and its first assignment. */
function startOf(row: ExperimentRow | undefined, assigned: AssignmentSummary | undefined): string | null {
  const times = [row?.started_at, assigned?.first_assigned_at].filter((t): t is string => !!t);
  if (times.length === 0) return null;
  return times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

/** A stored plan, its fields back in the schema's order (stored as canonical JSON, keys sorted). */
function storedPlan(text: string): Plan {
  const raw: unknown = JSON.parse(text);
  const parsed = PlanSchema.safeParse(raw);
  return parsed.success ? parsed.data : (raw as Plan);
}

function storedVersion(row: PlanVersionRow, start: string | null): PlanVersion {
  return {
    version: Number(row.version),
    hash: row.hash,
    plan: storedPlan(row.plan),
    source: row.source,
    registered_at: row.registered_at,
    // As recorded, or as the warehouse now shows (assignments loaded after the registration).
    after_start: row.after_start || row.registered_at === null || after(row.registered_at, start),
    reason: row.reason,
    changes: row.diff ? (JSON.parse(row.diff) as PlanChange[]) : [],
    defaults: JSON.parse(row.defaults) as PlanDefault[],
    stored: true,
  };
}

/** The experiments table's plan as a first version, when it loads. */
function dataVersion(
  row: ExperimentRow | undefined,
  assigned: AssignmentSummary | undefined,
  ctx: RegistryContext,
  start: string | null,
) {
  if (!row || (row.pre_registration === null && row.primary_kpi === null))
    return { version: undefined, note: null };
  const loaded = loadPreRegistration(row, ctx, assigned?.variants ?? []);
  const note = { ignored: loaded.ignored, problems: loaded.problems };
  if (!loaded.plan) return { version: undefined, note };
  const version: PlanVersion = {
    version: 1,
    hash: planHash(loaded.plan),
    plan: loaded.plan,
    source: 'pre_registration',
    registered_at: row.pre_registered_at,
    after_start: row.pre_registered_at === null || after(row.pre_registered_at, start),
    reason: null,
    changes: [],
    defaults: loaded.defaults,
    stored: false,
  };
  return { version, note };
}

const decisionOf = (r: DecisionRow): DecisionRecord => ({
  decision: r.decision as Decision,
  learning: r.learning,
  result: r.result,
  plan_version: r.plan_version === null ? null : Number(r.plan_version),
  plan_hash: r.plan_hash,
  decided_at: r.decided_at,
});

function statusOf(
  start: string | null,
  end: string | null,
  decision: DecisionRecord | null,
  now: Date,
): ExperimentStatus {
  if (decision) return 'decided';
  if (start === null || Date.parse(start) > now.getTime()) return 'planned';
  if (end !== null && Date.parse(end) <= now.getTime()) return 'ended';
  return 'running';
}

function targetLink(plan: Plan | null, targets: readonly Target[]): TargetLink | null {
  const t = plan?.target;
  if (!t) return null;
  const segment = t.segment ? `${t.segment.by}=${t.segment.value}` : 'all';
  const match = targets.find(
    (x) =>
      x.kpi === t.kpi &&
      (x.segment ? `${x.segment.by}=${x.segment.value}` : 'all') === segment &&
      (t.grain === undefined || x.grain === t.grain),
  );
  return {
    kpi: t.kpi,
    segment,
    grain: t.grain ?? null,
    target: match
      ? {
          owner: match.owner,
          grain: match.grain,
          action_plan:
            match.action_plan === undefined
              ? []
              : Array.isArray(match.action_plan)
                ? match.action_plan
                : [match.action_plan],
        }
      : null,
  };
}

interface Sources {
  rows: Map<string, ExperimentRow>;
  assigned: Map<string, AssignmentSummary>;
  versions: Map<string, PlanVersionRow[]>;
  decisions: Map<string, DecisionRow[]>;
}

async function readSources(engine: Engine, id: string | null): Promise<Sources> {
  const group = <T extends { experiment_id: string }>(rows: readonly T[]) => {
    const out = new Map<string, T[]>();
    for (const r of rows) out.set(r.experiment_id, [...(out.get(r.experiment_id) ?? []), r]);
    return out;
  };
  return {
    rows: new Map((await readExperimentRows(engine, id)).map((r) => [r.experiment_id, r])),
    assigned: await readAssignmentSummaries(engine, id),
    versions: group(await readPlanVersions(engine, id)),
    decisions: group(await readDecisions(engine, id)),
  };
}

function buildRecord(id: string, s: Sources, ctx: RegistryContext): ExperimentRecord {
  const row = s.rows.get(id);
  const assigned = s.assigned.get(id);
  const start = startOf(row, assigned);
  const stored = (s.versions.get(id) ?? []).map((v) => storedVersion(v, start));
  const data = dataVersion(row, assigned, ctx, start);
  const versions = stored.length > 0 ? stored : data.version ? [data.version] : [];
  const latest = versions.at(-1);
  const decisions = (s.decisions.get(id) ?? []).map(decisionOf);
  const decision = decisions.at(-1) ?? null;
  const plan = latest?.plan ?? null;
  return {
    id,
    name: plan?.name ?? row?.name ?? id,
    owner: plan?.owner ?? null,
    hypothesis: plan?.hypothesis ?? row?.hypothesis ?? null,
    status: statusOf(start, row?.ended_at ?? null, decision, ctx.now ?? new Date()),
    plan,
    hash: latest?.hash ?? null,
    registered_at: versions[0]?.registered_at ?? null,
    registered_after_start: versions[0]?.after_start ?? false,
    started_at: start,
    ended_at: row?.ended_at ?? null,
    units: assigned?.units ?? 0,
    versions,
    amendments: Math.max(0, versions.length - 1),
    decision,
    decisions,
    pre_registration: data.note,
    target: targetLink(plan, ctx.targets ?? []),
  };
}

/** Every experiment the registry or the warehouse knows, by id. */
export async function listExperiments(engine: Engine, ctx: RegistryContext): Promise<ExperimentRecord[]> {
  const s = await readSources(engine, null);
  const ids = [...new Set([...s.rows.keys(), ...s.versions.keys(), ...s.assigned.keys()])].sort();
  return ids.map((id) => buildRecord(id, s, ctx));
}

function unknownExperiment(id: string): TenureError {
  return new TenureError('not_found', `no experiment '${id}' in the registry or the experiments table`, {
    where: { field: 'experiment_id' },
    hint: 'register its plan with `tenure experiment register --file PLAN.yaml`; `tenure experiment list` shows the known ones',
  });
}

/** One experiment with its plan, versions, amendments and decisions; not_found when nothing knows it. */
export async function showExperiment(
  engine: Engine,
  id: string,
  ctx: RegistryContext,
): Promise<ExperimentRecord> {
  const s = await readSources(engine, id);
  if (!s.rows.has(id) && !s.versions.has(id) && !s.assigned.has(id)) throw unknownExperiment(id);
  return buildRecord(id, s, ctx);
}

export interface RegistrationResult {
  readonly experiment_id: string;
  readonly action: 'registered' | 'unchanged' | 'amended';
  readonly version: number;
  readonly hash: string;
  readonly registered_at: string | null;
  /** This version was registered after the experiment started. */
  readonly after_start: boolean;
  readonly started_at: string | null;
  readonly changes: readonly PlanChange[];
  readonly defaults: readonly PlanDefault[];
}

/** The plan with its target's guardrails when it names a target and no guardrails (target-guardrails.ts). */
function withTargetGuardrails(given: Plan, opts: RegisterOptions, ctx: RegistryContext) {
  const { plan, defaults } = inheritTargetGuardrails(given, opts.defaults, ctx);
  return { plan, opts: { ...opts, defaults } };
}

const described = (changes: readonly PlanChange[]) =>
  changes
    .slice(0, 5)
    .map((c) => c.field)
    .join(', ') + (changes.length > 5 ? ` and ${changes.length - 5} more` : '');

/** Writes the data's plan to the registry when it is the history so far and is not stored yet. */
async function keepDataVersion(tx: Engine, record: ExperimentRecord): Promise<void> {
  const first = record.versions[0];
  if (!first || first.stored) return;
  await insertPlanVersion(tx, {
    experiment_id: record.id,
    version: 1,
    hash: first.hash,
    plan: planJson(first.plan),
    source: first.source,
    registered_at: first.registered_at,
    started_at: record.started_at,
    after_start: first.after_start,
    reason: null,
    diff: null,
    defaults: JSON.stringify(first.defaults),
  });
}

export interface RegisterOptions {
  /** 'file' or 'api'. */
  readonly source: string;
  readonly defaults: readonly PlanDefault[];
}

/**
 * Registers a plan: a new experiment's first version, or nothing when the plan is the one in force. A plan
 * that differs from the one in force is refused (bad_input) and must come as an amendment.
 */
export async function registerPlan(
  engine: Engine,
  given: Plan,
  givenOpts: RegisterOptions,
  ctx: RegistryContext,
): Promise<RegistrationResult> {
  const { plan, opts } = withTargetGuardrails(given, givenOpts, ctx);
  const now = (ctx.now ?? new Date()).toISOString();
  return engine.transaction(async (tx) => {
    const s = await readSources(tx, plan.id);
    const known = s.rows.has(plan.id) || s.versions.has(plan.id) || s.assigned.has(plan.id);
    const record = known ? buildRecord(plan.id, s, ctx) : undefined;
    const hash = planHash(plan);
    const latest = record?.versions.at(-1);
    if (record && latest) {
      if (latest.hash === hash) {
        await keepDataVersion(tx, record);
        return {
          experiment_id: plan.id,
          action: 'unchanged',
          version: latest.version,
          hash,
          registered_at: latest.registered_at,
          after_start: latest.after_start,
          started_at: record.started_at,
          changes: [],
          defaults: latest.defaults,
        };
      }
      const changes = diffPlans(latest.plan, plan);
      const where = latest.source === 'pre_registration' ? " (the experiments table's pre_registration)" : '';
      throw new TenureError(
        'bad_input',
        `experiment '${plan.id}' already has a registered plan, version ${latest.version}${where}, and this one differs in ${changes.length} ${changes.length === 1 ? 'field' : 'fields'}: ${described(changes)}`,
        {
          hint: `a registered plan is locked: change it with \`tenure experiment amend ${plan.id} --file PLAN --reason "…"\` (or PUT with a reason), kept beside the results`,
        },
      );
    }
    const start = record?.started_at ?? null;
    const row: PlanVersionRow = {
      experiment_id: plan.id,
      version: 1,
      hash,
      plan: planJson(plan),
      source: opts.source,
      registered_at: now,
      started_at: start,
      after_start: after(now, start),
      reason: null,
      diff: null,
      defaults: JSON.stringify(opts.defaults),
    };
    await insertPlanVersion(tx, row);
    return {
      experiment_id: plan.id,
      action: 'registered',
      version: 1,
      hash,
      registered_at: now,
      after_start: row.after_start,
      started_at: start,
      changes: [],
      defaults: opts.defaults,
    };
  });
}

/** Records a new version of a registered plan with its reason and its diff from the version before. */
export async function amendPlan(
  engine: Engine,
  id: string,
  given: Plan,
  reason: string,
  givenOpts: RegisterOptions,
  ctx: RegistryContext,
): Promise<RegistrationResult> {
  const { plan, opts } = withTargetGuardrails(given, givenOpts, ctx);
  if (plan.id !== id)
    throw new TenureError('bad_input', `the plan is for experiment '${plan.id}', not '${id}'`, {
      where: { field: 'id' },
      hint: 'an amendment keeps the experiment id',
    });
  if (reason.trim() === '')
    throw new TenureError('bad_input', 'an amendment needs a reason', {
      where: { field: 'reason' },
      hint: 'say why the plan changes (--reason "…"); it is shown beside the results',
    });
  const now = (ctx.now ?? new Date()).toISOString();
  return engine.transaction(async (tx) => {
    const s = await readSources(tx, id);
    const record =
      s.rows.has(id) || s.versions.has(id) || s.assigned.has(id) ? buildRecord(id, s, ctx) : undefined;
    const latest = record?.versions.at(-1);
    if (!record || !latest)
      throw new TenureError('not_found', `experiment '${id}' has no registered plan to amend`, {
        where: { field: 'id' },
        hint: `register it first: tenure experiment register --file PLAN`,
      });
    const hash = planHash(plan);
    if (latest.hash === hash) {
      await keepDataVersion(tx, record);
      return {
        experiment_id: id,
        action: 'unchanged',
        version: latest.version,
        hash,
        registered_at: latest.registered_at,
        after_start: latest.after_start,
        started_at: record.started_at,
        changes: [],
        defaults: latest.defaults,
      };
    }
    await keepDataVersion(tx, record);
    const changes = diffPlans(latest.plan, plan);
    const row: PlanVersionRow = {
      experiment_id: id,
      version: latest.version + 1,
      hash,
      plan: planJson(plan),
      source: opts.source,
      registered_at: now,
      started_at: record.started_at,
      after_start: after(now, record.started_at),
      reason: reason.trim(),
      diff: JSON.stringify(changes),
      defaults: JSON.stringify(opts.defaults),
    };
    await insertPlanVersion(tx, row);
    return {
      experiment_id: id,
      action: 'amended',
      version: row.version,
      hash,
      registered_at: now,
      after_start: row.after_start,
      started_at: record.started_at,
      changes,
      defaults: opts.defaults,
    };
  });
}

/** Records a decision and its learning; null and failed results are decisions like any other. */
export async function decideExperiment(
  engine: Engine,
  id: string,
  input: { decision: Decision; learning: string; result?: string | null },
  ctx: RegistryContext,
): Promise<DecisionRecord> {
  if (!DECISIONS.includes(input.decision))
    throw new TenureError('bad_input', `a decision is ship, iterate or stop, not '${input.decision}'`, {
      where: { field: 'decision' },
    });
  if (input.learning.trim() === '')
    throw new TenureError('bad_input', 'a decision needs its learning', {
      where: { field: 'learning' },
      hint: 'write what was learned, a null or failed result included (--learning "…")',
    });
  const record = await showExperiment(engine, id, ctx);
  const latest = record.versions.at(-1);
  const row: DecisionRow = {
    experiment_id: id,
    decision: input.decision,
    learning: input.learning.trim(),
    result: input.result?.trim() || null,
    plan_version: latest?.version ?? null,
    plan_hash: latest?.hash ?? null,
    decided_at: (ctx.now ?? new Date()).toISOString(),
  };
  await insertDecision(engine, row);
  return decisionOf(row);
}
