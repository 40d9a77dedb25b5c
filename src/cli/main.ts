// The `tenure` command line: one file per command in ./commands, registered here.
import { Command, CommanderError } from 'commander';
import { TenureError } from '../errors/tenure-error.ts';
import { registerCatalog } from './commands/catalog.ts';
import { registerAlerts, registerCheck } from './commands/check.ts';
import { registerCompute } from './commands/compute.ts';
import { registerDemo } from './commands/demo.ts';
import { registerExperiment } from './commands/experiment.ts';
import { registerExplain } from './commands/explain.ts';
import { registerFeedback } from './commands/feedback.ts';
import { registerForecast } from './commands/forecast.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerImpact } from './commands/impact.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerModel } from './commands/model.ts';
import { registerQuarantine } from './commands/quarantine.ts';
import { registerReport } from './commands/report.ts';
import { registerRisk } from './commands/risk.ts';
import { registerServe } from './commands/serve.ts';
import { registerSurvival } from './commands/survival.ts';
import { registerTree } from './commands/tree.ts';
import { registerWhy } from './commands/why.ts';

export function buildProgram(): Command {
  const program = new Command('tenure')
    .description('Retention KPIs defined once, computed from one copy of your data.')
    .showHelpAfterError()
    .exitOverride();
  registerIngest(program);
  registerQuarantine(program);
  registerGenerate(program);
  registerDemo(program);
  registerCatalog(program);
  registerCompute(program);
  registerExplain(program);
  registerServe(program);
  registerWhy(program);
  registerTree(program);
  registerCheck(program);
  registerAlerts(program);
  registerModel(program);
  registerReport(program);
  registerForecast(program);
  registerImpact(program);
  registerRisk(program);
  registerFeedback(program);
  registerSurvival(program);
  registerExperiment(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
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
