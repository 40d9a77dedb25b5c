// Opens the warehouse a command names, through the engine registry (registry.ts): a URL by its scheme
// (postgres://, clickhouse://, chdb://, …), anything else the path of a DuckDB file.
import { TenureError } from '../errors/tenure-error.ts';
import type { Engine } from './engine.ts';
import { ENGINES, engineAt, findEngineAt } from './registry.ts';

/** Whether `location` names a PostgreSQL warehouse. */
export const isPostgresUrl = (location: string): boolean => findEngineAt(location)?.name === 'postgres';

export interface OpenOptions {
  mustExist: boolean;
  /**
   * What the caller will do. An engine the catalog does not run on yet takes loads only (its registry
   * entry's `computes`), so anything else there is refused here, before any SQL runs.
   */
  purpose?: 'load' | 'compute';
}

export async function openWarehouse(location: string, opts: OpenOptions): Promise<Engine> {
  const entry = engineAt(location);
  if (!entry.computes && opts.purpose !== 'load') {
    const computing = ENGINES.filter((e) => e.computes).map((e) => e.label);
    throw new TenureError(
      'bad_input',
      `a ${entry.label} warehouse takes loads only for now (\`tenure ingest\`)`,
      {
        where: { field: '--db' },
        hint: `compute, serve and the other commands run on ${computing.join(' or ')}; load the same files into one of them`,
      },
    );
  }
  return entry.open(location, opts);
}
