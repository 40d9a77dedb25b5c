// `tenure experiment register|amend|decide|list|show`: the registry of experiments (src/experiments/registry).
//   register --file PLAN.yaml            records a plan, hashed and locked (again: nothing; changed: refused)
//   amend ID --file PLAN.yaml --reason R  a new version with its reason and its diff from the one before
//   decide ID --decision ship|iterate|stop --learning "…" [--result "…"]
//   list                                  every experiment: owner, status, late registration, amendments, decision
//   show ID                               the plan, its hash, amendments with diffs and reasons, decisions
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { badInput, TenureError } from '../../errors/tenure-error.ts';
import { analyzeExperiment } from '../../experiments/analysis.ts';
import type { PlanChange } from '../../experiments/registry/diff.ts';
import { readPlanFile } from '../../experiments/registry/plan-file.ts';
import {
  amendPlan,
  DECISIONS,
  type Decision,
  decideExperiment,
  type ExperimentRecord,
  listExperiments,
  type RegistrationResult,
  type RegistryContext,
  registerPlan,
  showExperiment,
} from '../../experiments/registry/registry.ts';
import { resultSummary } from '../../experiments/registry/result-summary.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';

const DB_HELP = 'a warehouse: DuckDB file or postgres:// URL';
const DEFAULT_DB = './tenure.duckdb';

interface Common {
  db: string;
  project?: string;
  json?: boolean;
}

