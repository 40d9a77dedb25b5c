// `npm run bench [-- NAME] [--customers N] [--db FILE (api, catalog, daily, experiments, metrics, overview: a loaded warehouse, kept; memory: the warehouse to load, kept)] [--data DIR (memory: CSV files to load)] [--light (api: without the stall test)] [--format csv|parquet (ingest: one format only)]`: runs the benchmarks and records them in bench/RESULTS.md.
// Without a NAME every benchmark runs, each in a process of its own so that peak memory is its own.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAnomalyBench } from './anomaly-bench.ts';
import { apiBench } from './api-bench.ts';
import { catalogBench } from './catalog-bench.ts';
import { clickhouseBench } from './clickhouse-bench.ts';
import { dailyLoadBench } from './daily-load-bench.ts';
import { experimentsBench } from './experiments-bench.ts';
import { ingestBench } from './ingest-bench.ts';
import { memoryBench } from './memory-bench.ts';
import { metricsBench } from './metrics-bench.ts';
import { modelsBench } from './models-bench.ts';
import { overviewBench } from './overview-bench.ts';
import { riskBench } from './risk-bench.ts';
import { scaleBench } from './scale-bench.ts';

const BENCHES = {
  ingest: (customers?: number) =>
    ingestBench({
      customers: customers ?? 100_000,
      workDir,
      formats: values.format === undefined ? undefined : [fileFormat(values.format)],
    }),
  scale: (customers?: number) => scaleBench({ customers: customers ?? 1_000_000, workDir }),
  catalog: (customers?: number) => catalogBench({ customers: customers ?? 100_000, workDir, db: values.db }),
  anomaly: async () => runAnomalyBench(),
  api: (customers?: number) =>
    apiBench({ customers: customers ?? 100_000, workDir, db: values.db, light: values.light }),
  overview: (customers?: number) =>
    overviewBench({ customers: customers ?? 100_000, workDir, db: values.db }),
  risk: (customers?: number) => riskBench({ customers: customers ?? 100_000, workDir }),
  models: (customers?: number) => modelsBench({ customers: customers ?? 1_000_000, workDir }),
  clickhouse: (customers?: number) =>
    clickhouseBench({
      customers: customers ?? 100_000,
      clusterCustomers: Math.min(20_000, customers ?? 100_000),
      workDir,
    }),
  experiments: (customers?: number) =>
    experimentsBench({ customers: customers ?? 100_000, workDir, db: values.db }),
  daily: (customers?: number) => dailyLoadBench({ customers: customers ?? 100_000, workDir, db: values.db }),
  metrics: (customers?: number) => metricsBench({ customers: customers ?? 100_000, workDir, db: values.db }),
  memory: (customers?: number) =>
    memoryBench({ customers: customers ?? 100_000, workDir, data: values.data, db: values.db }),
} as const;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    customers: { type: 'string' },
    db: { type: 'string' },
    data: { type: 'string' },
    light: { type: 'boolean' },
    format: { type: 'string' },
  },
});
const workDir = join(import.meta.dirname, 'out');

/** `--format`: csv or parquet; anything else stops the run with what to give instead. */
function fileFormat(value: string): 'csv' | 'parquet' {
  if (value === 'csv' || value === 'parquet') return value;
  console.error(`bench: --format must be csv or parquet, not '${value}'`);
  process.exit(2);
}
const wanted = positionals[0];

if (wanted === undefined) {
  for (const name of Object.keys(BENCHES)) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run.ts'), name], {
      stdio: 'inherit',
    });
    if (run.status !== 0) process.exitCode = 1;
  }
} else if (wanted in BENCHES) {
  const customers = values.customers === undefined ? undefined : Number(values.customers);
  await BENCHES[wanted as keyof typeof BENCHES](customers);
} else {
  console.error(`unknown benchmark ${wanted}; choose one of ${Object.keys(BENCHES).join(', ')}`);
  process.exitCode = 2;
}
