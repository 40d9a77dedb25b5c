// The data_quality: section of tenure.yaml: defaults, overrides, a limit turned off, and every problem at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigProblemsError, formatPath } from '../catalog/problems.ts';
import { parseProjectFile } from '../catalog/project-file.ts';
import { DEFAULT_DATA_QUALITY, freshnessLimit } from './config.ts';

test('without the section every check runs with its defaults', () => {
  const config = parseProjectFile('targets: []\n', 'tenure.yaml').dataQuality ?? DEFAULT_DATA_QUALITY;
  assert.equal(config.enabled, true);
  assert.equal(freshnessLimit(config, 'events'), 2);
  assert.equal(freshnessLimit(config, 'subscription_changes'), 35);
  assert.equal(freshnessLimit(config, 'experiments'), undefined, 'not judged by default');
  assert.equal(config.volume.weeks, 8);
  assert.equal(config.null_rate.baseline_days, 28);
  // Survey rounds and campaigns come in waves that a weekday baseline cannot expect.
  assert.deepEqual(config.volume.skip, ['feedback', 'promotions']);
});

test('a limit changed, one turned off, one added; a check tuned', () => {
  const config = parseProjectFile(
    `data_quality:
  freshness_days: {events: 1, costs: false, experiments: 400}
  volume: {k: 4}
`,
    'tenure.yaml',
  ).dataQuality;
  assert.ok(config);
  assert.equal(freshnessLimit(config, 'events'), 1);
  assert.equal(freshnessLimit(config, 'costs'), undefined);
  assert.equal(freshnessLimit(config, 'experiments'), 400);
  assert.equal(config.volume.k, 4);
  assert.equal(config.volume.weeks, 8, 'the fields not given keep their defaults');
});

test('every problem of the section at once, with its path and line', () => {
  const text = `data_quality:
  freshness_days: {events: -1, users: 3}
  volume: {k: fast}
  nulls: {}
`;
  assert.throws(
    () => parseProjectFile(text, 'tenure.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigProblemsError);
      const paths = err.problems.map((p) => formatPath(p.path)).sort();
      assert.deepEqual(paths, [
        'data_quality',
        'data_quality.freshness_days',
        'data_quality.freshness_days.events',
        'data_quality.volume.k',
      ]);
      // users has no time column: not a table freshness can judge; nulls is not a check.
      assert.ok(err.problems.some((p) => /"users"/.test(p.message)));
      assert.ok(err.problems.some((p) => /"nulls"/.test(p.message)));
      assert.equal(err.problems.find((p) => formatPath(p.path) === 'data_quality.volume.k')?.line, 3);
      return true;
    },
  );
});
