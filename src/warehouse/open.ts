// Opens the warehouse a command names: a postgres:// (or postgresql://) URL picks PostgreSQL, a
// clickhouse:// or chdb:// URL ClickHouse (clickhouse/clickhouse-url.ts), anything else is the path of a
// DuckDB file.
import { existsSync } from 'node:fs';
import { TenureError } from '../errors/tenure-error.ts';
import { ClickHouseEngine } from './clickhouse/clickhouse-engine.ts';
import { isClickHouseUrl } from './clickhouse/clickhouse-url.ts';
import { DuckDBEngine } from './duckdb/duckdb-engine.ts';
import type { Engine } from './engine.ts';
import { PostgresEngine } from './postgres/postgres-engine.ts';

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface OpenOptions {
  mustExist: boolean;
  /**
   * What the caller will do. ClickHouse takes loads only for now (issue 18: the catalog's SQL is not yet
   * spelled for it), so anything else on a ClickHouse URL is refused here, before any SQL runs.
   */
  purpose?: 'load' | 'compute';
}

export async function openWarehouse(location: string, opts: OpenOptions): Promise<Engine> {
  if (isPostgresUrl(location)) return PostgresEngine.open(location);
  if (isClickHouseUrl(location)) {
    if (opts.purpose !== 'load') {
      throw new TenureError(
        'bad_input',
        'a ClickHouse warehouse takes loads only for now (`tenure ingest`)',
        {
          where: { field: '--db' },
          hint: 'compute, serve and the other commands run on DuckDB or PostgreSQL; load the same files into one of them',
        },
      );
    }
    return ClickHouseEngine.open(location);
  }
  return openDuckDB(location, opts);
}

/** The embedded warehouse only, for callers that need DuckDB itself. */
export async function openDuckDB(location: string, opts: { mustExist: boolean }): Promise<DuckDBEngine> {
  const scheme = URL_SCHEME.exec(location)?.[1];
  if (scheme !== undefined) {
    throw new TenureError('bad_input', `warehouse URLs of this kind are not supported: ${scheme}://`, {
      where: { field: '--db' },
      hint: 'give the path of a DuckDB file, or a postgres://, clickhouse:// or chdb:// URL',
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
