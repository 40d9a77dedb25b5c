// The registry in a warehouse, on DuckDB and PostgreSQL alike (withSmallWarehouse runs the same work on both
// and requires the same answers): a plan registered, hashed and locked; registering it again is nothing; a
// changed plan is refused unless amended; an amendment is kept with its time, reason and diff; a plan
// registered after the start (the first assignment counts) is flagged; the experiments table's own plan is
// the first version; decisions and learnings, null results included, are listed and shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../../test/support/small-warehouse.ts';
import { CATALOG } from '../../catalog/catalog.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { parsePlan } from './check.ts';
import { planHash } from './hash.ts';
import type { PlanInput } from './plan.ts';
import {
  amendPlan,
  decideExperiment,
  listExperiments,
  type RegistryContext,
  registerPlan,
  showExperiment,
} from './registry.ts';

const at = (day: string): RegistryContext => ({ definitions: CATALOG, now: new Date(`${day}T12:00:00Z`) });

const PLAN: PlanInput = {
  id: 'exp_new',
  name: 'Win-back email',
  hypothesis: 'A win-back email within a week of cancelling brings 5% back within 60 days',
  owner: 'Lifecycle',
  primary: { outcome: { kind: 'paying_day', days: 60 } },
  guardrails: [{ kpi: 'mrr', tolerance: { value: 0.01 } }],
  variants: [
    { name: 'control', weight: 0.5 },
    { name: 'email', weight: 0.5 },
  ],
};
const plan = (over: Partial<PlanInput> = {}) => parsePlan({ ...PLAN, ...over }, { definitions: CATALOG });

const PRE = JSON.stringify({ metric: 'customer_churn_rate', mde: 0.2, alpha: 0.05, power: 0.8 }).replace(
  /"/g,
  '""',
);
const DATA = {
  customers: `customer_id,signed_up_at
    A,2024-12-01T00:00:00Z
    B,2024-12-02T00:00:00Z
    C,2024-12-03T00:00:00Z`,
  experiments: `experiment_id,name,hypothesis,primary_kpi,pre_registered_at,started_at,ended_at,pre_registration
    exp_data,Checklist,Fewer churn,customer_churn_rate,2025-02-20T00:00:00Z,2025-03-01T00:00:00Z,2025-05-01T00:00:00Z,"${PRE}"
    exp_late,Late,,,,2025-02-01T00:00:00Z,,`,
  assignments: `experiment_id,customer_id,variant,assigned_at
    exp_data,A,control,2025-03-01T00:00:00Z
    exp_data,B,treatment,2025-03-02T00:00:00Z
    exp_late,C,control,2025-01-15T00:00:00Z`,
};

/** The error a refused call throws. */
async function refusal(work: Promise<unknown>): Promise<TenureError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof TenureError, String(err));
    return err;
  }
  assert.fail('not refused');
}

async function scenario(db: Engine) {
  const before = await listExperiments(db, at('2025-01-10'));
  const registered = await registerPlan(db, plan(), { source: 'file', defaults: [] }, at('2025-01-10'));
  const again = await registerPlan(db, plan(), { source: 'file', defaults: [] }, at('2025-01-11'));
  const changed = plan({ alpha: 0.01 });
  const refused = await refusal(
    registerPlan(db, changed, { source: 'file', defaults: [] }, at('2025-01-12')),
  );
  const noReason = await refusal(
    amendPlan(db, 'exp_new', changed, '  ', { source: 'file', defaults: [] }, at('2025-01-12')),
  );
  const amended = await amendPlan(
    db,
    'exp_new',
    changed,
    'Two more outcomes planned: alpha lowered for them',
    { source: 'api', defaults: [] },
    at('2025-01-13'),
  );
  // The first assignment (15 January) is the start, though the table says 1 February.
  const late = await registerPlan(
    db,
    plan({ id: 'exp_late', name: 'Late' }),
    { source: 'file', defaults: [] },
    at('2025-01-20'),
  );
  // The table's own plan is version 1: a different file is refused, and an amendment keeps both.
  const dataRefused = await refusal(
    registerPlan(
      db,
      plan({ id: 'exp_data', name: 'Checklist' }),
      { source: 'file', defaults: [] },
      at('2025-03-10'),
    ),
  );
  const dataAmended = await amendPlan(
    db,
    'exp_data',
    plan({ id: 'exp_data', name: 'Checklist' }),
    'Outcome written out',
    { source: 'file', defaults: [] },
    at('2025-03-10'),
  );
  const stop = await decideExperiment(
    db,
    'exp_new',
    {
      decision: 'stop',
      learning: 'No effect on 60-day paying; the email is not worth its cost',
      result: 'null result',
    },
    at('2025-04-01'),
  );
  const noLearning = await refusal(
    decideExperiment(db, 'exp_new', { decision: 'ship', learning: '' }, at('2025-04-01')),
  );
  const unknown = await refusal(showExperiment(db, 'nope', at('2025-04-01')));
  const after = await listExperiments(db, at('2025-04-02'));
  const shown = await showExperiment(db, 'exp_new', at('2025-04-02'));
  const data = await showExperiment(db, 'exp_data', at('2025-04-02'));
  return {
    before: before.map((r) => [r.id, r.status, r.plan?.primary.kpi ?? null, r.versions[0]?.source ?? null]),
    registered: [registered.action, registered.version, registered.hash, registered.after_start],
    again: [again.action, again.version, again.hash],
    refused: [refused.code, refused.message],
    noReason: [noReason.code, noReason.where.field],
    amended: [amended.action, amended.version, amended.changes],
    late: [late.action, late.after_start, late.started_at],
    dataRefused: dataRefused.message,
    dataAmended: [
      dataAmended.action,
      dataAmended.version,
      dataAmended.after_start,
      dataAmended.changes.length,
    ],
    stop: [stop.decision, stop.plan_version, stop.decided_at],
    refusedDecision: [noLearning.code, noLearning.where.field],
    unknown: unknown.code,
    after: after.map((r) => [
      r.id,
      r.status,
      r.registered_after_start,
      r.amendments,
      r.decision?.decision ?? null,
      r.units,
    ]),
    shown: {
      hash: shown.hash,
      versions: shown.versions.map((v) => [v.version, v.source, v.registered_at, v.reason, v.after_start]),
      decision: shown.decision,
    },
    data: data.versions.map((v) => [v.version, v.source, v.registered_at, v.stored]),
  };
}

