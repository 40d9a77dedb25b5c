import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { CATALOG } from '../catalog/catalog.ts';
import { parseProjectFile } from '../catalog/project-file.ts';
import { checkTargets } from './check.ts';
import { guardrailStatus, proposedGuardrails, statusText } from './guardrails.ts';
import { DEFAULT_TREE } from './kpi-tree.ts';

// Ten accounts a…j pay 100 from 2023-12-01. In January a downgrades to 80 (Jan 10); in February b, c and d
// downgrade to 50 (Feb 5, 6, 7). Nobody cancels. as_of 2024-03-15: the last complete month is February.
//   Logo churn, February: 0 of the 10 paying at its start → 0, meeting a target of at most 2%.
//   Downgrade rate: January 1 / 10 = 0.1; February 3 / 10 = 0.3: it rose by 0.2, more than 5% of 0.1.
//   Redemption rate: no promotions, no data.
const ACCOUNTS = 'abcdefghij'.split('');
const DATA = {
  customers: `customer_id,signed_up_at,plan\n${ACCOUNTS.map((c) => `${c},2023-12-01T00:00:00Z,pro`).join('\n')}`,
  subscription_changes: `customer_id,effective_at,mrr
    ${ACCOUNTS.map((c) => `${c},2023-12-01T00:00:00Z,100`).join('\n')}
    a,2024-01-10T00:00:00Z,80
    b,2024-02-05T00:00:00Z,50
    c,2024-02-06T00:00:00Z,50
    d,2024-02-07T00:00:00Z,50`,
};
const AS_OF = '2024-03-15T00:00:00.000Z';

const project = (guardrails = '') =>
  parseProjectFile(
    `targets:
  - kpi: customer_churn_rate
    pragmatic: 0.02
    owner: Maya (Customer Success)
${guardrails}`,
    'tenure.yaml',
  );

test('the guardrails proposed: gaming patterns, and for a leading KPI what the tree says it drives', () => {
  // Churn (lagging): its gaming patterns only.
  assert.deepEqual(proposedGuardrails('customer_churn_rate', CATALOG, DEFAULT_TREE), [
    { kpi: 'customer_downgrade_rate', must_not: 'rise', tolerance: 0.05 },
    { kpi: 'redemption_rate', must_not: 'rise', tolerance: 0.05 },
  ]);
  // Activation (leading): later retention (its pattern, and its tree edge, once).
  assert.deepEqual(proposedGuardrails('activation_milestone_completion', CATALOG, DEFAULT_TREE), [
    { kpi: 'activation_cohort_retention', must_not: 'fall', tolerance: 0.05 },
  ]);
  // The engagement score (leading) drives churn in the tree, where lower is better: churn must not rise.
  assert.deepEqual(proposedGuardrails('customer_engagement_score', CATALOG, DEFAULT_TREE), [
    { kpi: 'customer_churn_rate', must_not: 'rise', tolerance: 0.05 },
  ]);
  // MRR (lagging) has none: revenue growth, which the tree says it moves, is a result, not a guard.
  assert.deepEqual(proposedGuardrails('mrr', CATALOG, DEFAULT_TREE), []);
  assert.deepEqual(proposedGuardrails('net_revenue_retention', CATALOG, DEFAULT_TREE)[0], {
    kpi: 'net_revenue_retention.grr',
    must_not: 'fall',
    tolerance: 0.05,
  });
});

test('a move the way a guardrail must not go breaks it beyond the tolerance, a share of its value before', () => {
  // Must not rise, 5%: from 0.10 to 0.105 is exactly 5% (held); to 0.106, broken; falling always holds.
  assert.equal(guardrailStatus(0.1, 0.105, { must_not: 'rise', tolerance: 0.05 }), 'held');
  assert.equal(guardrailStatus(0.1, 0.106, { must_not: 'rise', tolerance: 0.05 }), 'broken');
  assert.equal(guardrailStatus(0.1, 0.01, { must_not: 'rise', tolerance: 0.05 }), 'held');
  assert.equal(guardrailStatus(0.5, 0.4, { must_not: 'fall', tolerance: 0.1 }), 'broken');
  assert.equal(guardrailStatus(null, 0.4, { must_not: 'fall', tolerance: 0.1 }), 'no_data');
  assert.equal(statusText('on_track', [{ status: 'broken' }]), 'met, guardrail broken');
  assert.equal(statusText('at_risk', [{ status: 'broken' }]), 'at risk, guardrail broken');
  assert.equal(statusText('on_track', [{ status: 'held' }, { status: 'no_data' }]), 'on track');
});

test('a churn target met while downgrades rise is flagged: met, guardrail broken', async () => {
  const [proposed, own, none] = await withSmallWarehouse(
    DATA,
    async (db) => [
      await checkTargets(db, project(), { asOf: AS_OF, explain: false }),
      await checkTargets(
        db,
        project(
          '    guardrails:\n      - { kpi: customer_downgrade_rate, must_not: fall, tolerance: 0.1 }\n',
        ),
        { asOf: AS_OF, explain: false },
      ),
      await checkTargets(db, project('    guardrails: []\n'), { asOf: AS_OF, explain: false }),
    ],
    { clickhouse: false },
  );
  const [check] = proposed ?? [];
  assert.equal(check?.status, 'on_track');
  assert.equal(check?.value, 0);
  assert.deepEqual(
    check?.guardrails.map((g) => [g.kpi, g.before, g.value, g.status, g.proposed]),
    [
      ['customer_downgrade_rate', 0.1, 0.3, 'broken', true],
      ['redemption_rate', null, null, 'no_data', true],
    ],
  );
  assert.equal(statusText(check?.status ?? 'no_data', check?.guardrails ?? []), 'met, guardrail broken');
  // The project's own guardrail replaces the proposed ones: downgrades must not fall, and they rose: held.
  assert.deepEqual(
    own?.[0]?.guardrails.map((g) => [g.kpi, g.status, g.proposed]),
    [['customer_downgrade_rate', 'held', false]],
  );
  assert.deepEqual(none?.[0]?.guardrails, []);
});

test('a guardrail naming an unknown KPI or part, or the target itself, is refused at its line', () => {
  assert.throws(
    () =>
      project(`    guardrails:
      - { kpi: customer_downgrade_rat, must_not: rise }
      - { kpi: net_revenue_retention.gross, must_not: fall }
      - { kpi: customer_churn_rate, must_not: rise }
`),
    (err: Error) =>
      /line 6: targets\[0\]\.guardrails\[0\]\.kpi: no KPI 'customer_downgrade_rat'/.test(err.message) &&
      /line 7: targets\[0\]\.guardrails\[1\]\.kpi: no KPI 'net_revenue_retention\.gross' in the catalog — net_revenue_retention reports net_revenue_retention\.nrr_12m, net_revenue_retention\.grr/.test(
        err.message,
      ) &&
      /line 8: targets\[0\]\.guardrails\[2\]\.kpi: a target cannot be its own guardrail/.test(err.message),
  );
  assert.throws(
    () => project('    guardrails:\n      - { kpi: mrr, must_not: sink }\n'),
    /line 6: targets\[0\]\.guardrails\[0\]\.must_not: Invalid option: expected one of "rise"\|"fall"/,
  );
});
