// `tenure ingest --data DIR [--db FILE|URL] [--json]`
import type { Command } from 'commander';
import type { IngestReport } from '../../ingest/ingest.ts';
import { type LoadReport, loadWarehouse } from '../../ingest/load-warehouse.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { progressReporter } from '../progress.ts';
import { resolveCatalog } from './catalog.ts';
import { parseNumber } from './options.ts';

export function formatIngestReport(report: IngestReport & Partial<LoadReport>): string {
  const rows = Object.entries(report.tables).map(([name, t]) => [
    name,
    t.read,
    t.loaded,
    t.quarantined,
    t.duplicates,
  ]);
  const lines = [formatTable(['table', 'read', 'loaded', 'quarantined', 'duplicates'], rows)];
  const quarantined = Object.values(report.tables).reduce((s, t) => s + t.quarantined, 0);
  if (quarantined > 0) lines.push(`${quarantined} rows quarantined: see them with \`tenure quarantine\``);
  if (report.ignored.length > 0) lines.push(`not Tenure tables, left alone: ${report.ignored.join(', ')}`);
  if (report.rollups) {
    const n = report.rollups.keys.length;
    const kept = `${n} rollup${n === 1 ? '' : 's'} kept for the catalog`;
    lines.push(
      report.rollups.rebuilt
        ? `${kept}, rebuilt in ${report.rollups.seconds.toFixed(1)} s`
        : `${kept}, already current (no new events)`,
    );
  }
  lines.push(`load ${report.loadId} took ${report.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

interface IngestCliOptions {
  data: string;
  db: string;
  futureTolerance: string;
  project?: string;
  json?: boolean;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Validate a folder of canonical files and load it into the warehouse, atomically')
    .requiredOption(
      '--data <dir>',
      'folder holding customers.csv and the other tables (csv, parquet or ndjson)',
    )
    .option('--db <file|url>', 'warehouse: a DuckDB file or a postgres:// URL', './tenure.duckdb')
    .option('--future-tolerance <days>', 'how far in the future a timestamp may lie', '1')
    .option(
      '--project <file>',
      'project file whose KPIs the kept rollups serve (default ./tenure.yaml when present)',
    )
    .option('--json', 'print the counts as JSON')
    .action(async (opts: IngestCliOptions) => {
      const tolerance = parseNumber(opts.futureTolerance, '--future-tolerance', { min: 0 });
      const catalog = (await resolveCatalog(opts.project)).definitions;
      const engine = await openWarehouse(opts.db, { mustExist: false });
      const progress = progressReporter(!opts.json);
      try {
        const report = await loadWarehouse(engine, {
          dataDir: opts.data,
          catalog,
          futureToleranceDays: tolerance,
          onProgress: (e) => progress.update(e),
        });
        progress.stop();
        if (opts.json) {
          const tables = Object.fromEntries(
            Object.entries(report.tables).map(([name, t]) => [
              name,
              { read: t.read, loaded: t.loaded, quarantined: t.quarantined, duplicates: t.duplicates },
            ]),
          );
          printJson({
            load_id: report.loadId,
            tables,
            ignored: report.ignored,
            rollups: report.rollups.keys,
            seconds: report.seconds,
          });
        } else process.stdout.write(`${formatIngestReport(report)}\n`);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}