test('register, lock, amend, flag a late registration, decide: the same on DuckDB and PostgreSQL', async () => {
  // Registrations are locked and decided in transactions: the registry lives on DuckDB and PostgreSQL.
  const r = await withSmallWarehouse(DATA, scenario, { clickhouse: false });
  assert.deepEqual(r.before, [
    ['exp_data', 'planned', 'customer_churn_rate', 'pre_registration'],
    ['exp_late', 'planned', null, null],
  ]);
  assert.deepEqual(r.registered, ['registered', 1, planHash(plan()), false]);
  // Registering the same plan again records nothing.
  assert.deepEqual(r.again, ['unchanged', 1, planHash(plan())]);
  assert.equal(r.refused[0], 'bad_input');
  assert.match(
    String(r.refused[1]),
    /already has a registered plan, version 1, and this one differs in 1 field: alpha/,
  );
  assert.deepEqual(r.noReason, ['bad_input', 'reason']);
  assert.deepEqual(r.amended, ['amended', 2, [{ field: 'alpha', before: 0.05, after: 0.01 }]]);
  assert.deepEqual(r.late, ['registered', true, '2025-01-15T00:00:00.000Z']);
  assert.match(r.dataRefused, /version 1 \(the experiments table's pre_registration\)/);
  // The table's plan was written as version 1 (registered 20 February, before the start); the amendment,
  // after the start, is version 2.
  assert.deepEqual(r.dataAmended, ['amended', 2, true, r.dataAmended[3]]);
  assert.ok(Number(r.dataAmended[3]) > 3);
  assert.deepEqual(r.data, [
    [1, 'pre_registration', '2025-02-20T00:00:00.000Z', true],
    [2, 'file', '2025-03-10T12:00:00.000Z', true],
  ]);
  assert.deepEqual(r.stop, ['stop', 2, '2025-04-01T12:00:00.000Z']);
  assert.deepEqual(r.refusedDecision, ['bad_input', 'learning']);
  assert.equal(r.unknown, 'not_found');
  // A stopped experiment with a null result stays listed.
  assert.deepEqual(r.after, [
    ['exp_data', 'running', false, 1, null, 2],
    ['exp_late', 'running', true, 0, null, 1],
    ['exp_new', 'decided', false, 1, 'stop', 0],
  ]);
  assert.equal(r.shown.hash, planHash(plan({ alpha: 0.01 })));
  assert.deepEqual(r.shown.versions, [
    [1, 'file', '2025-01-10T12:00:00.000Z', null, false],
    [2, 'api', '2025-01-13T12:00:00.000Z', 'Two more outcomes planned: alpha lowered for them', false],
  ]);
  assert.deepEqual(r.shown.decision, {
    decision: 'stop',
    learning: 'No effect on 60-day paying; the email is not worth its cost',
    result: 'null result',
    plan_version: 2,
    plan_hash: planHash(plan({ alpha: 0.01 })),
    decided_at: '2025-04-01T12:00:00.000Z',
  });
});
