// Opens the warehouse a command names. Only the embedded DuckDB file exists so far; a URL scheme
// (postgres://, clickhouse://) will pick the other engines.
import { existsSync } from 'node:fs';
import { TenureError } from '../errors/tenure-error.ts';
import { DuckDBEngine } from './duckdb/duckdb-engine.ts';

export async function openWarehouse(location: string, opts: { mustExist: boolean }): Promise<DuckDBEngine> {
  if (/^[a-z]+:\/\//i.test(location)) {
    throw new TenureError('bad_input', `warehouse URLs are not supported yet: ${location.split(':')[0]}`, {
      where: { field: '--db' },
      hint: 'give the path of a DuckDB file',
    });
  }
  if (opts.mustExist && location !== ':memory:' && !existsSync(location)) {
    throw new TenureError('not_found', `no warehouse at ${location}`, {
      where: { file: location },
      hint: 'load data first with `tenure ingest --data DIR`, or point --db at your warehouse',
    });
  }
  return DuckDBEngine.open(location);
}
