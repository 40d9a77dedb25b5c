// A load as users run it: the folder ingested (ingestInto), then the rollups the project's catalog reads
// brought up to date with the rows it added (stored-rollups.ts, incremental-rollups.ts; all rebuilt from
// the whole tables with `rebuild`), so runs after it read them instead of grouping the events again.
import { CATALOG, type Catalog } from '../catalog/catalog.ts';
import { rollupAsksFor } from '../compiler/compute.ts';
import { recordLoadReach } from '../compiler/kept-results.ts';
import { storeRollups } from '../compiler/rollups/stored-rollups.ts';
import { storeClickHouseRollups } from '../warehouse/clickhouse/clickhouse-rollups.ts';
import type { Engine } from '../warehouse/engine.ts';
import { asClickHouse, asDuckDB } from '../warehouse/registry.ts';
import type { IngestOptions, IngestReport } from './ingest.ts';
import { ingestInto } from './publish-target.ts';

export interface LoadOptions extends IngestOptions {
  /** The catalog whose rollups the warehouse keeps (default: the shipped one). */
  readonly catalog?: Catalog;
  /** Build every kept rollup from the whole tables instead of updating them (`tenure ingest --rebuild`). */
  readonly rebuild?: boolean;
}

export interface LoadReport extends IngestReport {
  /**
   * The rollups kept for the catalog, whether the load changed them (not when it added no rows they read),
   * which it updated in place and which it built from the whole tables (when known), and the seconds it
   * took (also in `seconds`).
   */
  readonly rollups: {
    readonly keys: readonly string[];
    readonly rebuilt: boolean;
    readonly updated?: readonly string[];
    readonly built?: readonly string[];
    readonly seconds: number;
  };
}

export async function loadWarehouse(engine: Engine, opts: LoadOptions): Promise<LoadReport> {
  const report = await ingestInto(engine, opts);
  // ClickHouse keeps its own user days, built on every shard in place (clickhouse-rollups.ts).
  const clickhouse = asClickHouse(engine);
  const store = async () => {
    if (clickhouse) return storeClickHouseRollups(clickhouse);
    // What the load added and how early, so that kept results it cannot reach stay (kept-results.ts).
    await recordLoadReach(engine, report.loadId);
    const kept = await storeRollups(engine, rollupAsksFor('all', opts.catalog ?? CATALOG), {
      rebuild: opts.rebuild,
    });
    // The rollups' writes go into the file now, as the load's own did: left in DuckDB's write-ahead log,
    // the first small commit after the load would write them (5 s at 1M customers).
    await asDuckDB(engine)?.checkpoint();
    return kept;
  };
  // Rollups are replaced in place: a server's computations must not read them half rebuilt.
  const rollups = await (opts.turn ? opts.turn(store) : store());
  return { ...report, rollups, seconds: report.seconds + rollups.seconds };
}

/** A load as `tenure ingest --json` prints it and `POST /api/loads` answers it. */
export interface LoadSummary {
  readonly load_id: number;
  readonly tables: Record<string, { read: number; loaded: number; quarantined: number; duplicates: number }>;
  readonly ignored: readonly string[];
  /** The rollups kept for the catalog. */
  readonly rollups: readonly string[];
  readonly seconds: number;
}

export function loadSummary(report: LoadReport): LoadSummary {
  const tables = Object.fromEntries(
    Object.entries(report.tables).map(([name, t]) => [
      name,
      { read: t.read, loaded: t.loaded, quarantined: t.quarantined, duplicates: t.duplicates },
    ]),
  );
  return {
    load_id: report.loadId,
    tables,
    ignored: report.ignored,
    rollups: report.rollups.keys,
    seconds: report.seconds,
  };
}
