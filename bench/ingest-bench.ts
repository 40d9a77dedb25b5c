// Generation and ingestion rates on a generated company, and ingestion's speed relative to a bare DuckDB
// load of the same files (CREATE TABLE AS SELECT * FROM read_csv/read_parquet) in the same run.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/ingest.ts';
import type { TableName } from '../src/schema/tables.ts';
import { generateCompany } from '../src/synth/generate.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const DEFINITIONS = [
  '"Bare DuckDB load" is `CREATE TABLE t AS SELECT * FROM read_csv(file)` (or `read_parquet`) per file into a',
  'fresh warehouse file, with no validation; "vs bare load" is its time divided by ingestion\'s (target ≥ 0.5).',
  'Ingestion reads every value as text and checks it (types, shapes, ranges, future dates, keys, references),',
  'then appends the good rows in one transaction.',
].join('\n');

/** Where the time went, from a statement profile at 100,000 customers. */
const NOTES_100K = [
  'The events file dominates: its typed pass (about 8 s here)',
  "and the append to the warehouse file (about 9 s, as long as the bare load's own write) take most of the time;",
  'finding repeated keys takes about 1.5 s. The generated Parquet files hold text columns, which is why the bare',
  'Parquet load is no faster than the CSV one.',
].join('\n');

const seconds = (start: number) => (performance.now() - start) / 1000;
const rate = (rows: number, s: number) => `${Math.round(rows / s).toLocaleString('en-US')} rows/s`;

async function bareLoad(
  dir: string,
  db: string,
  format: 'csv' | 'parquet',
  tables: string[],
): Promise<number> {
  rmSync(db, { force: true });
  const engine = await DuckDBEngine.open(db);
  const reader = format === 'csv' ? 'read_csv' : 'read_parquet';
  const start = performance.now();
  for (const t of tables) {
    await engine.run(`CREATE TABLE "${t}" AS SELECT * FROM ${reader}($1)`, [join(dir, `${t}.${format}`)]);
  }
  await engine.run('CHECKPOINT');
  const s = seconds(start);
  await engine.close();
  return s;
}

async function validatedLoad(dir: string, db: string): Promise<{ s: number; rows: number }> {
  rmSync(db, { force: true });
  const engine = await DuckDBEngine.open(db);
  const start = performance.now();
  const report = await ingest(engine, { dataDir: dir });
  const s = seconds(start);
  await engine.close();
  const rows = Object.values(report.tables).reduce((sum, t) => sum + t.loaded, 0);
  return { s, rows };
}

/**
 * `formats`: the file formats to generate and load (both by default). At the default 100,000 customers the
 * section is "Generation and ingestion", with where its time went; any other size has its own section,
 * named by the size, so that each stays in RESULTS.md.
 */
export async function ingestBench(opts: {
  customers: number;
  workDir: string;
  formats?: readonly ('csv' | 'parquet')[];
}): Promise<void> {
  const { customers, workDir } = opts;
  mkdirSync(workDir, { recursive: true });
  const lines: string[] = [];
  const log = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  log(`Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`);
  log(`Company: ${customers.toLocaleString('en-US')} customers, 24 months, seed 1.`);
  log('');
  log('| step | format | seconds | rows | rate | vs bare load |');
  log('|---|---|---|---|---|---|');
  for (const format of opts.formats ?? (['csv', 'parquet'] as const)) {
    const dir = join(workDir, `company-${format}`);
    rmSync(dir, { recursive: true, force: true });
    let start = performance.now();
    const summary = await generateCompany({ customers, months: 24, seed: 1, out: dir, format });
    const genS = seconds(start);
    const tables = Object.entries(summary.tables).filter(([, n]) => n > 0);
    const total = tables.reduce((sum, [, n]) => sum + n, 0);
    const events = summary.tables.events;
    log(
      `| generate (all tables; events ${events.toLocaleString('en-US')}) | ${format} | ${genS.toFixed(1)} | ${total.toLocaleString('en-US')} | ${rate(total, genS)} | |`,
    );
    const names = tables.map(([t]) => t as TableName);
    start = performance.now();
    const bareS = await bareLoad(dir, join(workDir, `bare-${format}.duckdb`), format, names);
    const ours = await validatedLoad(dir, join(workDir, `tenure-${format}.duckdb`));
    const ratio = bareS / ours.s;
    log(
      `| bare DuckDB load | ${format} | ${bareS.toFixed(1)} | ${total.toLocaleString('en-US')} | ${rate(total, bareS)} | 1.00 |`,
    );
    log(
      `| tenure ingest (validated) | ${format} | ${ours.s.toFixed(1)} | ${ours.rows.toLocaleString('en-US')} | ${rate(ours.rows, ours.s)} | ${ratio.toFixed(2)} |`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  log('');
  log(`Peak memory of the benchmark process: ${peakRssMiB()} MiB.`);
  log('');
  const usual = customers === 100_000;
  log(usual ? `${DEFINITIONS}\n${NOTES_100K}` : DEFINITIONS);
  const title = usual
    ? 'Generation and ingestion'
    : `Generation and ingestion, ${customers.toLocaleString('en-US')} customers`;
  writeSection(title, lines.join('\n'));
}
