// The analyst views over the API: MRR bridge, signup-cohort matrices, activation cohorts' day-N
// retention, user lifecycle and funnel steps — each cached per warehouse version. Each view takes only the
// parameters it applies (a breakdown, as_of, a grain): any other is refused with a 400 naming it, never
// accepted and ignored. Only the MRR bridge takes `filter` (a slice of the customers), as the KPI series do.
// A view that shares a KPI's SQL takes that KPI's parameters from the project's catalog (activation cohorts:
// activation_cohort_retention's milestones, active events, days and mode; the funnel: drop_off_rate's
// steps and window; the lifecycle: stickiness_ratio's active events), so a project's own events reach it.
import type { FastifyInstance } from 'fastify';
import { asOfOrDataEnd } from '../../compiler/as-of.ts';
import { kpiFamilyParams } from '../../compiler/compute.ts';
import { DEFAULT_ACTIVATION_PARAMS } from '../../compiler/kpis/activation.ts';
import { DEFAULT_USAGE_PARAMS } from '../../compiler/kpis/usage.ts';
import { periodsBetween } from '../../compiler/periods.ts';
import { DEFAULT_RFM_WINDOW_DAYS } from '../../compiler/segments.ts';
import { activationCohorts } from '../../compiler/views/activation-cohorts.ts';
import { cohortMatrix } from '../../compiler/views/cohort-matrix.ts';
import { COHORT_GRAINS } from '../../compiler/views/cohort-periods.ts';
import { funnelSteps } from '../../compiler/views/funnel.ts';
import { userLifecycle } from '../../compiler/views/lifecycle.ts';
import { mrrBridge } from '../../compiler/views/mrr-bridge.ts';
import { payingCohorts } from '../../compiler/views/paying-cohorts.ts';
import type { Engine } from '../../warehouse/engine.ts';
import type { ServerContext } from '../context.ts';
import { type Format, format, sendCsv, tableOf } from '../csv.ts';
import { asOf, by, customerBy, day, filter, grain, parseFilter, type RangeQuery } from '../schemas.ts';

/** Cohorts by day would be hundreds of rows of a few customers each: week is the finest. */
const cohortGrain = { type: 'string', enum: [...COHORT_GRAINS], default: 'month' } as const;

/** A view's query: from and to, and the parameters it applies. */
const viewQuery = (properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: day, to: day, ...properties, format },
});

/** A view's table: its rows, or the cohorts of a cohort view (each cell a row), as CSV. */
function viewTable(value: unknown) {
  if (Array.isArray(value)) return tableOf(value);
  const record = (value ?? {}) as Record<string, unknown>;
  const list = Array.isArray(record.cohorts) ? record.cohorts : Object.values(record).find(Array.isArray);
  return tableOf(list ?? []);
}

/** What both cohort views are asked: the range, its grain, the breakdown and the data's end. */
const cohortRequest = async (e: Engine, q: RangeQuery) => ({
  from: q.from,
  to: q.to,
  grain: q.grain,
  by: q.by,
  asOf: await asOfOrDataEnd(e, q.as_of),
});

export function viewRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const paramsOf = <P extends object>(id: string, defaults: P) =>
    kpiFamilyParams(ctx.catalog.definitions, id, defaults);
  // A breakdown by rfm scores over the project's window, as customer segmentation does.
  const rfm = () => paramsOf('customer_segmentation', { rfmWindowDays: DEFAULT_RFM_WINDOW_DAYS });
  const view = <T>(
    path: string,
    summary: string,
    properties: Record<string, unknown>,
    compute: (engine: Engine, q: RangeQuery) => Promise<T>,
  ) =>
    app.get<{ Querystring: RangeQuery & { format: Format } }>(
      `/api/views/${path}`,
      {
        schema: {
          summary: `${summary} (format=csv for the table as CSV)`,
          tags: ['views'],
          querystring: viewQuery(properties),
        },
      },
      async (req, reply) => {
        const { format: as, ...q } = req.query;
        const { value, hit } = await ctx.cached(JSON.stringify([path, q]), (e) => compute(e, q));
        reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
        if (as === 'csv') return sendCsv(reply, `${path}-${q.from}-${q.to}`, viewTable(value));
        return { ...q, rows: value };
      },
    );

  view(
    'mrr-bridge',
    'The MRR bridge per period: start, new, reactivation, expansion, contraction, churn, end (the whole company, or the customers a filter keeps)',
    { grain, filter },
    (e, q) => mrrBridge(e, periodsBetween(q.from, q.to, q.grain), parseFilter(q.filter)),
  );
  view(
    'signup-cohorts',
    'Signup cohorts of the range by week, month, quarter or year: conversion from signup, customers paying and MRR at the end of each age, cumulative revenue, realised LTV; size-weighted averages',
    { grain: cohortGrain, by: customerBy, as_of: asOf },
    async (e, q) => cohortMatrix(e, await cohortRequest(e, q)),
  );
  view(
    'paying-cohorts',
    'Cohorts of first payments in the range by week, month, quarter or year: logo retention (100% at the start) and revenue retention against the starting MRR (NRR by cohort); size-weighted averages',
    { grain: cohortGrain, by: customerBy, as_of: asOf },
    async (e, q) => payingCohorts(e, await cohortRequest(e, q)),
  );
  view(
    'activation-cohorts',
    'Activation cohorts: day-N retention (on day N), size-weighted averages',
    { grain, by, as_of: asOf },
    async (e, q) => {
      const p = paramsOf('activation_cohort_retention', DEFAULT_ACTIVATION_PARAMS);
      return activationCohorts(e, {
        periods: periodsBetween(q.from, q.to, q.grain),
        by: q.by,
        asOf: await asOfOrDataEnd(e, q.as_of),
        nDays: p.nDays,
        mode: p.mode,
        params: p,
        ...rfm(),
      });
    },
  );
  view('lifecycle', 'Users per period: new, returning, resurrecting, dormant', { grain, by }, (e, q) =>
    userLifecycle(e, {
      periods: periodsBetween(q.from, q.to, q.grain),
      grain: q.grain,
      by: q.by,
      activeEvents: paramsOf('stickiness_ratio', DEFAULT_USAGE_PARAMS).activeEvents,
      ...rfm(),
    }),
  );
  view(
    'funnel',
    'Funnel steps per period: started, censored, reached at each step',
    { grain, by, as_of: asOf },
    async (e, q) => {
      const p = paramsOf('drop_off_rate', DEFAULT_ACTIVATION_PARAMS);
      return funnelSteps(e, {
        periods: periodsBetween(q.from, q.to, q.grain),
        by: q.by,
        asOf: await asOfOrDataEnd(e, q.as_of),
        steps: p.funnelSteps,
        windowDays: p.windowDays,
        ...rfm(),
      });
    },
  );
}
