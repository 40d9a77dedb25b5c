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
   * What the caller will do: load, compute (read the data, record new definitions), or anything else
   * (serve, keep alerts, targets and registries: bookkeeping updated in place). An engine that cannot do
   * it (its registry entry) is refused here, before any SQL runs.
   */
  purpose?: 'load' | 'compute';
}

export async function openWarehouse(location: string, opts: OpenOptions): Promise<Engine> {
  const entry = engineAt(location);
  const can =
    opts.purpose === 'load' || (opts.purpose === 'compute' ? entry.computes : entry.keepsBookkeeping);
  if (!can) {
    const what = entry.computes
      ? "loads and the catalog's computations (`tenure ingest`, `tenure compute`)"
      : 'loads only (`tenure ingest`)';
    const others = ENGINES.filter((e) => e.keepsBookkeeping).map((e) => e.label);
    throw new TenureError('bad_input', `a ${entry.label} warehouse takes ${what} for now`, {
      where: { field: '--db' },
      hint: `this command keeps Tenure's own records, which run on ${others.join(' or ')}: load the same files into one of them`,
    });
  }
  return entry.open(location, opts);
}
