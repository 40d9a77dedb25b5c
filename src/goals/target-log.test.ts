import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { readTargetLog, recordTargets } from './target-log.ts';
import { TargetSchema } from './targets.ts';

const churn = TargetSchema.parse({ kpi: 'customer_churn_rate', pragmatic: 0.04, owner: 'Dana' });

test('each version of a target is recorded once, in order; an unchanged target adds nothing', async () => {
  await withSmallWarehouse({ customers: 'customer_id,signed_up_at\n A,2024-01-01T00:00:00Z' }, async (db) => {
    assert.deepEqual(await recordTargets(db, [churn], new Date('2025-01-01T00:00:00Z')), [
      'customer_churn_rate|all|month',
    ]);
    assert.deepEqual(await recordTargets(db, [churn], new Date('2025-02-01T00:00:00Z')), []);
    // The owner changes and the target tightens: a new version of the same target.
    const tighter = { ...churn, pragmatic: 0.035, owner: 'Sam' };
    assert.deepEqual(await recordTargets(db, [tighter], new Date('2025-03-01T00:00:00Z')), [
      'customer_churn_rate|all|month',
    ]);
    const log = await readTargetLog(db);
    assert.equal(log.length, 2);
    assert.deepEqual(
      log.map((e) => [
        JSON.parse(e.target).pragmatic,
        JSON.parse(e.target).owner,
        String(e.recorded_at).slice(0, 10),
      ]),
      [
        [0.04, 'Dana', '2025-01-01'],
        [0.035, 'Sam', '2025-03-01'],
      ],
    );
  });
});
