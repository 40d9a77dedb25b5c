// The `tenure` command line: one file per command in ./commands, registered here. A run imports only the
// module of the command it names (a command's module pulls in the compiler, the server or the models, which
// takes a second or more); help, no command or an unknown one registers them all.
import { Command, CommanderError } from 'commander';
import { TenureError } from '../errors/tenure-error.ts';

type Register = (program: Command) => void;

/** Each top-level command, in the order help lists them, and how to load what registers it. */
const COMMANDS: [string, () => Promise<Register>][] = [
  ['ingest', async () => (await import('./commands/ingest.ts')).registerIngest],
  ['quarantine', async () => (await import('./commands/quarantine.ts')).registerQuarantine],
  ['generate', async () => (await import('./commands/generate.ts')).registerGenerate],
  ['demo', async () => (await import('./commands/demo.ts')).registerDemo],
  ['catalog', async () => (await import('./commands/catalog.ts')).registerCatalog],
  ['compute', async () => (await import('./commands/compute.ts')).registerCompute],
  ['explain', async () => (await import('./commands/explain.ts')).registerExplain],
  ['serve', async () => (await import('./commands/serve.ts')).registerServe],
  ['why', async () => (await import('./commands/why.ts')).registerWhy],
  ['tree', async () => (await import('./commands/tree.ts')).registerTree],
  ['check', async () => (await import('./commands/check.ts')).registerCheck],
  ['alerts', async () => (await import('./commands/check.ts')).registerAlerts],
  ['model', async () => (await import('./commands/model.ts')).registerModel],
  ['report', async () => (await import('./commands/report.ts')).registerReport],
  ['forecast', async () => (await import('./commands/forecast.ts')).registerForecast],
  ['impact', async () => (await import('./commands/impact.ts')).registerImpact],
  ['risk', async () => (await import('./commands/risk.ts')).registerRisk],
  ['feedback', async () => (await import('./commands/feedback.ts')).registerFeedback],
  ['survival', async () => (await import('./commands/survival.ts')).registerSurvival],
  ['experiment', async () => (await import('./commands/experiment.ts')).registerExperiment],
];

/** Commands registered by another's module: `token` with `serve`, `hazards` with `survival`. */
const REGISTERED_WITH: Record<string, string> = { token: 'serve', hazards: 'survival' };

/**
 * The commander program: every command, or only `command` (and what its module registers with it) when
 * that names one.
 */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('tenure')
    .description('Retention KPIs defined once, computed from one copy of your data.')
    .showHelpAfterError()
    .exitOverride();
  const name = command === undefined ? undefined : (REGISTERED_WITH[command] ?? command);
  const chosen = COMMANDS.filter(([n]) => n === name);
  for (const [, load] of chosen.length > 0 ? chosen : COMMANDS) (await load())(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv[0])).parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof TenureError) {
      process.stderr.write(`tenure: ${err.describe()}\n`);
      return err.exitCode;
    }
    process.stderr.write(`tenure: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    return 70;
  }
}
