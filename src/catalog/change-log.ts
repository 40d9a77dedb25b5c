// The change log of definitions, kept in the warehouse: each definition a warehouse computed with is
// recorded once per content hash, so anyone can see when a KPI's meaning changed and reproduce old numbers.
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { type Catalog, canonicalJson, definitionHash } from './catalog.ts';

export type ChangeLogEntry = {
  kpi: string;
  version: number;
  hash: string;
  recorded_at: string;
  definition: string;
};

const TABLE = 'tenure_catalog_log';

async function ensureLog(engine: Engine): Promise<void> {
  await engine.run(
    engine.dialect.createTableIfMissing(TABLE, [
      ['kpi', 'text'],
      ['version', 'integer'],
      ['hash', 'text'],
      ['definition', 'text'],
      ['recorded_at', 'timestamp'],
    ]),
  );
}

/** Records every definition whose hash the log does not hold yet; returns the ids newly recorded. */
export async function recordDefinitions(
  engine: Engine,
  catalog: Catalog,
  at = new Date(),
): Promise<string[]> {
  await ensureLog(engine);
  const known = new Set(
    (await engine.query<{ kpi: string; hash: string }>(`SELECT kpi, hash FROM ${TABLE}`)).map(
      (r) => `${r.kpi}|${r.hash}`,
    ),
  );
  const fresh = catalog.filter((d) => !known.has(`${d.id}|${definitionHash(d)}`));
  // One statement, so all of them land or none, on engines without multi-table transactions too.
  if (fresh.length > 0) {
    const params = new SqlParams(engine.dialect);
    const rows = fresh.map(
      (d) =>
        `(${[d.id, d.version, definitionHash(d), canonicalJson(d)].map((v) => params.bind(v)).join(', ')}, ` +
        `${engine.dialect.cast(params.bind(at.toISOString()), 'timestamp')})`,
    );
    await engine.run(`INSERT INTO ${TABLE} VALUES ${rows.join(', ')}`, params.values);
  }
  return fresh.map((d) => d.id);
}

export async function readChangeLog(engine: Engine, kpi?: string): Promise<ChangeLogEntry[]> {
  await ensureLog(engine);
  return engine.query<ChangeLogEntry>(
    `SELECT kpi, version, hash, recorded_at, definition FROM ${TABLE}
     WHERE CAST($1 AS VARCHAR) IS NULL OR kpi = $1 ORDER BY kpi, recorded_at`,
    [kpi ?? null],
  );
}
