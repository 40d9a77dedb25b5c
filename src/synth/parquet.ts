// Parquet output: the CSV files, already written, are converted by DuckDB (values kept as text, exactly as in
// the CSV, so both formats carry the same data; one thread, so the files come out byte for byte the same).

import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TABLE_NAMES, tableSpec } from '../schema/tables.ts';

/** A SQL string literal. Paths are the only values spliced in; DuckDB cannot bind COPY's target. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export async function convertToParquet(csvDir: string, outDir: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  try {
    for (const name of TABLE_NAMES) {
      const columns = tableSpec(name)
        .columns.map((c) => `${literal(c.name)}: 'VARCHAR'`)
        .join(', ');
      const source = `read_csv(${literal(join(csvDir, `${name}.csv`))}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columns}})`;
      const target = literal(join(outDir, `${name}.parquet`));
      await con.run(`COPY (SELECT * FROM ${source}) TO ${target} (FORMAT parquet, COMPRESSION zstd)`);
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
