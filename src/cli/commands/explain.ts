// `tenure explain ID [--db FILE|URL | --data DIR] [--period YYYY-MM-DD] [--grain G] [--by DIM]
// [--rows numerator|denominator [--limit N]]`: the definition, its parameters and lineage, the SQL that
// computes it (as run, with its bound values), the value it gives, and a sample of the rows behind it; with
// --rows, the customers its numerator or denominator is made of (what GET /api/explain/rows lists).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { getDefinition } from '../../catalog/catalog.ts';
import { explainRows, type RowsAnswer, SIDES, type Side } from '../../compiler/drill/explain-rows.ts';
import { explainKpi, type SampleTable } from '../../compiler/explain.ts';
import type { Grain } from '../../compiler/periods.ts';
import { badInput } from '../../errors/tenure-error.ts';
import { ingest } from '../../ingest/ingest.ts';
import { DEFAULT_CURRENCY, formatNumber, formatValue } from '../../results/format.ts';
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
  rows?: string;
  limit: string;
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

/** The customers behind one side of the value, as a table (money in the project's currency). */
function formatRows(r: RowsAnswer, currency: string): string {
  const money = (v: number) => formatValue(v, 'currency', { currency });
  const head = `customers in the ${r.side} (${r.total}${r.total > r.rows.length ? `, the first ${r.rows.length} listed` : ''}); ${r.name} = ${formatNumber(r.numerator)} / ${formatNumber(r.denominator)}`;
  const table = formatTable(
    ['customer', 'adds', 'mrr_start', 'mrr_end', 'movement', 'plan', 'channel', 'country', 'tenure_months'],
    r.rows.map((x) => [
      x.customer_id,
      r.unit === 'currency' ? money(x.contribution) : x.contribution,
      money(x.mrr_start),
      money(x.mrr_end),
      x.movement,
      x.plan,
      x.channel,
      x.country,
      x.tenure_months,
    ]),
  );
  return `${head}\n${r.rows.length ? table : '  no customers'}`;
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
    .option('--rows <side>', 'also list the customers behind the numerator or the denominator')
    .option('--limit <n>', 'customers to list with --rows', '20')
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
        if (opts.rows !== undefined) {
          if (!(SIDES as readonly string[]).includes(opts.rows))
            throw badInput(`--rows must be numerator or denominator, not '${opts.rows}'`, {
              field: '--rows',
            });
          const rows = await explainRows(engine, {
            result: kpi,
            side: opts.rows as Side,
            grain: opts.grain as Grain,
            period: opts.period,
            limit: Number(opts.limit),
            offset: 0,
            catalog: resolved.definitions,
          });
          out.push('', formatRows(rows, resolved.currency ?? DEFAULT_CURRENCY));
        }
      });
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
