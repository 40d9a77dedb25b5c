// The registry's tables in the warehouse, and the reads of the canonical experiments and assignments the
// registry needs. SQL written once for every engine (tables and instants spelled by the dialect, bound
// values), like the catalog's change log and the alerts' store. Plans are only ever inserted: a version
// is never updated or deleted, so the plan registered is the plan kept (locked), and every change is a row
// of its own with its reason and diff.
import type { Engine } from '../../warehouse/engine.ts';
import type { ExperimentRow } from './pre-registration.ts';

const PLANS = 'tenure_experiment_plans';
const DECISIONS = 'tenure_experiment_decisions';

/** One version of a plan, as stored. JSON columns are text. */
export interface PlanVersionRow {
  experiment_id: string;
  version: number;
  hash: string;
  /** The plan's canonical JSON. */
  plan: string;
  /** 'file', 'api', or 'pre_registration' (the experiments table's column, recorded when first needed). */
  source: string;
  /** Null for a plan of the experiments table without pre_registered_at. */
  registered_at: string | null;
  /** The experiment's start as the warehouse knew it at registration (null: not started). */
  started_at: string | null;
  after_start: boolean;
  /** Amendments: why, and the diff from the version before (JSON). */
  reason: string | null;
  diff: string | null;
  /** The defaults the plan took (JSON). */
  defaults: string;
}

export interface DecisionRow {
  experiment_id: string;
  decision: string;
  learning: string;
  result: string | null;
  plan_version: number | null;
  plan_hash: string | null;
  decided_at: string;
}

export async function ensureRegistryTables(engine: Engine): Promise<void> {
  await engine.run(
    engine.dialect.createTableIfMissing(PLANS, [
      ['experiment_id', 'text'],
      ['version', 'integer'],
      ['hash', 'text'],
      ['plan', 'text'],
      ['source', 'text'],
      ['registered_at', 'timestamp'],
      ['started_at', 'timestamp'],
      ['after_start', 'boolean'],
      ['reason', 'text'],
      ['diff', 'text'],
      ['defaults', 'text'],
    ]),
  );
  await engine.run(
    engine.dialect.createTableIfMissing(DECISIONS, [
      ['experiment_id', 'text'],
      ['decision', 'text'],
      ['learning', 'text'],
      ['result', 'text'],
      ['plan_version', 'integer'],
      ['plan_hash', 'text'],
      ['decided_at', 'timestamp'],
    ]),
  );
}

const PLAN_COLUMNS =
  'experiment_id, version, hash, plan, source, registered_at, started_at, after_start, reason, diff, defaults';

/** Every version of one experiment's plan (or of all, when `id` is null), oldest first. */
export async function readPlanVersions(engine: Engine, id: string | null): Promise<PlanVersionRow[]> {
  await ensureRegistryTables(engine);
  return engine.query<PlanVersionRow & Record<string, never>>(
    `SELECT ${PLAN_COLUMNS} FROM ${PLANS}
     WHERE CAST($1 AS VARCHAR) IS NULL OR experiment_id = $1 ORDER BY experiment_id, version`,
    [id],
  );
}

export async function insertPlanVersion(engine: Engine, row: PlanVersionRow): Promise<void> {
  const instant = (placeholder: string) => engine.dialect.cast(placeholder, 'timestamp');
  await engine.run(
    `INSERT INTO ${PLANS} (${PLAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, ${instant('$6')}, ${instant('$7')}, $8,
      $9, $10, $11)`,
    [
      row.experiment_id,
      row.version,
      row.hash,
      row.plan,
      row.source,
      row.registered_at,
      row.started_at,
      row.after_start,
      row.reason,
      row.diff,
      row.defaults,
    ],
  );
}

const DECISION_COLUMNS = 'experiment_id, decision, learning, result, plan_version, plan_hash, decided_at';

export async function readDecisions(engine: Engine, id: string | null): Promise<DecisionRow[]> {
  await ensureRegistryTables(engine);
  return engine.query<DecisionRow & Record<string, never>>(
    `SELECT ${DECISION_COLUMNS} FROM ${DECISIONS}
     WHERE CAST($1 AS VARCHAR) IS NULL OR experiment_id = $1 ORDER BY experiment_id, decided_at`,
    [id],
  );
}

export async function insertDecision(engine: Engine, row: DecisionRow): Promise<void> {
  await ensureRegistryTables(engine);
  await engine.run(
    `INSERT INTO ${DECISIONS} (${DECISION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, ${engine.dialect.cast('$7', 'timestamp')})`,
    [
      row.experiment_id,
      row.decision,
      row.learning,
      row.result,
      row.plan_version,
      row.plan_hash,
      row.decided_at,
    ],
  );
}

/** Rows of the canonical experiments table (one, or all when `id` is null). */
export async function readExperimentRows(engine: Engine, id: string | null): Promise<ExperimentRow[]> {
  return engine.query<ExperimentRow & Record<string, never>>(
    `SELECT experiment_id, name, hypothesis, primary_kpi, pre_registered_at, started_at, ended_at,
       CAST(pre_registration AS VARCHAR) AS pre_registration
     FROM experiments WHERE CAST($1 AS VARCHAR) IS NULL OR experiment_id = $1 ORDER BY experiment_id`,
    [id],
  );
}

/** Per experiment in assignments: the first assignment, the units, and the variants by units (most first). */
export interface AssignmentSummary {
  readonly first_assigned_at: string;
  readonly units: number;
  readonly variants: readonly string[];
}

export async function readAssignmentSummaries(
  engine: Engine,
  id: string | null,
): Promise<Map<string, AssignmentSummary>> {
  const rows = await engine.query<{
    experiment_id: string;
    variant: string;
    units: number;
    first_assigned_at: string;
  }>(
    `SELECT experiment_id, variant, count(*) AS units, min(assigned_at) AS first_assigned_at
     FROM assignments WHERE CAST($1 AS VARCHAR) IS NULL OR experiment_id = $1
     GROUP BY experiment_id, variant ORDER BY experiment_id, variant`,
    [id],
  );
  const out = new Map<string, { first_assigned_at: string; units: number; variants: string[] }>();
  for (const r of rows) {
    const known = out.get(r.experiment_id);
    if (!known) {
      out.set(r.experiment_id, {
        first_assigned_at: r.first_assigned_at,
        units: Number(r.units),
        variants: [r.variant],
      });
      continue;
    }
    known.units += Number(r.units);
    known.variants.push(r.variant);
    if (Date.parse(r.first_assigned_at) < Date.parse(known.first_assigned_at))
      known.first_assigned_at = r.first_assigned_at;
  }
  // The control first when one is called so; the rest by name (the order the query gave).
  for (const s of out.values()) s.variants.sort((a, b) => Number(b === 'control') - Number(a === 'control'));
  return out;
}