async function withRegistry<T>(
  opts: Common,
  work: (engine: Engine, ctx: RegistryContext) => Promise<T>,
): Promise<T> {
  const catalog = await resolveCatalog(opts.project);
  const ctx: RegistryContext = {
    definitions: catalog.definitions,
    targets: catalog.targets ?? [],
    tree: catalog.tree,
  };
  const engine = await openWarehouse(opts.db, { mustExist: true });
  try {
    return await work(engine, ctx);
  } finally {
    await engine.close();
  }
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const day = (iso: string | null) => (iso === null ? '' : iso.slice(0, 16).replace('T', ' '));

function changeLines(changes: readonly PlanChange[], indent = '    '): string[] {
  return changes.map((c) => `${indent}${c.field}: ${show(c.before)} → ${show(c.after)}`);
}

function printRegistration(r: RegistrationResult): void {
  const late = r.after_start ? `, after the experiment started (${day(r.started_at)}): flagged` : '';
  const lines = {
    registered: `registered ${r.experiment_id}, version ${r.version}${late}`,
    amended: `amended ${r.experiment_id}: version ${r.version}${late}`,
    unchanged: `${r.experiment_id}: the plan is version ${r.version} as registered; nothing recorded`,
  };
  process.stdout.write(`${lines[r.action]}\nsha256 ${r.hash}\n`);
  if (r.changes.length > 0) process.stdout.write(`changes:\n${changeLines(r.changes).join('\n')}\n`);
  if (r.action !== 'unchanged' && r.defaults.length > 0)
    process.stdout.write(
      `defaults taken: ${r.defaults.map((d) => `${d.field} = ${show(d.value)}`).join('; ')}\n`,
    );
}

function requireText(value: string | undefined, option: string, what: string): string {
  if (value === undefined || value.trim() === '')
    throw badInput(`${option} is required: ${what}`, { field: option });
  return value;
}

function registerCommand(experiment: Command): void {
  experiment
    .command('register')
    .description(
      'record an experiment plan (pre-registration): hashed and locked; a changed plan needs amend',
    )
    .requiredOption('--file <plan>', 'the plan, YAML (examples/experiments/onboarding-checklist.yaml)')
    .option('--db <file|url>', DB_HELP, DEFAULT_DB)
    .option(
      '--project <file>',
      'project file with custom KPIs and targets (default ./tenure.yaml when present)',
    )
    .option('--json', 'print the registration as JSON')
    .action(async (opts: Common & { file: string }) => {
      const result = await withRegistry(opts, async (engine, ctx) => {
        const { plan, defaults } = await readPlanFile(opts.file, ctx);
        return registerPlan(engine, plan, { source: 'file', defaults }, ctx);
      });
      if (opts.json) printJson(result);
      else printRegistration(result);
    });
}

function amendCommand(experiment: Command): void {
  experiment
    .command('amend')
    .description(
      'change a registered plan: a new version kept with its time, reason and diff (deviations from plan)',
    )
    .argument('<experiment_id>', 'the experiment')
    .requiredOption('--file <plan>', 'the changed plan, YAML')
    .requiredOption('--reason <text>', 'why the plan changes; shown beside the results')
    .option('--db <file|url>', DB_HELP, DEFAULT_DB)
    .option(
      '--project <file>',
      'project file with custom KPIs and targets (default ./tenure.yaml when present)',
    )
    .option('--json', 'print the amendment as JSON')
    .action(async (id: string, opts: Common & { file: string; reason: string }) => {
      const reason = requireText(opts.reason, '--reason', 'say why the plan changes');
      const result = await withRegistry(opts, async (engine, ctx) => {
        const { plan, defaults } = await readPlanFile(opts.file, ctx);
        return amendPlan(engine, id, plan, reason, { source: 'file', defaults }, ctx);
      });
      if (opts.json) printJson(result);
      else printRegistration(result);
    });
}

/** The result a decision is recorded with: given, else the analysis's primary outcome in a sentence. */
async function decisionResult(
  engine: Engine,
  id: string,
  ctx: RegistryContext,
  opts: { result?: string; analysis?: boolean },
): Promise<{ result: string | null; note: string | null }> {
  if (opts.result !== undefined) return { result: opts.result, note: null };
  if (opts.analysis === false) return { result: null, note: null };
  await showExperiment(engine, id, ctx);
  try {
    const analysis = await analyzeExperiment(engine, { experimentId: id, catalog: ctx.definitions });
    return { result: resultSummary(analysis), note: null };
  } catch (err) {
    if (!(err instanceof TenureError)) throw err;
    return { result: null, note: `no result recorded: the analysis stopped: ${err.message}` };
  }
}

function decideCommand(experiment: Command): void {
  experiment
    .command('decide')
    .description('record the decision (ship, iterate, stop) and what was learned; null results stay listed')
    .argument('<experiment_id>', 'the experiment')
    .requiredOption('--decision <decision>', 'ship, iterate or stop')
    .requiredOption('--learning <text>', 'what was learned, failures and null results included')
    .option(
      '--result <text>',
      "the result in a sentence (default: the analysis's primary outcome, summarised)",
    )
    .option('--no-analysis', 'record no result rather than run the analysis for it')
    .option('--db <file|url>', DB_HELP, DEFAULT_DB)
    .option(
      '--project <file>',
      'project file with custom KPIs and targets (default ./tenure.yaml when present)',
    )
    .option('--json', 'print the decision as JSON')
    .action(
      async (
        id: string,
        opts: Common & { decision: string; learning: string; result?: string; analysis?: boolean },
      ) => {
        if (!DECISIONS.includes(opts.decision as Decision))
          throw badInput(`--decision must be ship, iterate or stop, not '${opts.decision}'`, {
            field: '--decision',
          });
        const learning = requireText(opts.learning, '--learning', 'write what was learned');
        const { decision, note } = await withRegistry(opts, async (engine, ctx) => {
          const { result, note } = await decisionResult(engine, id, ctx, opts);
          const decision = await decideExperiment(
            engine,
            id,
            { decision: opts.decision as Decision, learning, result },
            ctx,
          );
          return { decision, note };
        });
        if (opts.json) return printJson({ experiment_id: id, ...decision });
        process.stdout.write(`${id}: ${decision.decision}, recorded ${day(decision.decided_at)} UTC\n`);
        if (decision.result) process.stdout.write(`result: ${decision.result}\n`);
        if (note) process.stdout.write(`${note}\n`);
      },
    );
}

/** One line per experiment, for `list` and for scripts. */
export function experimentSummary(r: ExperimentRecord) {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    status: r.status,
    registered_after_start: r.registered_after_start,
    amendments: r.amendments,
    decision: r.decision?.decision ?? null,
    plan_source: r.versions[0]?.source ?? null,
    started_at: r.started_at,
    ended_at: r.ended_at,
    units: r.units,
    problems: r.plan === null ? (r.pre_registration?.problems.length ?? 0) : 0,
  };
}

