// `tenure check [--db FILE|URL] [--project FILE] [--as-of T] [--json]`: every target of the project file
// judged on its KPI's last complete period; exits 1 when any is at risk or off track (for cron and CI), with
// the segments that moved each such KPI.
import type { Command } from 'commander';
import { checkTargets, needsAttention } from '../../goals/check.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';

const show = (v: number | null) => (v === null ? '' : Number.isInteger(v) ? String(v) : v.toFixed(4));
const goal = (g: number | [number, number] | undefined) =>
  g === undefined ? '' : Array.isArray(g) ? `${show(g[0])}–${show(g[1])}` : show(g);

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('Judge every target of the project file; exit 1 when one is at risk or off track')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
    .option('--project <file>', 'project file with targets (default ./tenure.yaml when present)')
    .option('--as-of <timestamp>', 'judge the data as of this moment (default: its latest timestamp)')
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; project?: string; asOf?: string; json?: boolean }) => {
      const catalog = await resolveCatalog(opts.project);
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        const checks = await checkTargets(engine, catalog, { asOf: opts.asOf });
        if (opts.json) printJson(checks);
        else if (checks.length === 0)
          process.stdout.write('no targets in the project file (targets: in tenure.yaml)\n');
        else
          process.stdout.write(
            `${formatTable(
              [
                'kpi',
                'segment',
                'period',
                'value',
                'pragmatic',
                'aspirational',
                'status',
                'owner',
                'moved by',
              ],
              checks.map((c) => [
                c.target.kpi,
                c.segment,
                `${c.period_start.slice(0, 10)}…${c.period_end.slice(0, 10)}`,
                show(c.value),
                goal(c.target.pragmatic),
                goal(c.target.aspirational),
                c.status + (c.ahead ? ' (ahead)' : ''),
                c.target.owner,
                c.why.map((w) => `${w.dimension}=${w.segment}`).join(', '),
              ]),
            )}\n`,
          );
        if (needsAttention(checks)) process.exitCode = 1;
      } finally {
        await engine.close();
      }
    });
}
