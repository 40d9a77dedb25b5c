// The catalog: every definition in brief, and one in full with its hash, the parameters the project
// overrides and the warehouse's change log of it.
import type { FastifyInstance } from 'fastify';
import { definitionHash, getDefinition } from '../../catalog/catalog.ts';
import { readChangeLog } from '../../catalog/change-log.ts';
import { DEFAULT_CURRENCY } from '../../results/format.ts';
import { snakeKeys } from '../../results/json-names.ts';
import type { ServerContext } from '../context.ts';
import { kpiId } from '../schemas.ts';

export function catalogRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/api/catalog',
    {
      schema: {
        summary: "Every KPI definition, in brief, and the project's currency (ISO 4217) money is written in",
        tags: ['catalog'],
      },
    },
    async () => ({
      currency: ctx.catalog.currency ?? DEFAULT_CURRENCY,
      kpis: ctx.catalog.definitions.map((d) => ({
        id: d.id,
        name: d.name,
        activity: d.activity,
        kind: d.kind,
        unit: d.unit,
        higher_is_better: d.higherIsBetter,
        version: d.version,
        hash: definitionHash(d),
        custom: ctx.catalog.custom.includes(d.id),
      })),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/catalog/:id',
    {
      schema: {
        summary: 'One definition: formula, parameters, lineage, hash, overrides and change log',
        tags: ['catalog'],
        params: { type: 'object', required: ['id'], properties: { id: kpiId } },
      },
    },
    async (req) => {
      const def = getDefinition(req.params.id, ctx.catalog.definitions);
      const changeLog = await ctx.exclusive((e) => readChangeLog(e, def.id));
      return snakeKeys({
        definition: def,
        hash: definitionHash(def),
        overridden: ctx.catalog.applied.filter((a) => a.kpi === def.id).map((a) => a.param),
        change_log: changeLog.map(({ definition: _definition, ...entry }) => entry),
      });
    },
  );
}
