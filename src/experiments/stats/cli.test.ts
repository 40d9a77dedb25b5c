// `tenure experiment …` as a user runs it: JSON in snake_case, tables for people, and bad input answered
// with the field and what to do, never a stack trace or NaN.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
// A child process as a user runs it: capturing stdout in this process would also capture the test runner's
// own report, so a failing test could read as passing.
import { CLI, tenure } from '../../../test/support/cli.ts';
import { namesNotSnakeCase } from '../../results/json-names.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-experiment-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n +at /);

test('experiment stats --json: CUPED means, each arm adjusted and unadjusted, snake_case throughout', async () => {
  // gbstats' RA_STATISTICS_DF: relative lift −0.281707154, p 0.003732549 (see analyze.test.ts).
  const file = write('cuped.json', {
    metric: 'mean',
    cuped: true,
    arms: [
      {
        name: 'zero',
        n: 3001,
        post: { sum: 300, sum_squares: 600 },
        pre: { sum: 210, sum_squares: 415 },
        post_pre_sum_of_products: -20,
      },
      {
        name: 'one',
        n: 3000,
        post: { sum: 222, sum_squares: 555 },
        pre: { sum: 120, sum_squares: 405 },
        post_pre_sum_of_products: -10,
      },
    ],
  });
  const run = tenure('experiment', 'stats', '--input', file, '--json');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(namesNotSnakeCase(out), []);
  const c = out.comparisons[0];
  close(c.effect, -0.281707154, 5e-10);
  close(c.p_value, 0.003732549, 5e-10);
  assert.equal(c.ci.length, 2);
  assert.ok(c.se > 0 && c.cuped.variance_reduction > 0);
  close(out.arms[1].value, 0.074, 1e-12);
  assert.ok(Math.abs(out.arms[1].adjusted_value - 0.074) > 0.001);
  const text = tenure('experiment', 'stats', '--input', file);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /CUPED θ = -0\.07321/);
  assert.match(text.stdout, /one vs zero/);
});

test('experiment stats --json: Bayesian chance to win and risk, first arm then this arm', async () => {
  const file = write('bayes.json', {
    metric: 'proportion',
    method: 'bayesian',
    arms: [
      { name: 'a', n: 100, sum: 49, sum_squares: 49 },
      { name: 'b', n: 100, sum: 51, sum_squares: 51 },
    ],
  });
  const run = tenure('experiment', 'stats', '--input', file, '--json');
  assert.equal(run.status, 0, run.stderr);
  const c = JSON.parse(run.stdout).comparisons[0];
  close(c.chance_to_win, 0.60918, 5e-6);
  close(c.risk[0], 0.0814, 5e-6);
  close(c.risk[1], 0.04058, 5e-6);
  assert.equal(c.p_value, undefined);
});

test('experiment stats: an arm with n = 0 or no variance is flagged, not NaN', async () => {
  const file = write('flat.json', {
    metric: 'mean',
    arms: [
      { name: 'control', n: 10, sum: 20, sum_squares: 50 },
      { name: 'flat', n: 5, sum: 10, sum_squares: 20 },
      { name: 'empty', n: 0, sum: 0, sum_squares: 0 },
    ],
  });
  const run = tenure('experiment', 'stats', '--input', file, '--json');
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /NaN|null,\s*null\]/);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(
    out.comparisons.map((c: { flags: string[] }) => c.flags),
    [['zero_variance'], ['no_units']],
  );
  const text = tenure('experiment', 'stats', '--input', file);
  assert.match(text.stdout, /'flat' has no variance/);
  assert.match(text.stdout, /'empty' has no units yet/);
});

test('experiment stats: bad input names the field, exit 2, no stack', async () => {
  const bad = write('bad.json', {
    metric: 'mean',
    arms: [
      { name: 'a', n: 10, sum: 5 },
      { name: 'b', n: -1, sum: 1, sum_squares: 1 },
    ],
  });
  const run = tenure('experiment', 'stats', '--input', bad);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /field arms\[0\]\.sum_squares/);
  assert.match(run.stderr, /arms\[1\]\.n/);
  noStack(run.stderr);
  const notJson = tenure('experiment', 'stats', '--input', write('x.json', '{"metric": '));
  assert.equal(notJson.status, 2);
  assert.match(notJson.stderr, /is not JSON/);
  noStack(notJson.stderr);
  const missing = tenure('experiment', 'stats', '--input', join(dir, 'none.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*ENOENT/);
  assert.equal(tenure('experiment', 'stats').status, 2);
});

test('experiment srm and adjust', async () => {
  const srm = tenure('experiment', 'srm', '--counts', '1000,1200', '--weights', '0.5,0.5', '--json');
  assert.equal(srm.status, 0, srm.stderr);
  const out = JSON.parse(srm.stdout);
  close(out.chi_square, 200 / 11, 1e-12); // chisq.test: X-squared = 18.182, p-value = 2.008e-05
  close(out.p_value, 2.007865612426481e-5, 1e-12);
  assert.equal(out.mismatch, true);
  const changed = tenure(
    'experiment',
    'srm',
    '--counts',
    '500,500;300,700',
    '--weights',
    '1,1;3,7',
    '--json',
  );
  assert.equal(JSON.parse(changed.stdout).weights_changed, true);
  const adjust = tenure('experiment', 'adjust', '--p', '0.01,0.04,0.03', '--method', 'holm', '--json');
  assert.equal(adjust.status, 0, adjust.stderr);
  assert.deepEqual(JSON.parse(adjust.stdout).adjusted_p_values, [0.03, 0.06, 0.06]); // p.adjust(…, "holm")
  const badP = tenure('experiment', 'adjust', '--p', '0.01,x', '--json');
  assert.equal(badP.status, 2);
  assert.match(badP.stderr, /--p \(item 2\) must be a number/);
  noStack(badP.stderr);
  assert.equal(tenure('experiment', 'adjust', '--p', '0.1', '--method', 'bonferroni').status, 2);
  assert.equal(tenure('experiment', 'srm', '--counts', '1,2', '--weights', '1,1,1').status, 2);
});

test('the real command line: `tenure experiment srm` as a child process', () => {
  const run = spawnSync(
    process.execPath,
    [...CLI, 'experiment', 'srm', '--counts', '1000,1200', '--weights', '0.5,0.5'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /chi-square 18\.18 on 1 df, p = 0\.0000201/);
  assert.match(run.stdout, /sample-ratio mismatch/);
});
