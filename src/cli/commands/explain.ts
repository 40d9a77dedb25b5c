// `tenure explain ID [--db FILE|URL | --data DIR] [--period YYYY-MM-DD] [--grain G] [--by DIM]`: the
// definition, its parameters and lineage, the SQL that computes it (as run, with its bound values), the
// value it gives, and a sample of the rows behind it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { getDefinition } from '../../catalog/catalog.ts';
import { explainKpi, type SampleTable } from '../../compiler/explain.ts';
import type { Grain } from '../../compiler/periods.ts';
import { ingest } from '../../ingest/ingest.ts';
import { DuckDBEngine } from '../../warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable } from '../output.ts';
import { describeDefinition, resolveCatalog } from './catalog.ts';
import { formatResults } from './compute.ts';

interface ExplainOptions {
  db?: string;
  data?: string;
  period?: string;
  grain: string;
  by?: string;
  project?: string;
  sample: string;
}

async function withWarehouse<T>(opts: ExplainOptions, work: (engine: Engine) => Promise<T>): Promise<T> {
  if (opts.data !== undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'tenure-explain-'));
    const engine = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
    try {
      await ingest(engine, { dataDir: opts.data });
      return await work(engine);
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const engine = await openWarehouse(opts.db ?? './tenure.duckdb', { mustExist: true });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** Each sampled table as text: its name, how rows were chosen, and the rows. */
function formatSamples(samples: readonly SampleTable[]): string {
  return samples
    .map((t) => {
      const shown = t.rows.map((r) =>
        r.map((v) =>
          v === null ? null : typeof v === 'object' ? JSON.stringify(v) : (v as string | number),
        ),
      );
      const how = t.time_column ? ` (${t.time_column} in the period)` : '';
      return `${t.table}${how}:\n${t.rows.length ? formatTable(t.columns, shown) : '  no rows'}`;
    })
    .join('\n\n');
}

export function registerExplain(program: Command): void {
  program
    .command('explain <kpi>')
    .description('Show a KPI: definition, parameters, lineage, the SQL it runs, its value and rows behind it')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL (default ./tenure.duckdb)')
    .option('--data <dir>', 'a folder of canonical files, loaded into a temporary warehouse first')
    .option('--period <date>', 'a day in the period to explain (default: the last complete month)')
    .option('--grain <grain>', 'day, week, month, quarter or year', 'month')
    .option(
      '--by <dimension>',
      "break down by plan, channel, country, referred, signup_cohort, attributes.KEY (a key of the customers' attributes), or lifecycle or rfm (each customer's stage or RFM group in each period)",
    )
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--sample <n>', 'rows to show per table', '10')
    .action(async (kpi: string, opts: ExplainOptions) => {
      const resolved = await resolveCatalog(opts.project);
      const def = getDefinition(kpi, resolved.definitions);
      const overridden = resolved.applied.filter((a) => a.kpi === kpi).map((a) => a.param);
      const out: string[] = [describeDefinition(def, overridden)];
      await withWarehouse(opts, async (engine) => {
        const e = await explainKpi(engine, {
          kpi,
          period: opts.period,
          grain: opts.grain as Grain,
          by: opts.by,
          catalog: resolved.definitions,
          sample: Number(opts.sample) || 10,
        });
        out.push(
          '',
          `value (data up to ${e.as_of})`,
          formatResults(e.results, resolved.definitions, resolved.currency),
        );
        out.push('', 'SQL, as run (values bound to the numbered placeholders)');
        for (const s of e.statements) out.push('', s.sql, `-- bound: ${JSON.stringify(s.params)}`);
        if (e.samples.length) {
          out.push('', 'rows behind it (a sample of each table it reads)', formatSamples(e.samples));
        }
      });
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