function listCommand(experiment: Command): void {
  experiment
    .command('list')
    .description('every experiment: owner, status, registered after start, amendments, decision')
    .option('--db <file|url>', DB_HELP, DEFAULT_DB)
    .option(
      '--project <file>',
      'project file with custom KPIs and targets (default ./tenure.yaml when present)',
    )
    .option('--json', 'print the list as JSON')
    .action(async (opts: Common) => {
      const records = await withRegistry(opts, (engine, ctx) => listExperiments(engine, ctx));
      const rows = records.map(experimentSummary);
      if (opts.json) return printJson({ experiments: rows });
      if (rows.length === 0) {
        process.stdout.write(
          'no experiments: register a plan with `tenure experiment register --file PLAN`\n',
        );
        return;
      }
      process.stdout.write(
        `${formatTable(
          ['id', 'name', 'owner', 'status', 'registered after start', 'amendments', 'decision'],
          rows.map((r) => [
            r.id,
            r.name,
            r.owner ?? (r.problems > 0 ? '(plan not readable: see show)' : ''),
            r.status,
            r.registered_after_start ? 'yes' : 'no',
            r.amendments,
            r.decision ?? '',
          ]),
        )}\n`,
      );
    });
}

function printRecord(r: ExperimentRecord): void {
  const out: string[] = [`${r.id}: ${r.name}`, ''];
  out.push(
    `status      ${r.status}${r.started_at ? ` (started ${day(r.started_at)}` : ''}${r.ended_at ? `, ended ${day(r.ended_at)})` : r.started_at ? ')' : ''}`,
  );
  out.push(`owner       ${r.owner ?? ''}`, `hypothesis  ${r.hypothesis ?? ''}`, `units       ${r.units}`);
  if (r.hash) out.push(`plan        version ${r.versions.at(-1)?.version}, sha256 ${r.hash}`);
  if (r.registered_after_start) out.push('            registered after the experiment started: flagged');
  if (r.target)
    out.push(
      `target      ${r.target.kpi} (${r.target.segment})${r.target.target ? `: ${r.target.target.owner}; action plan: ${r.target.target.action_plan.join('; ') || 'none recorded'}` : ': no such target in the project file'}`,
    );
  if (r.plan)
    out.push(
      '',
      'plan:',
      ...stringify(r.plan, { lineWidth: 100 })
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  out.push('', 'versions:');
  for (const v of r.versions) {
    const when = v.registered_at ? day(v.registered_at) : 'time unknown';
    out.push(
      `  ${v.version}  ${when}  ${v.source}${v.after_start ? '  after start' : ''}${v.reason ? `  reason: ${v.reason}` : ''}`,
      ...changeLines(v.changes, '       '),
    );
    if (v.defaults.length > 0)
      out.push(
        `       defaults: ${v.defaults.map((d) => `${d.field} = ${show(d.value)} (${d.source})`).join('; ')}`,
      );
  }
  if (r.versions.length === 0) out.push('  none');
  if (
    r.pre_registration &&
    (r.pre_registration.problems.length > 0 || r.pre_registration.ignored.length > 0)
  ) {
    out.push('', 'experiments.pre_registration:');
    for (const p of r.pre_registration.problems) out.push(`  ${p.path.join('.')}: ${p.message}`);
    if (r.pre_registration.ignored.length > 0)
      out.push(`  ignored keys: ${r.pre_registration.ignored.join(', ')}`);
  }
  out.push('', 'decisions:');
  for (const d of r.decisions)
    out.push(
      `  ${day(d.decided_at)}  ${d.decision}${d.result ? `  result: ${d.result}` : ''}`,
      `    learning: ${d.learning}`,
    );
  if (r.decisions.length === 0) out.push('  none yet');
  process.stdout.write(`${out.join('\n')}\n`);
}

function showCommand(experiment: Command): void {
  experiment
    .command('show')
    .description('one experiment: plan, hash, amendments with diffs and reasons, decision and learning')
    .argument('<experiment_id>', 'the experiment')
    .option('--db <file|url>', DB_HELP, DEFAULT_DB)
    .option(
      '--project <file>',
      'project file with custom KPIs and targets (default ./tenure.yaml when present)',
    )
    .option('--json', 'print the experiment as JSON')
    .action(async (id: string, opts: Common) => {
      const record = await withRegistry(opts, (engine, ctx) => showExperiment(engine, id, ctx));
      if (opts.json) printJson(record);
      else printRecord(record);
    });
}

/** The registry's subcommands, added to `tenure experiment`. */
export function registerExperimentRegistry(experiment: Command): void {
  registerCommand(experiment);
  amendCommand(experiment);
  decideCommand(experiment);
  listCommand(experiment);
  showCommand(experiment);
}
