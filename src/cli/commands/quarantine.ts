// `tenure quarantine [--db FILE] [--table T] [--limit N] [--json]`
import type { Command } from 'commander';
import { listQuarantine } from '../../ingest/quarantine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { parseNumber } from './options.ts';

const clip = (text: string | null, width: number) =>
  text === null ? '' : text.length > width ? `${text.slice(0, width - 1)}…` : text;

export function registerQuarantine(program: Command): void {
  program
    .command('quarantine')
    .description('List the rows ingestion refused, with file, line, column, value and reason')
    .option('--db <file>', 'warehouse file', './tenure.duckdb')
    .option('--table <name>', 'only this table')
    .option('--limit <n>', 'at most this many rows', '1000')
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; table?: string; limit: string; json?: boolean }) => {
      const limit = parseNumber(opts.limit, '--limit', { min: 1, integer: true });
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        const rows = await listQuarantine(engine, { table: opts.table, limit });
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return void process.stdout.write('no quarantined rows\n');
        const table = rows.map((r) => [
          r.table_name,
          r.file.split('/').pop() ?? r.file,
          r.line,
          r.column_name,
          clip(r.value, 24),
          clip(r.reason, 90),
        ]);
        process.stdout.write(
          `${formatTable(['table', 'file', 'line', 'column', 'value', 'reason'], table)}\n`,
        );
      } finally {
        await engine.close();
      }
    });
}
