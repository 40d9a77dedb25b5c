// What stands behind a KPI's value: its definition, the value for one period, the SQL that computed it as
// run (with its bound values and timings), and a sample of the rows of each table it reads in that period.
// The CLI prints it; the API returns it.
import type { Catalog } from '../catalog/catalog.ts';
import { getDefinition } from '../catalog/catalog.ts';
import type { KpiDefinition, Lineage } from '../catalog/definition.ts';
import { badInput } from '../errors/tenure-error.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import { tableSpec } from '../schema/tables.ts';
import type { BindValue, Engine, SqlValue } from '../warehouse/engine.ts';
import { RecordingEngine } from '../warehouse/recording-engine.ts';
import { dataAsOf } from './as-of.ts';
import { computeKpis } from './compute.ts';
import { type Grain, periodStart } from './periods.ts';

export interface ExplainRequest {
  readonly kpi: string;
  /** A day (YYYY-MM-DD) in the period to explain; default: the last complete period before the data's end. */
  readonly period?: string;
  readonly grain: Grain;
  readonly by?: string;
  readonly catalog: Catalog;
  /** Rows to show per table. */
  readonly sample: number;
}

export interface SampleTable {
  readonly table: string;
  /** The time column that placed rows in the period, when the table has one. */
  readonly time_column: string | null;
  readonly columns: string[];
  readonly rows: SqlValue[][];
}

export interface Explanation {
  readonly definition: KpiDefinition;
  readonly as_of: string;
  readonly results: KpiResult[];
  readonly statements: { sql: string; params: readonly BindValue[]; seconds: number | null }[];
  readonly samples: SampleTable[];
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
): Promise<SampleTable[]> {
  const out: SampleTable[] = [];
  for (const l of lineage) {
    const time = timeColumn(l);
    const columns = [...new Set([...tableSpec(l.table).key, ...l.columns])];
    const quoted = columns.map((c) => engine.dialect.quoteIdentifier(c)).join(', ');
    const where = time
      ? `WHERE ${engine.dialect.quoteIdentifier(time)} >= ${engine.dialect.cast('$1', 'timestamp')} AND ${engine.dialect.quoteIdentifier(time)} < ${engine.dialect.cast('$2', 'timestamp')}`
      : '';
    const bound = time ? [start, end, limit] : [limit];
    const rows = await engine.query(
      `SELECT ${quoted} FROM ${engine.dialect.quoteIdentifier(l.table)} ${where} ORDER BY ${quoted} LIMIT ${engine.dialect.placeholder(bound.length)}`,
      bound,
    );
    out.push({
      table: l.table,
      time_column: time ?? null,
      columns,
      rows: rows.map((r) => columns.map((c) => r[c] ?? null)),
    });
  }
  return out;
}

export async function explainKpi(engine: Engine, req: ExplainRequest): Promise<Explanation> {
  const definition = getDefinition(req.kpi, req.catalog);
  if (!Number.isInteger(req.sample) || req.sample < 0 || req.sample > 1000)
    throw badInput(`sample must be a whole number from 0 to 1000, not ${req.sample}`, { field: 'sample' });
  const asOf = (await dataAsOf(engine)) ?? new Date().toISOString();
  const day =
    req.period ??
    periodStart(new Date(periodStart(new Date(asOf), req.grain).getTime() - 1), req.grain)
      .toISOString()
      .slice(0, 10);
  const recorder = new RecordingEngine(engine);
  const results = await computeKpis(recorder, {
    kpis: [req.kpi],
    from: day,
    to: day,
    grain: req.grain,
    by: req.by,
    asOf,
    catalog: req.catalog,
    keep: false, // the SQL as run, not a kept result
  });
  const first = results[0];
  return {
    definition,
    as_of: asOf,
    results,
    statements: recorder.statements.map((s) => ({
      sql: s.sql.trim(),
      params: s.params,
      seconds: s.seconds ?? null,
    })),
    samples: first
      ? await sampleRows(engine, definition.lineage, first.period_start, first.period_end, req.sample)
      : [],
  };
}
