import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namesNotSnakeCase, snakeKeys, snakeName } from './json-names.ts';

test('camelCase names become snake_case; every other name is left as it is', () => {
  assert.equal(snakeName('logRank'), 'log_rank');
  assert.equal(snakeName('alphaStandardError'), 'alpha_standard_error');
  assert.equal(snakeName('pValue'), 'p_value');
  assert.equal(snakeName('day7Retention'), 'day7_retention');
  for (const name of ['period_start', 'alpha', 'T', 'Enterprise', '6-MP', 'a.b', ''])
    assert.equal(snakeName(name), name);
});

test('snakeKeys renames at every depth, follows toJSON, keeps values and the user’s own maps', () => {
  const out = snakeKeys({
    logRank: { chiSquare: 16.79, df: 1, pValue: 4e-5 },
    steps: [{ atRisk: 21, survival: 0.857 }],
    when: new Date('2025-01-01T00:00:00Z'),
    params: { key_action_weights: { type: 'number_map', default: { exportData: 2 }, description: 'x' } },
    samples: [{ table: 'customers', rows: [['c1', { companySize: '1-10' }]] }],
    missing: undefined,
  });
  assert.deepEqual(out, {
    log_rank: { chi_square: 16.79, df: 1, p_value: 4e-5 },
    steps: [{ at_risk: 21, survival: 0.857 }],
    when: '2025-01-01T00:00:00.000Z',
    // A parameter's value and the warehouse's rows are the user's: their names are not ours to change.
    params: { key_action_weights: { type: 'number_map', default: { exportData: 2 }, description: 'x' } },
    samples: [{ table: 'customers', rows: [['c1', { companySize: '1-10' }]] }],
    missing: undefined,
  });
  assert.deepEqual(namesNotSnakeCase(out), []);
  assert.deepEqual(namesNotSnakeCase({ a: [{ atRisk: 1 }], B: 2, default: { xY: 1 } }), [
    '$.a[0].atRisk',
    '$.B',
  ]);
});
