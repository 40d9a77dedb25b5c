// The generator at the scale later benchmarks use (1M customers, ~100M events): it must stream, so its peak
// memory stays flat whatever the size. Writes nothing to keep: the output is removed afterwards.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateCompany } from '../src/synth/generate.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

export async function scaleBench(opts: { customers: number; workDir: string }): Promise<void> {
  const out = join(opts.workDir, 'company-scale');
  rmSync(out, { recursive: true, force: true });
  const start = performance.now();
  const summary = await generateCompany({
    customers: opts.customers,
    months: 24,
    seed: 1,
    out,
    format: 'csv',
  });
  const seconds = (performance.now() - start) / 1000;
  rmSync(out, { recursive: true, force: true });
  const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
  const lines = [
    `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| customers | events | all rows | seconds | rate | peak memory |',
    '|---|---|---|---|---|---|',
    `| ${opts.customers.toLocaleString('en-US')} | ${summary.tables.events.toLocaleString('en-US')} | ${rows.toLocaleString('en-US')} | ${seconds.toFixed(0)} | ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s | ${peakRssMiB()} MiB |`,
    '',
    'The generator streams customer by customer into buffered file writers, so memory does not grow with size.',
  ];
  console.log(lines.join('\n'));
  writeSection('Generation at scale', lines.join('\n'));
}
