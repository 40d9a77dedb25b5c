// Targets, the KPI tree and alerts. Viewers read; editors change targets and KPI parameters (written to the
// project file, checked exactly as a hand edit is, and kept in the warehouse's histories) and acknowledge or
// snooze alerts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listAlerts, setState } from '../../alerts/store.ts';
import { getDefinition } from '../../catalog/catalog.ts';
import { recordDefinitions } from '../../catalog/change-log.ts';
import { ConfigProblemsError, formatPath } from '../../catalog/problems.ts';
import { editProjectFile, type ProjectPath } from '../../catalog/project-edit.ts';
import { asOfOrDataEnd } from '../../compiler/as-of.ts';
import { type Grain, parseDay } from '../../compiler/periods.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { checkTargets } from '../../goals/check.ts';
import { targetsWorth } from '../../goals/impact-baseline.ts';
import { readTargetLog, recordTargets } from '../../goals/target-log.ts';
import { TargetSchema } from '../../goals/targets.ts';
import { kpiTree } from '../../goals/tree-values.ts';
import { snakeKeys } from '../../results/json-names.ts';
import type { ServerContext } from '../context.ts';
import { by, day, grain, kpiId } from '../schemas.ts';

/** The JSON Schema of one target, from the same zod schema the project file is checked with. */
const { $schema: _draft, ...targetSchema } = z.toJSONSchema(TargetSchema, {
  target: 'draft-7',
  io: 'input',
}) as Record<string, unknown>;

const alertKey = { type: 'string', minLength: 1, maxLength: 400 } as const;

export function goalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  /** Writes a change to the project file (one edit at a time) and serves the new catalog from then on. */
  const edit = async (path: ProjectPath, value: unknown, field: string) => {
    try {
      const catalog = await ctx.exclusive(async (engine) => {
        const next = await editProjectFile(ctx.projectFile, path, value);
        await recordDefinitions(engine, next.definitions);
        await recordTargets(engine, next.targets ?? []);
        return next;
      });
      ctx.catalog = catalog;
      return catalog;
    } catch (err) {
      if (!(err instanceof ConfigProblemsError)) throw err;
      // Name the field of the request, not the project file's path, and say nothing was written.
      const first = err.problems[0];
      const within = first ? formatPath(first.path.slice(path.length)) : '';
      throw new TenureError('bad_input', `${first?.message ?? 'invalid'}; nothing was changed`, {
        where: { field: within ? `${field}${within.startsWith('[') ? '' : '.'}${within}` : field },
        hint: first?.hint,
      });
    }
  };

  app.get<{ Querystring: { grain: Grain; period?: string; mix_by?: string } }>(
    '/api/tree',
    {
      schema: {
        summary: 'The KPI tree: edges with hypotheses, each KPI with value and status, exact decompositions',
        tags: ['goals'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { grain, period: day, mix_by: by },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const key = JSON.stringify(['tree', q.grain, q.period ?? null, q.mix_by ?? null]);
      const { value } = await ctx.cached(key, (engine) =>
        kpiTree(engine, ctx.catalog, { grain: q.grain, period: q.period, mixBy: q.mix_by }),
      );
      return value;
    },
  );

  app.get(
    '/api/targets',
    {
      schema: {
        summary:
          "Every target with its KPI's value in the last complete period, status, what moved it, and what meeting it is worth (MRR in 12 months)",
        tags: ['goals'],
      },
    },
    async () => {
      const { value } = await ctx.cached(JSON.stringify(['targets']), async (engine) => {
        const checks = await checkTargets(engine, ctx.catalog);
        const worth = await targetsWorth(engine, ctx.catalog, checks, await asOfOrDataEnd(engine, undefined));
        return checks.map((c, i) => ({ ...c, worth: worth[i] ?? null }));
      });
      return { targets: value };
    },
  );

  app.put<{ Body: { targets: unknown[] } }>(
    '/api/targets',
    {
      config: { role: 'editor' },
      schema: {
        summary: 'Replace the targets (editor); written to the project file and kept in the history',
        tags: ['goals'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['targets'],
          properties: { targets: { type: 'array', maxItems: 500, items: targetSchema } },
        },
      },
    },
    async (req) => {
      const catalog = await edit(['targets'], req.body.targets, 'body.targets');
      return { targets: catalog.targets ?? [] };
    },
  );

  app.get(
    '/api/targets/history',
    { schema: { summary: 'Every version of every target, with when it was first seen', tags: ['goals'] } },
    async () => ({ history: await ctx.exclusive((e) => readTargetLog(e)) }),
  );

  app.put<{ Params: { id: string }; Body: { params: Record<string, unknown> } }>(
    '/api/kpis/:id/parameters',
    {
      config: { role: 'editor' },
      schema: {
        summary: "Change a KPI's parameters (editor); the new definition enters the change log",
        tags: ['catalog'],
        params: { type: 'object', required: ['id'], properties: { id: kpiId } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['params'],
          properties: { params: { type: 'object', maxProperties: 50 } },
        },
      },
    },
    async (req) => {
      getDefinition(req.params.id, ctx.catalog.definitions);
      const catalog = await edit(['kpis', req.params.id, 'params'], req.body.params, 'body.params');
      return snakeKeys({ definition: getDefinition(req.params.id, catalog.definitions) });
    },
  );

  app.get(
    '/api/alerts',
    {
      schema: { summary: 'Alerts raised by tenure check: open, acknowledged and snoozed', tags: ['alerts'] },
    },
    async () => ({ alerts: await ctx.exclusive((e) => listAlerts(e)) }),
  );

  app.post<{ Body: { key: string } }>(
    '/api/alerts/acknowledge',
    {
      config: { role: 'editor' },
      schema: {
        summary: 'Acknowledge an alert (editor): it stays quiet until the problem is gone and comes back',
        tags: ['alerts'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { key: alertKey },
        },
      },
    },
    async (req) => {
      const changed = await ctx.exclusive((e) => setState(e, req.body.key, 'acknowledged'));
      if (!changed)
        throw new TenureError('not_found', 'no alert with that key', { where: { field: 'body.key' } });
      return { key: req.body.key, state: 'acknowledged' };
    },
  );

  app.post<{ Body: { key: string; until: string } }>(
    '/api/alerts/snooze',
    {
      config: { role: 'editor' },
      schema: {
        summary: 'Snooze an alert until a day (editor): it reopens then if the problem remains',
        tags: ['alerts'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'until'],
          properties: { key: alertKey, until: day },
        },
      },
    },
    async (req) => {
      const until = parseDay(req.body.until, 'body.until');
      if (until.getTime() <= Date.now())
        throw new TenureError('bad_input', 'snooze until a day in the future', {
          where: { field: 'body.until' },
        });
      const changed = await ctx.exclusive((e) => setState(e, req.body.key, 'snoozed', until.toISOString()));
      if (!changed)
        throw new TenureError('not_found', 'no alert with that key', { where: { field: 'body.key' } });
      return { key: req.body.key, state: 'snoozed', until: until.toISOString() };
    },
  );
}
