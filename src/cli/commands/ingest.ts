// `tenure ingest --data DIR [--db FILE|URL] [--rebuild] [--json]`
import type { Command } from 'commander';
import {
  type LoadReport,
  type LoadSummary,
  loadSummary,
  loadWarehouse,
} from '../../ingest/load-warehouse.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { WarehouseBusy } from '../../warehouse/warehouse-busy.ts';
import { formatTable, printJson } from '../output.ts';
import { progressReporter } from '../progress.ts';
import { loadThroughServer, who } from '../through-server.ts';
import { resolveCatalog } from './catalog.ts';
import { parseNumber } from './options.ts';

export function formatIngestReport(report: LoadReport): string {
  return formatLoadSummary(loadSummary(report), report.rollups);
}

/** A load in words; how its rollups were kept when known (a load through a server does not say). */
export function formatLoadSummary(report: LoadSummary, rollups?: LoadReport['rollups']): string {
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
  const n = report.rollups.length;
  const kept = `${n} rollup${n === 1 ? '' : 's'} kept for the catalog`;
  if (rollups === undefined) lines.push(kept);
  else if (!rollups.rebuilt) lines.push(`${kept}, already current (no new events)`);
  else if (rollups.updated === undefined) lines.push(`${kept}, rebuilt in ${rollups.seconds.toFixed(1)} s`);
  else {
    const how = [
      rollups.updated.length ? `${rollups.updated.length} updated with the load's rows` : '',
      rollups.built?.length ? `${rollups.built.length} built from the whole tables` : '',
    ].filter(Boolean);
    lines.push(`${kept}: ${how.join(', ')}, in ${rollups.seconds.toFixed(1)} s`);
  }
  lines.push(`load ${report.load_id} took ${report.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

interface IngestCliOptions {
  data: string;
  db: string;
  futureTolerance: string;
  project?: string;
  rebuild?: boolean;
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
    .option(
      '--db <file|url>',
      'warehouse: a DuckDB file, or a postgres://, clickhouse:// or chdb:// URL',
      './tenure.duckdb',
    )
    .option('--future-tolerance <days>', 'how far in the future a timestamp may lie', '1')
    .option(
      '--project <file>',
      'project file whose KPIs the kept rollups serve (default ./tenure.yaml when present)',
    )
    .option(
      '--rebuild',
      "build every kept rollup from the whole tables instead of updating them with the load's rows",
    )
    .option('--json', 'print the counts as JSON')
    .action(async (opts: IngestCliOptions) => {
      const tolerance = parseNumber(opts.futureTolerance, '--future-tolerance', { min: 0 });
      const catalog = (await resolveCatalog(opts.project)).definitions;
      let engine: Engine;
      try {
        engine = await openWarehouse(opts.db, { mustExist: false, purpose: 'load' });
      } catch (err) {
        // `tenure serve` holds the file: the load runs in that server, between its computations.
        if (!(err instanceof WarehouseBusy && err.server)) throw err;
        if (!opts.json) process.stderr.write(`loading through ${who(err.server)}\n`);
        const summary = await loadThroughServer(err.server, {
          dataDir: opts.data,
          futureToleranceDays: tolerance,
          rebuild: opts.rebuild,
        });
        if (opts.json) printJson(summary);
        else process.stdout.write(`${formatLoadSummary(summary)}\n`);
        return;
      }
      const progress = progressReporter(!opts.json);
      try {
        const report = await loadWarehouse(engine, {
          dataDir: opts.data,
          catalog,
          rebuild: opts.rebuild,
          futureToleranceDays: tolerance,
          onProgress: (e) => progress.update(e),
        });
        progress.stop();
        if (opts.json) printJson(loadSummary(report));
        else process.stdout.write(`${formatIngestReport(report)}\n`);
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}
