// Peak memory of a full load and of the whole catalog (issue 19, item 3: each within 4 GiB at 1M customers),
// each in a process of its own (memory-step.ts), with DuckDB's memory limit as Tenure sets it and the most
// its spill folder held. The data: a folder of CSV files (`--data DIR`, from `tenure generate`; kept), or a
// company of `customers` generated here and removed after. The warehouse: `--db FILE` (replaced, then kept
// for the other benchmarks), or one made here and removed after.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateCompany } from '../src/synth/generate.ts';
import { machineLine } from './machine.ts';
import type { StepFigures } from './memory-step.ts';
import { writeSection } from './results-file.ts';

const STEP = join(import.meta.dirname, 'memory-step.ts');
const GiB = 1024;

function runStep(args: string[]): StepFigures {
  const run = spawnSync(process.execPath, ['--import', 'tsx', STEP, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 2 ** 24,
  });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    throw new Error(`memory-step ${args[0]} failed (status ${run.status}, signal ${run.signal}): ${last}`);
  }
  return JSON.parse(last) as StepFigures;
}

export async function memoryBench(opts: {
  customers: number;
  workDir: string;
  data?: string;
  db?: string;
}): Promise<void> {
  mkdirSync(opts.workDir, { recursive: true });
  const data = opts.data ?? join(opts.workDir, 'company-memory');
  const db = opts.db ?? join(opts.workDir, 'memory.duckdb');
  if (opts.data === undefined) {
    rmSync(data, { recursive: true, force: true });
    await generateCompany({ customers: opts.customers, months: 24, seed: 1, out: data });
  }
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  try {
    const load = runStep(['load', data, db]);
    const catalog = runStep(['catalog', db]);
    const { customers = 0, events = 0 } = load.loaded ?? {};
    const within = (s: StepFigures) => (s.peakRssMiB <= 4 * GiB ? 'within' : 'over');
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${customers.toLocaleString('en-US')} customers, ${events.toLocaleString('en-US')} events, 24 months (seed 1), CSV files.`,
      `DuckDB's memory limit: ${load.memoryLimit} (${process.env.TENURE_MEMORY_LIMIT ? 'TENURE_MEMORY_LIMIT' : "Tenure's default, a tenth of the machine's memory"}); beyond it DuckDB spills to disk.`,
      '',
      '| step | seconds | peak memory (RSS) | most spilled to disk |',
      '|---|---|---|---|',
      `| a full load (\`tenure ingest\`: validated, published, then the kept rollups: ${load.rollupSeconds?.toFixed(1)} s) | ${load.seconds.toFixed(1)} | ${load.peakRssMiB} MiB | ${load.spilledMiB} MiB |`,
      `| the whole catalog, monthly over 24 months, then by plan, on the kept rollups | ${catalog.seconds.toFixed(1)} | ${catalog.peakRssMiB} MiB | ${catalog.spilledMiB} MiB |`,
      '',
      'Each step runs in a process of its own; its peak memory is that whole process (Node and DuckDB inside it).',
      `Target (issue 19): each within 4 GiB (4096 MiB) at 1M customers / 100M events; here the load is ${within(load)} it, the catalog ${within(catalog)} it.`,
    ];
    console.log(lines.join('\n'));
    writeSection(`Memory, ${customers.toLocaleString('en-US')} customers`, lines.join('\n'));
  } finally {
    if (opts.data === undefined) rmSync(data, { recursive: true, force: true });
    if (opts.db === undefined) rmSync(db, { force: true });
  }
}
