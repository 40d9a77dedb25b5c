// A warehouse holding a generated company for a benchmark: the one given (`--db FILE`, loaded beforehand
// with `tenure generate` then `tenure ingest`, kept — the 1M-customer one takes longer to make than to
// measure), or a company of `customers` generated and loaded into a fresh file (with the rollups a load keeps),
// removed by `close`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { rollupAsksFor } from '../src/compiler/compute.ts';
import { storeRollups } from '../src/compiler/rollups/stored-rollups.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { generateCompany } from '../src/synth/generate.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';

export interface CompanyWarehouse {
  readonly engine: DuckDBEngine;
  readonly customers: number;
  readonly events: number;
  /** Closes the warehouse, and removes it when this benchmark made it. */
  close(): Promise<void>;
}

export async function companyWarehouse(opts: {
  customers: number;
  workDir: string;
  /** Names the generated files and warehouse (company-NAME, NAME.duckdb). */
  name: string;
  db?: string;
}): Promise<CompanyWarehouse> {
  const data = join(opts.workDir, `company-${opts.name}`);
  const db = opts.db ?? join(opts.workDir, `${opts.name}.duckdb`);
  const made = opts.db === undefined;
  if (made) {
    rmSync(data, { recursive: true, force: true });
    rmSync(db, { force: true });
    await generateCompany({ customers: opts.customers, months: 24, seed: 1, out: data });
  }
  const engine = await DuckDBEngine.open(db);
  try {
    if (made) {
      await ingest(engine, { dataDir: data });
      await storeRollups(engine, rollupAsksFor('all'));
      rmSync(data, { recursive: true, force: true });
    }
    const count = async (table: string) =>
      Number((await engine.query(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
    return {
      engine,
      customers: await count('customers'),
      events: await count('events'),
      close: async () => {
        await engine.close();
        if (made) rmSync(db, { force: true });
      },
    };
  } catch (err) {
    await engine.close();
    throw err;
  }
}
