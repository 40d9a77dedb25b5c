// ClickHouse beside DuckDB (issue 18): the whole catalog computed on chDB (the current ClickHouse engine,
// embedded) and on DuckDB from the same generated company, in the same run; and the per-user-day event
// rollup (the scan that dominates at scale) built on a real two-shard cluster of Debian's ClickHouse
// servers beside one of those servers alone, from the same events. Ratios are against the baseline
// measured in the same run: DuckDB for the catalog, one server for the rollup.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeKpis } from '../src/compiler/compute.ts';
import { loadWarehouse } from '../src/ingest/load-warehouse.ts';
import { ingestInto } from '../src/ingest/publish-target.ts';
import { defaultRange } from '../src/server/default-range.ts';
import { generateCompany } from '../src/synth/generate.ts';
import { ClickHouseEngine } from '../src/warehouse/clickhouse/clickhouse-engine.ts';
import { buildUserDays } from '../src/warehouse/clickhouse/clickhouse-rollups.ts';
import type { Engine } from '../src/warehouse/engine.ts';
import { clickhouseUnavailable, startClickHouseCluster } from '../test/support/clickhouse-cluster.ts';
import { companyWarehouse } from './company-warehouse.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const seconds = (start: number) => (performance.now() - start) / 1000;

/** The whole catalog monthly over the dashboard's default range (12 months), timed. */
async function wholeCatalog(engine: Engine): Promise<{ seconds: number; results: number }> {
  const [row] = await engine.query<{ t: string | null }>(
    'SELECT max(effective_at) AS t FROM subscription_changes',
  );
  const range = defaultRange(row?.t ?? null);
  const start = performance.now();
  const results = await computeKpis(engine, { kpis: 'all', ...range, grain: 'month', keep: false });
  return { seconds: seconds(start), results: results.length };
}

/** Rebuilds the kept user-days rollup from scratch (its listing cleared), timed. */
async function rebuildUserDays(engine: ClickHouseEngine): Promise<{ seconds: number; rows: number }> {
  await engine.run('DROP TABLE IF EXISTS tenure_rollups');
  const built = await buildUserDays(engine);
  const [row] = await engine.query(`SELECT count() AS n FROM ${built.table}`);
  return { seconds: built.seconds, rows: Number(row?.n ?? 0) };
}

export async function clickhouseBench(opts: {
  customers: number;
  clusterCustomers: number;
  workDir: string;
}): Promise<void> {
  const lines = [`Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`, ''];

  // The catalog: DuckDB (as after a load, with the rollups a load keeps) and chDB from the same files.
  const data = join(opts.workDir, 'company-clickhouse');
  rmSync(data, { recursive: true, force: true });
  await generateCompany({ customers: opts.customers, months: 24, seed: 1, out: data });
  const duck = await companyWarehouse({ ...opts, name: 'clickhouse-duck' });
  const chdbPath = join(opts.workDir, 'clickhouse-chdb');
  rmSync(chdbPath, { recursive: true, force: true });
  const chdb = await ClickHouseEngine.open(`chdb://${chdbPath}`);
  try {
    const start = performance.now();
    // As `tenure ingest` loads it: validated, published, then the user days ClickHouse keeps.
    await loadWarehouse(chdb, { dataDir: data });
    const chdbLoad = seconds(start);
    const onDuck = await wholeCatalog(duck.engine);
    const onChdb = await wholeCatalog(chdb);
    const chdbRollup = await rebuildUserDays(chdb);
    lines.push(
      `Company: ${duck.customers.toLocaleString('en-US')} customers, ${duck.events.toLocaleString('en-US')} events, 24 months (seed 1).`,
      'The whole catalog (every KPI, monthly over the 12 months the dashboard opens on), computed once per engine:',
      '',
      '| engine | results | seconds | ratio to DuckDB |',
      '|---|---|---|---|',
      `| DuckDB (with the rollups its load keeps) | ${onDuck.results} | ${onDuck.seconds.toFixed(1)} | 1.00 |`,
      `| ClickHouse ${chdb.version} (chDB, embedded; with the user days its load keeps) | ${onChdb.results} | ${onChdb.seconds.toFixed(1)} | ${(onChdb.seconds / onDuck.seconds).toFixed(2)} |`,
      '',
      `Loading the same files into chDB (validated in DuckDB, inserted in batches, then its user days kept): ${chdbLoad.toFixed(0)} s.`,
      `The per-user-day rollup on chDB alone (one pass over the events: ${chdbRollup.rows.toLocaleString('en-US')} user days): ${chdbRollup.seconds.toFixed(1)} s, ${Math.round(duck.events / chdbRollup.seconds).toLocaleString('en-US')} events/s.`,
      '',
    );
    console.log(lines.join('\n'));
  } finally {
    await chdb.close();
    await duck.close();
    rmSync(chdbPath, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }

  // The rollup on a two-shard cluster beside one server, from the same events.
  const unavailable = clickhouseUnavailable();
  if (unavailable) {
    lines.push(`Cluster rollup: not measured (${unavailable}).`);
  } else {
    const small = join(opts.workDir, 'company-clickhouse-cluster');
    rmSync(small, { recursive: true, force: true });
    await generateCompany({ customers: opts.clusterCustomers, months: 24, seed: 1, out: small });
    const cluster = await startClickHouseCluster();
    try {
      const clusterUrl = await cluster.createDatabase('bench_cluster');
      const singleUrl = (await cluster.createDatabase('bench_single')).replace(/\?.*$/, '');
      const onCluster = await ClickHouseEngine.open(clusterUrl);
      const onOne = await ClickHouseEngine.open(singleUrl);
      try {
        await ingestInto(onOne, { dataDir: small });
        await ingestInto(onCluster, { dataDir: small });
        const [events] = await onOne.query('SELECT count() AS n FROM events');
        const n = Number(events?.n ?? 0);
        const one = await rebuildUserDays(onOne);
        const two = await rebuildUserDays(onCluster);
        const rate = (s: number) => Math.round(n / s).toLocaleString('en-US');
        lines.push(
          `Per-user-day rollup (clickhouse-rollups.ts) over ${n.toLocaleString('en-US')} events (${opts.clusterCustomers.toLocaleString('en-US')} customers), ClickHouse ${onOne.version} servers on this machine:`,
          '',
          '| where | user days | seconds | events/s | ratio to one server |',
          '|---|---|---|---|---|',
          `| one server | ${one.rows.toLocaleString('en-US')} | ${one.seconds.toFixed(2)} | ${rate(one.seconds)} | 1.00 |`,
          `| two shards (each aggregates its own customers) | ${two.rows.toLocaleString('en-US')} | ${two.seconds.toFixed(2)} | ${rate(two.seconds)} | ${(two.seconds / one.seconds).toFixed(2)} |`,
          '',
          'Both shards run on the same 2 cores here, so the cluster cannot be faster than one server on this',
          'machine; what it shows is that the work splits with no row moving between servers (docs/scaling.md).',
        );
      } finally {
        await onCluster.close();
        await onOne.close();
      }
    } finally {
      await cluster.stop();
      rmSync(small, { recursive: true, force: true });
    }
  }
  lines.push('', `Peak memory: ${peakRssMiB()} MiB.`);
  console.log(lines.join('\n'));
  writeSection(
    `ClickHouse beside DuckDB, ${opts.customers.toLocaleString('en-US')} customers`,
    lines.join('\n'),
  );
}
