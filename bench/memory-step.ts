// One step of the memory benchmark in a process of its own, so that its peak memory is its own:
//   node --import tsx bench/memory-step.ts load DIR FILE   a full load, as `tenure ingest` runs it (the files
//                                                          validated and published, then the kept rollups)
//   node --import tsx bench/memory-step.ts catalog FILE    the whole catalog monthly over 24 months, then by
//                                                          plan, on the rollups the load kept
// It prints one line of JSON: seconds, the process's peak RSS, DuckDB's memory limit and the most its spill
// folder held.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { activityEventsFor, computeKpis } from '../src/compiler/compute.ts';
import { RunRollups } from '../src/compiler/rollups/run-rollups.ts';
import { loadWarehouse } from '../src/ingest/load-warehouse.ts';
import { DuckDBEngine } from '../src/warehouse/duckdb/duckdb-engine.ts';
import { peakRssMiB } from './machine.ts';

export interface StepFigures {
  readonly seconds: number;
  /** For a load: the part spent rebuilding the kept rollups, and the rows loaded per table. */
  readonly rollupSeconds?: number;
  readonly loaded?: Readonly<Record<string, number>>;
  readonly peakRssMiB: number;
  readonly memoryLimit: string;
  readonly spilledMiB: number;
}

/** The size of the spill folder, sampled every half second while `work` runs: the most it held. */
async function watchingSpill<T>(folder: string, work: () => Promise<T>): Promise<[T, number]> {
  let most = 0;
  const sample = () => {
    try {
      const bytes = readdirSync(folder).reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
      most = Math.max(most, bytes);
    } catch {
      // Not made yet (nothing spilled), or removed between the listing and the stat.
    }
  };
  const timer = setInterval(sample, 500);
  try {
    return [await work(), Math.round(most / 2 ** 20)];
  } finally {
    clearInterval(timer);
  }
}

async function catalogRuns(engine: DuckDBEngine): Promise<void> {
  const request = { from: '2024-01-01', to: '2025-12-31', grain: 'month' as const, kpis: 'all' as const };
  for (const by of [undefined, 'plan']) {
    const rollups = new RunRollups(engine, activityEventsFor('all'), { useStored: true });
    try {
      await computeKpis(engine, { ...request, by, keep: false }, rollups);
    } finally {
      await rollups.drop();
    }
  }
}

const [step, ...args] = process.argv.slice(2);
const file = step === 'load' ? args[1] : args[0];
if ((step !== 'load' && step !== 'catalog') || !file || (step === 'load' && !args[0])) {
  console.error('usage: memory-step.ts load DIR FILE | catalog FILE');
  process.exit(2);
}
const engine = await DuckDBEngine.open(file);
try {
  const start = performance.now();
  const [load, spilledMiB] = await watchingSpill(engine.memory.spillDirectory, async () => {
    if (step === 'catalog') return catalogRuns(engine).then(() => undefined);
    return loadWarehouse(engine, { dataDir: args[0] as string });
  });
  const figures: StepFigures = {
    seconds: (performance.now() - start) / 1000,
    ...(load === undefined
      ? {}
      : {
          rollupSeconds: load.rollups.seconds,
          loaded: Object.fromEntries(Object.entries(load.tables).map(([t, r]) => [t, r.loaded])),
        }),
    peakRssMiB: peakRssMiB(),
    memoryLimit: engine.memory.memoryLimit,
    spilledMiB,
  };
  console.log(JSON.stringify(figures));
} finally {
  await engine.close();
}
