import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProjectFile } from '../catalog/project-file.ts';
import { meets, statusOf, TargetSchema } from './targets.ts';

const target = (t: Record<string, unknown>) => TargetSchema.parse({ kpi: 'x', owner: 'o', ...t });

test('higher is better, pragmatic 0.9: 0.95 on track; 0.88 misses by 2.2% (at risk); 0.80 by 11% (off)', () => {
  const t = target({ pragmatic: 0.9 });
  assert.equal(statusOf(0.95, t, true), 'on_track');
  assert.equal(statusOf(0.9, t, true), 'on_track');
  // (0.9 − 0.88) / 0.9 = 0.0222 ≤ 0.05
  assert.equal(statusOf(0.88, t, true), 'at_risk');
  // (0.9 − 0.8) / 0.9 = 0.111 > 0.05
  assert.equal(statusOf(0.8, t, true), 'off_track');
  assert.equal(statusOf(null, t, true), 'no_data');
});

test('lower is better (churn), pragmatic 0.04: 0.035 on track; 0.041 misses by 2.5% (at risk); 0.05 off', () => {
  const t = target({ pragmatic: 0.04 });
  assert.equal(statusOf(0.035, t, false), 'on_track');
  // (0.041 − 0.04) / 0.04 = 0.025
  assert.equal(statusOf(0.041, t, false), 'at_risk');
  // (0.05 − 0.04) / 0.04 = 0.25
  assert.equal(statusOf(0.05, t, false), 'off_track');
  // A tolerance of 30% makes 0.05 only at risk.
  assert.equal(statusOf(0.05, target({ pragmatic: 0.04, tolerance: 0.3 }), false), 'at_risk');
});

test('a range [0.3, 0.5] is met inside; 0.52 misses the top by 4% (at risk); 0.2 misses the bottom by 33%', () => {
  const t = target({ pragmatic: [0.3, 0.5] });
  assert.equal(statusOf(0.4, t, true), 'on_track');
  assert.equal(statusOf(0.52, t, true), 'at_risk');
  assert.equal(statusOf(0.2, t, false), 'off_track');
  assert.ok(meets(0.3, [0.3, 0.5], true) && meets(0.5, [0.3, 0.5], false));
});

test('targets in the project file: defaults filled in; every problem reported with its line', () => {
  const ok = parseProjectFile(
    'targets:\n  - kpi: customer_churn_rate\n    pragmatic: 0.04\n    aspirational: 0.03\n    owner: Dana\n',
    'tenure.yaml',
  );
  assert.deepEqual(
    ok.targets?.map((t) => [t.kpi, t.grain, t.tolerance, t.cadence]),
    [['customer_churn_rate', 'month', 0.05, 'monthly']],
  );
  assert.throws(
    () =>
      parseProjectFile(
        [
          'targets:',
          '  - kpi: no_such_kpi',
          '    pragmatic: 1',
          '    owner: Dana',
          '  - kpi: mrr',
          '    pragmatic: [10, 5]',
          '    owner: Sam',
          '  - kpi: mrr',
          '    pragmatic: 1',
        ].join('\n'),
        'tenure.yaml',
      ),
    (err: Error) =>
      /line 2: targets\[0\]\.kpi: no KPI 'no_such_kpi'/.test(err.message) &&
      /line 6: targets\[1\]\.pragmatic: a range is \[low, high\]/.test(err.message) &&
      /targets\[2\]\.owner/.test(err.message),
  );
});
