// KPI series: the same computation and the same result rows as `tenure compute --json`, cached per
// warehouse version; and explain, the SQL and rows behind one value.
import type { FastifyInstance } from 'fastify';
import { getDefinition } from '../../catalog/catalog.ts';
import { computeKpis } from '../../compiler/compute.ts';
import { explainKpi } from '../../compiler/explain.ts';
import { crossedBreakdown } from '../../compiler/filters.ts';
import { type Grain, parseInstant, periodsBetween } from '../../compiler/periods.ts';
import { snakeKeys } from '../../results/json-names.ts';
import type { KpiResult } from '../../results/kpi-result.ts';
import { checkCells, checkWork } from '../budget.ts';
import type { ServerContext } from '../context.ts';
import { type Format, format, sendCsv, type Table } from '../csv.ts';
import { by, day, grain, kpiId, parseFilter, type RangeQuery, rangeQuery } from '../schemas.ts';

/** A series' query: a range, and json or csv. */
const seriesQuery = { ...rangeQuery, properties: { ...rangeQuery.properties, format } } as const;

const RESULT_COLUMNS = [
  'kpi',
  'period_start',
  'period_end',
  'segment',
  'value',
  'numerator',
  'denominator',
  'n',
  'flags',
] as const;

/** Result rows as a table; flags joined by spaces. */
const resultTable = (rows: readonly KpiResult[]): Table => ({
  columns: RESULT_COLUMNS,
  rows: rows.map((r) => RESULT_COLUMNS.map((c) => (c === 'flags' ? r.flags.join(' ') : r[c]))),
});

export function kpiRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const series = async (kpis: string[] | 'all', q: RangeQuery) => {
    const key = JSON.stringify([
      'series',
      kpis,
      q.grain,
      q.from,
      q.to,
      q.by ?? null,
      q.filter ?? null,
      q.as_of ?? null,
    ]);
    const count = kpis === 'all' ? ctx.catalog.definitions.length : kpis.length;
    const periods = periodsBetween(q.from, q.to, q.grain).length;
    const filters = parseFilter(q.filter);
    checkCells(count, periods);
    const { value, hit } = await ctx.cached(key, async (engine) => {
      await checkWork(engine, count, periods, crossedBreakdown(filters, q.by));
      return computeKpis(engine, {
        kpis,
        grain: q.grain,
        from: q.from,
        to: q.to,
        by: q.by,
        filters,
        asOf: q.as_of === undefined ? undefined : parseInstant(q.as_of, 'as_of'),
        catalog: ctx.catalog.definitions,
      });
    });
    return { value, hit };
  };

  app.get<{ Params: { id: string }; Querystring: RangeQuery & { format: Format } }>(
    '/api/kpis/:id/series',
    {
      schema: {
        summary:
          'One KPI per period (and segment): the rows `tenure compute --json` prints (format=csv for them as CSV)',
        tags: ['kpis'],
        params: { type: 'object', required: ['id'], properties: { id: kpiId } },
        querystring: seriesQuery,
      },
    },
    async (req, reply) => {
      getDefinition(req.params.id, ctx.catalog.definitions);
      const { format: as, ...q } = req.query;
      const { value, hit } = await series([req.params.id], q);
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      if (as === 'csv')
        return sendCsv(reply, `${req.params.id}-${q.from}-${q.to}-${q.grain}`, resultTable(value));
      return { kpi: req.params.id, ...q, results: value };
    },
  );

  app.get<{ Querystring: RangeQuery & { ids: string; format: Format } }>(
    '/api/kpis',
    {
      schema: {
        summary: 'Several KPIs (comma-separated ids, or all) per period and segment (format=csv for CSV)',
        tags: ['kpis'],
        querystring: {
          ...rangeQuery,
          required: ['ids', 'from', 'to'],
          properties: {
            ...rangeQuery.properties,
            format,
            ids: {
              type: 'string',
              maxLength: 4000,
              pattern: '^(all|[a-z][a-z0-9_]{0,63}(,[a-z][a-z0-9_]{0,63})*)$',
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { ids, format: as, ...q } = req.query;
      const kpis = ids === 'all' ? 'all' : ids.split(',');
      if (kpis !== 'all') for (const id of kpis) getDefinition(id, ctx.catalog.definitions);
      const { value, hit } = await series(kpis, q);
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      if (as === 'csv') return sendCsv(reply, `kpis-${q.from}-${q.to}-${q.grain}`, resultTable(value));
      return { ids: kpis, ...q, results: value };
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { grain: Grain; period?: string; by?: string; sample: number };
  }>(
    '/api/kpis/:id/explain',
    {
      schema: {
        summary: 'The definition, the value for one period, the SQL as run and sample rows behind it',
        tags: ['kpis'],
        params: { type: 'object', required: ['id'], properties: { id: kpiId } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            grain,
            period: day,
            by,
            sample: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const key = JSON.stringify([
        'explain',
        req.params.id,
        q.grain,
        q.period ?? null,
        q.by ?? null,
        q.sample,
      ]);
      const { value } = await ctx.cached(key, async (engine) =>
        snakeKeys(
          await explainKpi(engine, {
            kpi: req.params.id,
            period: q.period,
            grain: q.grain,
            by: q.by,
            sample: q.sample,
            catalog: ctx.catalog.definitions,
          }),
        ),
      );
      return value;
    },
  );
}
