// `npm run bench [-- NAME] [--customers N]`: runs the benchmarks and records them in bench/RESULTS.md.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ingestBench } from './ingest-bench.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { customers: { type: 'string', default: '100000' } },
});
const workDir = join(import.meta.dirname, 'out');
const wanted = positionals[0] ?? 'all';

if (wanted === 'all' || wanted === 'ingest') {
  await ingestBench({ customers: Number(values.customers), workDir });
}
