// The drill-down: `GET /api/explain/rows`, the customers behind any listed result's numerator or
// denominator in one period (src/compiler/drill), a page at a time with the total count, as JSON or CSV.
// Each row also carries the customer's churn risk as the risk model (routes/risk.ts, trained once per
// warehouse version) scores it at the period's start: what the model saw coming.
import type { FastifyInstance } from 'fastify';
import {
  type CustomerRow,
  DRILLABLE,
  explainRows,
  MAX_ROWS,
  ROW_SORTS,
  type RowSort,
  SIDES,
  type Side,
} from '../../compiler/drill/explain-rows.ts';
import type { Grain } from '../../compiler/periods.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { predict } from '../../risk/model.ts';
import { DEFAULT_HORIZON_DAYS, featureRows } from '../../risk/risk.ts';
import type { ServerContext } from '../context.ts';
import { type Format, format, sendCsv } from '../csv.ts';
import { day, filter, grain, parseFilter } from '../schemas.ts';
import { riskModel } from './risk.ts';

interface RowsQuery {
  result: string;
  side: Side;
  grain: Grain;
  period?: string;
  filter?: string;
  sort: RowSort;
  age?: number;
  limit: number;
  offset: number;
  format: Format;
}

const rowsQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['result'],
  properties: {
    result: {
      type: 'string',
      maxLength: 130,
      pattern: '^[a-z][a-z0-9_]{0,63}(\\.[a-z][a-z0-9_]{0,63})?$',
      description: `a KPI id, a sub-result (mrr.arpa), a bar of the MRR bridge (mrr_bridge.churn_mrr) or a cell of the cohorts of first payments (paying_cohorts.retention with period and age); listed now: ${DRILLABLE.join(', ')}`,
    },
    side: { type: 'string', enum: [...SIDES], default: 'numerator', description: 'whose rows to list' },
    grain,
    period: { ...day, description: 'a day in the period (default: the last complete period)' },
    filter,
    sort: {
      type: 'string',
      enum: [...ROW_SORTS],
      default: 'contribution',
      description: 'the order of the rows',
    },
    age: {
      type: 'integer',
      minimum: 0,
      maximum: 600,
      description: "a cohort cell's age (paying_cohorts.*): periods after the cohort's",
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_ROWS, default: 100, description: 'rows to list' },
    offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0, description: 'rows to skip' },
    format,
  },
} as const;

/** What the risk model says about the listed customers at `periodStart` (absent: no model can be trained). */
async function riskAt(
  ctx: ServerContext,
  periodStart: string,
): Promise<{ scores: Map<string, number>; note: string | null }> {
  let model: Awaited<ReturnType<typeof riskModel>>['value'];
  try {
    ({ value: model } = await riskModel(ctx, DEFAULT_HORIZON_DAYS, undefined));
  } catch (err) {
    // Too little history for a model is no reason to withhold the customers.
    if (err instanceof TenureError && err.code === 'bad_input')
      return { scores: new Map(), note: `no churn-risk score: ${err.message}` };
    throw err;
  }
  const snapshot = Math.floor(Date.parse(periodStart) / 86_400_000);
  const { value } = await ctx.cached(
    JSON.stringify(['risk-at', DEFAULT_HORIZON_DAYS, snapshot]),
    async (e) => {
      const rows = await featureRows(e, [snapshot], model.trained.horizonDays, model.trained.events);
      const p = predict(model.trained.model, rows);
      return rows.map((r, i) => [r.customer_id, p[i] ?? 0] as const);
    },
  );
  return { scores: new Map(value), note: null };
}

/** A listed customer with its churn risk at the period's start (null: not paying then, or no model). */
type ListedRow = CustomerRow & { churn_risk: number | null };

const COLUMNS: readonly (keyof ListedRow)[] = [
  'customer_id',
  'contribution',
  'mrr_start',
  'mrr_end',
  'movement',
  'plan',
  'channel',
  'country',
  'signed_up_at',
  'first_paid_at',
  'tenure_months',
  'churn_risk',
];

export function rowsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: RowsQuery }>(
    '/api/explain/rows',
    {
      schema: {
        summary:
          "The customers behind a result's numerator or denominator in one period: what each adds, MRR at the period's start and end, movement, plan, channel, country, tenure and churn risk; a page of rows with the total (format=csv for the same rows as CSV)",
        tags: ['kpis'],
        querystring: rowsQuery,
      },
    },
    async (req, reply) => {
      const { format: as, ...q } = req.query;
      const { value, hit } = await ctx.cached(JSON.stringify(['rows', q]), (engine) =>
        explainRows(engine, {
          result: q.result,
          side: q.side,
          grain: q.grain,
          period: q.period,
          filters: parseFilter(q.filter),
          sort: q.sort,
          age: q.age,
          limit: q.limit,
          offset: q.offset,
          catalog: ctx.catalog.definitions,
        }),
      );
      // Scored at the period's start (a cohort cell: at its end, for the members still paying then).
      const scoredAt = value.cell_end ?? value.period_start;
      const risk = value.rows.length === 0 ? { scores: new Map(), note: null } : await riskAt(ctx, scoredAt);
      const rows: ListedRow[] = value.rows.map((r) => ({
        ...r,
        churn_risk: risk.scores.get(r.customer_id) ?? null,
      }));
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      if (as === 'json')
        return {
          ...value,
          rows,
          risk: { horizon_days: DEFAULT_HORIZON_DAYS, scored_at: scoredAt, note: risk.note },
        };
      return sendCsv(reply, `${q.result}-${value.period_start.slice(0, 10)}-${q.side}`, {
        columns: COLUMNS,
        rows: rows.map((r) => COLUMNS.map((c) => r[c])),
      });
    },
  );
}
