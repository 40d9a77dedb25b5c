// `tenure explain ID [--db FILE|URL | --data DIR] [--period YYYY-MM-DD] [--grain G] [--by DIM]`: the
// definition, its parameters and lineage, the SQL that computes it (as run, with its bound values), the
// value it gives, and a sample of the rows behind it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { getDefinition } from '../../catalog/catalog.ts';
import type { Lineage } from '../../catalog/definition.ts';
import { dataAsOf } from '../../compiler/as-of.ts';
import { computeKpis } from '../../compiler/compute.ts';
import { type Grain, periodStart } from '../../compiler/periods.ts';
import { ingest } from '../../ingest/ingest.ts';
import { tableSpec } from '../../schema/tables.ts';
import { DuckDBEngine } from '../../warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { RecordingEngine } from '../../warehouse/recording-engine.ts';
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

/** The first observed moment of a lineage table, to pick the rows that fall in the period. */
function timeColumn(lineage: Lineage): string | undefined {
  const spec = tableSpec(lineage.table);
  return spec.columns.find((c) => (c.kind === 'timestamp' || c.kind === 'date') && !c.scheduled)?.name;
}

/** Up to `limit` rows of each table the KPI reads, in the period where the table has a time column. */
async function sampleRows(
  engine: Engine,
  lineage: readonly Lineage[],
  start: string,
  end: string,
  limit: number,
) {
  const parts: string[] = [];
  for (const l of lineage) {
    const time = timeColumn(l);
    const cols = [...new Set([...tableSpec(l.table).key, ...l.columns])];
    const where = time
      ? `WHERE "${time}" >= CAST($1 AS TIMESTAMPTZ) AND "${time}" < CAST($2 AS TIMESTAMPTZ)`
      : '';
    const rows = await engine.query(
      `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${l.table}" ${where} ORDER BY ${cols.map((c) => `"${c}"`).join(', ')} LIMIT ${limit}`,
      time ? [start, end] : [],
    );
    const shown = rows.map((r) =>
      cols.map((c) =>
        r[c] === null ? null : typeof r[c] === 'object' ? JSON.stringify(r[c]) : (r[c] as string | number),
      ),
    );
    parts.push(
      `${l.table}${time ? ` (${time} in the period)` : ''}:\n${rows.length ? formatTable(cols, shown) : '  no rows'}`,
    );
  }
  return parts.join('\n\n');
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
      "break down by plan, channel, country, referred, signup_cohort or attributes.KEY (a key of the customers' attributes)",
    )
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option('--sample <n>', 'rows to show per table', '10')
    .action(async (kpi: string, opts: ExplainOptions) => {
      const resolved = await resolveCatalog(opts.project);
      const def = getDefinition(kpi, resolved.definitions);
      const overridden = resolved.applied.filter((a) => a.kpi === kpi).map((a) => a.param);
      const out: string[] = [describeDefinition(def, overridden)];
      await withWarehouse(opts, async (engine) => {
        const asOf = (await dataAsOf(engine)) ?? new Date().toISOString();
        const grain = opts.grain as Grain;
        const day =
          opts.period ??
          periodStart(new Date(Date.parse(periodStart(new Date(asOf), grain).toISOString()) - 1), grain)
            .toISOString()
            .slice(0, 10);
        const recorder = new RecordingEngine(engine);
        const rows = await computeKpis(recorder, {
          kpis: [kpi],
          from: day,
          to: day,
          grain,
          by: opts.by,
          asOf,
          catalog: resolved.definitions,
        });
        const first = rows[0];
        out.push('', `value (data up to ${asOf})`, formatResults(rows));
        out.push('', 'SQL, as run (values bound to the numbered placeholders)');
        for (const s of recorder.statements) {
          out.push('', s.sql.trim(), `-- bound: ${JSON.stringify(s.params)}`);
        }
        if (first) {
          out.push('', 'rows behind it (a sample of each table it reads)');
          out.push(
            await sampleRows(
              engine,
              def.lineage,
              first.period_start,
              first.period_end,
              Number(opts.sample) || 10,
            ),
          );
        }
      });
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
