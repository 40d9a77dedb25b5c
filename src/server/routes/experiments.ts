// The experiment registry over the API. Viewers list experiments and read one (plan, hash, amendments with
// their diffs and reasons, decisions and learnings); editors register a plan or amend it with a reason (PUT)
// and record decisions (POST …/decision). Plans are checked by the same schema and catalog as plan files;
// the registry's writes are small and run on the light lane.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatPath } from '../../catalog/problems.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { analyzeExperiment } from '../../experiments/analysis.ts';
import { OUTCOME_KINDS, parseOutcomeArgs } from '../../experiments/outcomes/spec.ts';
import { PlanProblemsError, parsePlan } from '../../experiments/registry/check.ts';
import {
  defaultsTaken,
  EXPERIMENT_ID_PATTERN,
  type Plan,
  PlanSchema,
} from '../../experiments/registry/plan.ts';
import {
  amendPlan,
  DECISIONS,
  type Decision,
  decideExperiment,
  type ExperimentRecord,
  listExperiments,
  type RegistryContext,
  registerPlan,
  showExperiment,
} from '../../experiments/registry/registry.ts';
import { resultSummary } from '../../experiments/registry/result-summary.ts';
import { experimentResults } from '../../experiments/results.ts';
import { snakeKeys } from '../../results/json-names.ts';
import type { Engine } from '../../warehouse/engine.ts';
import type { ServerContext } from '../context.ts';
import { asOf } from '../schemas.ts';

/**
 * A schema without `default`s: Ajv's strict mode refuses them inside oneOf branches, and the handler
 * applies them anyway (zod). Keys of a `properties` map are field names, kept as they are.
 */
function withoutDefaults(node: unknown, fieldNames = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDefaults(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => fieldNames || k !== 'default')
      .map(([k, v]) => [k, withoutDefaults(v, !fieldNames && k === 'properties')]),
  );
}

/** The JSON Schema of a plan, from the same zod schema plan files are checked with; its id is the path's. */
const { $schema: _draft, ...fullPlan } = withoutDefaults(
  z.toJSONSchema(PlanSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }),
) as { required: string[] } & Record<string, unknown>;
const planSchema = { ...fullPlan, required: fullPlan.required.filter((f) => f !== 'id') };

const experimentId = {
  type: 'string',
  pattern: EXPERIMENT_ID_PATTERN,
  description: 'an experiment id',
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: experimentId } } as const;
const text = (maxLength: number, description: string) =>
  ({ type: 'string', minLength: 1, maxLength, description }) as const;

/** One row of the list: what a registry page shows per experiment. */
export function experimentRow(r: ExperimentRecord) {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    hypothesis: r.hypothesis,
    status: r.status,
    registered_at: r.registered_at,
    registered_after_start: r.registered_after_start,
    amendments: r.amendments,
    decision: r.decision?.decision ?? null,
    learning: r.decision?.learning ?? null,
    started_at: r.started_at,
    ended_at: r.ended_at,
    units: r.units,
    plan_source: r.versions[0]?.source ?? null,
    plan_readable: r.plan !== null,
    target: r.target,
  };
}

/** A plan's problems as one 400 naming the first field of the body. */
function checkedPlan(body: unknown, ctx: RegistryContext): Plan {
  try {
    return parsePlan(body, ctx);
  } catch (err) {
    if (!(err instanceof PlanProblemsError)) throw err;
    const first = err.problems[0];
    const path = first ? formatPath(first.path) : '';
    throw new TenureError('bad_input', `${err.message.replace(/\n\s*/g, ' ')}; nothing was recorded`, {
      where: { field: path ? `body.plan${path.startsWith('[') ? '' : '.'}${path}` : 'body.plan' },
      hint: first?.hint,
    });
  }
}

/** A registry refusal names the body's field. */
function inBody<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((err: unknown) => {
    if (err instanceof TenureError && err.code === 'bad_input' && !err.where.field?.startsWith('body'))
      throw new TenureError(err.code, err.message, {
        where: { field: `body.${err.where.field ?? 'plan'}` },
        hint: err.hint,
      });
    throw err;
  });
}

const OUTCOME_ARG = '[a-z_]{1,40}:[0-9]{1,4}(:[A-Za-z0-9_.+-]{1,200})?';
const SEGMENT_ARG = '(plan|channel|country|referred|signup_cohort|attributes\\.[A-Za-z0-9_.:-]{1,80})';

interface ResultsQuery {
  as_of?: string;
  outcome?: string;
  segments?: string;
}

const resultsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    as_of: asOf,
    outcome: {
      type: 'string',
      maxLength: 1000,
      pattern: `^${OUTCOME_ARG}(,${OUTCOME_ARG}){0,9}$`,
      description: `outcomes to analyse instead of the plan's, comma-separated kind:days (the first is the primary; at most 10): ${OUTCOME_KINDS.join(', ')}; e.g. churned_within:90,time_to_churn:365:180`,
    },
    segments: {
      type: 'string',
      maxLength: 500,
      pattern: `^${SEGMENT_ARG}(,${SEGMENT_ARG}){0,4}$`,
      description:
        "breakdowns for the per-segment results instead of the plan's segments, comma-separated (at most 5): plan, channel, country, referred, signup_cohort, attributes.KEY",
    },
  },
} as const;

