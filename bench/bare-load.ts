// `npx tsx bench/bare-load.ts DIR FILE [--memory 8GB]`: a generated company's CSV files (`tenure generate
// --out DIR`) loaded straight into a new DuckDB warehouse's canonical tables, then the rollups a load keeps
// built, as `tenure ingest` leaves them — without ingestion's validation, staging and key checks, and with
// DuckDB's memory capped (it spills to disk beyond). For benchmarks of a 1M-customer company on a machine
// whose free memory `tenure ingest` would exceed (it peaked near 20 GB there); the data is the generator's,
// so there is nothing to quarantine. Then: `npm run bench -- experiments --db FILE` (or catalog, api).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rollupAsksFor } from '../src/compiler/compute.ts';
import { storeRollups } from '../src/compiler/rollups/stored-rollups.ts';
import { TABLE_NAMES } from '../src/schema/tables.ts';
import { ensureWarehouseTables, LOAD_ID_COLUMN } from '../src/warehouse/canonical-ddl.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { memory: { type: 'string', default: '8GB' } },
});
const [dir, file] = positionals;
if (!dir || !file || !/^\d+(\.\d+)?[KMGT]i?B$/.test(values.memory)) {
  console.error('usage: npx tsx bench/bare-load.ts DIR FILE [--memory 8GB]');
  process.exit(2);
}
rmSync(file, { force: true });
const engine = await DuckDBEngine.open(file);
const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(1);
try {
  await engine.run(`SET memory_limit = '${values.memory}'`);
  await engine.run('SET preserve_insertion_order = false');
  await ensureWarehouseTables(engine);
  const files = new Set(readdirSync(dir));
  for (const table of TABLE_NAMES) {
    if (!files.has(`${table}.csv`)) continue;
    const start = performance.now();
    const path = join(dir, `${table}.csv`).replaceAll("'", "''");
    await engine.run(
      `INSERT INTO ${table} BY NAME SELECT *, 1 AS ${LOAD_ID_COLUMN}
       FROM read_csv('${path}', header = true, all_varchar = true)`,
    );
    const [row] = await engine.query(`SELECT count(*) AS n FROM ${table}`);
    console.log(`${table}: ${Number(row?.n).toLocaleString('en-US')} rows in ${seconds(start)} s`);
  }
  const start = performance.now();
  const kept = await storeRollups(engine, rollupAsksFor('all'));
  console.log(`rollups a load keeps: ${kept.keys.length} in ${seconds(start)} s`);
} finally {
  await engine.close();
}
if (!existsSync(file)) process.exitCode = 1;
