// A load as users run it: the folder ingested (ingestInto), then the rollups the project's catalog reads
// rebuilt from the events now in the warehouse (stored-rollups.ts), so runs after it read them instead of
// grouping the events again.
import { CATALOG, type Catalog } from '../catalog/catalog.ts';
import { rollupAsksFor } from '../compiler/compute.ts';
import { storeRollups } from '../compiler/rollups/stored-rollups.ts';
import { ClickHouseEngine } from '../warehouse/clickhouse/clickhouse-engine.ts';
import { storeClickHouseRollups } from '../warehouse/clickhouse/clickhouse-rollups.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { IngestOptions, IngestReport } from './ingest.ts';
import { ingestInto } from './publish-target.ts';

export interface LoadOptions extends IngestOptions {
  /** The catalog whose rollups the warehouse keeps (default: the shipped one). */
  readonly catalog?: Catalog;
}

export interface LoadReport extends IngestReport {
  /**
   * The rollups kept for the catalog, whether the load rebuilt them (not when it added no events and they
   * were current), and the seconds it took (also in `seconds`).
   */
  readonly rollups: { readonly keys: readonly string[]; readonly rebuilt: boolean; readonly seconds: number };
}

export async function loadWarehouse(engine: Engine, opts: LoadOptions): Promise<LoadReport> {
  const report = await ingestInto(engine, opts);
  // ClickHouse keeps its own rollups (its SQL is not the compiler's yet: issue 18's dialect layer).
  const rollups =
    engine instanceof ClickHouseEngine
      ? await storeClickHouseRollups(engine)
      : await storeRollups(engine, rollupAsksFor('all', opts.catalog ?? CATALOG));
  return { ...report, rollups, seconds: report.seconds + rollups.seconds };
}
