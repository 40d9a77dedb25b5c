// The change log of definitions, kept in the warehouse: each definition a warehouse computed with is
// recorded once per content hash, so anyone can see when a KPI's meaning changed and reproduce old numbers.
import type { Engine } from '../warehouse/engine.ts';
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
  await engine.transaction(async (tx) => {
    for (const d of fresh) {
      await tx.run(`INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, ${tx.dialect.cast('$5', 'timestamp')})`, [
        d.id,
        d.version,
        definitionHash(d),
        canonicalJson(d),
        at.toISOString(),
      ]);
    }
  });
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