export function experimentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const registry = (): RegistryContext => ({
    definitions: ctx.catalog.definitions,
    targets: ctx.catalog.targets ?? [],
    tree: ctx.catalog.tree,
  });
  const run = <T>(work: (engine: Engine, reg: RegistryContext) => Promise<T>) =>
    ctx.exclusive((engine) => work(engine, registry()));

  app.get(
    '/api/experiments',
    {
      schema: {
        summary:
          'Every experiment, registered or in the experiments table: owner, status, late registration, amendments, decision',
        tags: ['experiments'],
      },
    },
    async () => ({ experiments: (await run(listExperiments)).map(experimentRow) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/experiments/:id',
    {
      schema: {
        summary:
          'One experiment: its plan and hash, every version with its reason and diff, decisions and learnings',
        tags: ['experiments'],
        params: idParams,
      },
    },
    async (req) => run((engine, reg) => showExperiment(engine, req.params.id, reg)),
  );

  app.get<{ Params: { id: string }; Querystring: ResultsQuery }>(
    '/api/experiments/:id/results',
    {
      schema: {
        summary:
          "One experiment's results as of a time: arms and the sample-ratio check, each outcome's effect with its interval (a confidence sequence when the plan is sequential), CUPED's effect, variance reduction and pre-period balance, guardrails with their status, units left out while their window is open, Kaplan–Meier curves per arm with the log-rank test and the RMST difference, retention per arm by days since exposure, the primary outcome per segment (exploratory), and the revenue the primary effect is worth per year at the current paying base with its assumptions; flags and sentences for every degenerate case",
        description:
          'The body is what `tenure experiment analyze --json` prints for the same as_of, plus `retention` (active and paying on day N since exposure per arm, mature units only), `segments` (`exploratory: true`) and `revenue` (`customers`, `mrr`, `arpa`, per arm `per_unit` and `per_year` with intervals, `formula`, `assumptions`). Cached per warehouse version and plan version; computed on the heavy lane.',
        tags: ['experiments'],
        params: idParams,
        querystring: resultsQuery,
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const q = req.query;
      const outcomes =
        q.outcome === undefined ? undefined : parseOutcomeArgs(q.outcome.split(','), 'querystring.outcome');
      const segments = q.segments?.split(',');
      // The plan in force is part of the key: an amendment changes the results without a load.
      const plan = await run((engine, reg) => showExperiment(engine, id, reg)).then(
        (r) => `${r.hash ?? ''}:${r.versions.length}`,
        (err: unknown) => {
          if (err instanceof TenureError && err.code === 'not_found') return null;
          throw err;
        },
      );
      const key = JSON.stringify([
        'experiment-results',
        id,
        plan,
        q.as_of ?? null,
        q.outcome ?? null,
        q.segments ?? null,
      ]);
      const { value, hit } = await ctx.cached(key, async (engine) =>
        snakeKeys(
          await experimentResults(engine, {
            experimentId: id,
            asOf: q.as_of,
            outcomes,
            segments,
            catalog: ctx.catalog.definitions,
          }),
        ),
      );
      reply.header('x-tenure-cache', hit ? 'hit' : 'miss');
      return value;
    },
  );

  app.put<{ Params: { id: string }; Body: { plan: Record<string, unknown>; reason?: string } }>(
    '/api/experiments/:id',
    {
      config: { role: 'editor' },
      schema: {
        summary:
          'Register a plan (editor): hashed and locked; the same plan again records nothing; a changed plan needs a reason and is kept as an amendment with its diff',
        tags: ['experiments'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['plan'],
          properties: {
            plan: planSchema,
            reason: text(2000, 'why the plan changes: required to amend a registered plan'),
          },
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      const reg = registry();
      const plan = checkedPlan({ id, ...req.body.plan }, reg);
      if (plan.id !== id)
        throw new TenureError('bad_input', `the plan is for experiment '${plan.id}', not '${id}'`, {
          where: { field: 'body.plan.id' },
          hint: 'PUT the plan at its own id',
        });
      const opts = { source: 'api', defaults: defaultsTaken(req.body.plan) };
      const reason = req.body.reason;
      return inBody(() =>
        run((engine) =>
          reason === undefined
            ? registerPlan(engine, plan, opts, reg)
            : amendPlan(engine, id, plan, reason, opts, reg).catch(async (err: unknown) => {
                // A reason with a plan never registered: a first registration, the reason kept nowhere.
                if (err instanceof TenureError && err.code === 'not_found')
                  return registerPlan(engine, plan, opts, reg);
                throw err;
              }),
        ),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: { decision: Decision; learning: string; result?: string } }>(
    '/api/experiments/:id/decision',
    {
      config: { role: 'editor' },
      schema: {
        summary:
          'Record the decision (editor): ship, iterate or stop, with the learning; null and failed results stay listed',
        tags: ['experiments'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['decision', 'learning'],
          properties: {
            decision: { type: 'string', enum: [...DECISIONS] },
            learning: text(4000, 'what was learned, a null or failed result included'),
            result: text(
              1000,
              "the result in a sentence, shown in reviews (default: the analysis's primary outcome, summarised)",
            ),
          },
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      const { decision, learning } = req.body;
      await run((engine, reg) => showExperiment(engine, id, reg));
      // Without a result, the analysis's primary outcome in a sentence (on the heavy lane, with its limit).
      const result =
        req.body.result ??
        (await ctx
          .compute((engine) =>
            analyzeExperiment(engine, { experimentId: id, catalog: ctx.catalog.definitions }),
          )
          .then(resultSummary)
          .catch((err: unknown) => {
            if (err instanceof TenureError) return null;
            throw err;
          }));
      const recorded = await inBody(() =>
        run((engine, reg) => decideExperiment(engine, id, { decision, learning, result }, reg)),
      );
      return { experiment_id: id, ...recorded };
    },
  );
}
