// `tenure model …` as a user runs it: fits printed by the papers' names with standard errors and
// projections, and bad input answered with the file, line, column and what to do (never a stack trace).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tenure } from '../../test/support/cli.ts';
import { CDNOW_RFM } from './cdnow.test-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n +at /);

test('model sbg --json prints alpha, beta, their errors, the log-likelihood and projections', () => {
  const run = tenure(
    'model',
    'sbg',
    '--survivors',
    '1000,631,468,382,326,289,262,241',
    '--periods',
    '12',
    '--discount',
    '0.1',
    '--json',
  );
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  // Fader & Hardie (2007): regular cohort, α = 0.704, β = 1.182.
  close(out.params.alpha, 0.704, 0.0005);
  close(out.params.beta, 1.182, 0.0005);
  assert.ok(out.standard_errors.alpha > 0 && out.standard_errors.beta > 0);
  close(out.log_likelihood, -1680.3, 0.05);
  assert.equal(out.projections.length, 12);
  assert.equal(out.projections[6].observed, 241);
  assert.equal(out.projections[7].observed, null);
  assert.equal(out.expected_lifetime, null);
  assert.deepEqual(out.flags, ['infinite_mean_lifetime']);
  assert.ok(out.del > 1 && out.derl.length === 8);
  const text = tenure('model', 'sbg', '--survivors', '1000,631,468,382,326,289,262,241');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /alpha +0\.704/);
});

test('model bgnbd and gammagamma --json give the published CDNOW estimates', () => {
  const bg = tenure('model', 'bgnbd', '--rfm', CDNOW_RFM, '--json');
  assert.equal(bg.status, 0, bg.stderr);
  const fit = JSON.parse(bg.stdout);
  // Fader, Hardie & Lee (2005), Marketing Science: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL −9582.4.
  close(fit.params.r, 0.243, 0.0005);
  close(fit.params.alpha, 4.414, 0.0005);
  close(fit.params.a, 0.793, 0.0005);
  close(fit.params.b, 2.426, 0.0005);
  close(fit.log_likelihood, -9582.4, 0.05);
  assert.deepEqual(Object.keys(fit.standard_errors), ['r', 'alpha', 'a', 'b']);
  assert.equal(fit.per_customer.length, 2357);
  assert.ok(
    fit.per_customer.every(
      (c: { probability_alive: number }) => c.probability_alive > 0 && c.probability_alive <= 1,
    ),
  );

  const gg = tenure('model', 'gammagamma', '--rfm', CDNOW_RFM, '--json');
  assert.equal(gg.status, 0, gg.stderr);
  const spend = JSON.parse(gg.stdout);
  // Fader & Hardie (2013), note 025: p = 6.25, q = 3.74, γ = 15.44.
  close(spend.params.p, 6.25, 0.005);
  close(spend.params.q, 3.74, 0.005);
  close(spend.params.v, 15.44, 0.01);
  assert.equal(spend.customers, 946);
  assert.deepEqual(spend.flags, []);

  const clv = tenure(
    'model',
    'gammagamma',
    '--rfm',
    CDNOW_RFM,
    '--months',
    '12',
    '--discount',
    '0.01',
    '--json',
  );
  assert.equal(clv.status, 0, clv.stderr);
  const valued = JSON.parse(clv.stdout);
  close(valued.clv.bgnbd.params.r, 0.243, 0.0005);
  const values = valued.per_customer.map((c: { clv: number }) => c.clv);
  assert.ok(values.every((v: number) => Number.isFinite(v) && v >= 0));
  assert.ok(values.some((v: number) => v > 100));
});

test('model km --json gives Kaplan–Meier per group and the log-rank test', () => {
  // Freireich et al. (1963) remission times; Kleinbaum & Klein (2012), ch. 2: log-rank 16.79 on 1 df.
  const placebo = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23].map(
    (d) => `${d},1,placebo`,
  );
  const sixMp = '6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+'
    .split(' ')
    .map((s) => `${Number.parseFloat(s)},${s.endsWith('+') ? 0 : 1},6-MP`);
  const file = write('leukemia.csv', ['duration,event,group', ...placebo, ...sixMp].join('\n'));
  const run = tenure('model', 'km', '--durations', file, '--json');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  close(out.log_rank.chi_square, 16.79, 0.005);
  assert.equal(out.log_rank.df, 1);
  const mp = out.groups.find((g: { group: string }) => g.group === '6-MP');
  close(mp.steps.find((s: { time: number }) => s.time === 23).survival, 0.448, 0.0005);
  assert.equal(mp.median, 23);
  const text = tenure('model', 'km', '--durations', file);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /log-rank test: chi-square 16\.79 on 1 df/);
});

test('model km --horizon gives each group RMST with its interval, and two groups their difference', () => {
  // survRM2's vignette: rmst2 on the 312 randomised PBC patients (years = days / 365.25, death the event),
  // tau = 10: RMST 7.283 (se 0.295, 6.704 to 7.863) placebo, 7.146 (se 0.283, 6.592 to 7.701)
  // D-penicillamine; difference −0.137 (−0.939 to 0.665), p 0.738; ratio 0.981 (0.878 to 1.096).
  const pbc = readFileSync(
    new URL('../../test/fixtures/experiments/pbc-randomised.csv', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number) as [number, number, number])
    .sort((a, b) => b[2] - a[2]) // placebo (trt 2) first: the first group is the baseline
    .map(
      ([days, status, trt]) =>
        `${days / 365.25},${status === 2 ? 1 : 0},${trt === 1 ? 'D-penicillamine' : 'placebo'}`,
    );
  const file = write('pbc.csv', ['duration,event,group', ...pbc].join('\n'));
  const run = tenure('model', 'km', '--durations', file, '--horizon', '10', '--json');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(
    out.groups.map((g: { group: string }) => g.group),
    ['placebo', 'D-penicillamine'],
  );
  const [placebo, treated] = out.groups;
  close(placebo.rmst.rmst, 7.283, 0.0005);
  close(placebo.rmst.standard_error, 0.295, 0.0005);
  close(placebo.rmst.ci[0], 6.704, 0.0005);
  close(placebo.rmst.ci[1], 7.863, 0.0005);
  close(treated.rmst.rmst, 7.146, 0.0005);
  close(treated.rmst.ci[0], 6.592, 0.0005);
  const d = out.rmst_difference;
  assert.equal(d.arm, 'D-penicillamine');
  assert.equal(d.baseline, 'placebo');
  close(d.difference, -0.137, 0.0005);
  close(d.ci[0], -0.939, 0.0005);
  close(d.ci[1], 0.665, 0.0005);
  close(d.p_value, 0.738, 0.0005);
  close(d.ratio, 0.981, 0.0005);
  const text = tenure('model', 'km', '--durations', file, '--horizon', '10');
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /RMST difference D-penicillamine − placebo to 10: -0\.1369 \(s\.e\. 0\.409, -0\.9385 to 0\.6647\), p = 0\.738/,
  );
});

test('bad input names the file, line, column or option and says what to do', () => {
  const missing = tenure('model', 'bgnbd', '--rfm', join(dir, 'nope.csv'));
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /nope\.csv: cannot read .* — check the path/);

  const header = 'customer_id,frequency,recency,T,monetary_value';
  const rows = Array.from(
    { length: 30 },
    (_, i) => `${i},${i % 3},${i % 3 === 0 ? 0 : 10},38,${i % 3 === 0 ? 0 : 20}`,
  );
  const badCell = [...rows];
  badCell[4] = '4,2,ten,38,20';
  const cell = tenure('model', 'bgnbd', '--rfm', write('cell.csv', [header, ...badCell].join('\n')));
  assert.equal(cell.status, 2);
  assert.match(
    cell.stderr,
    /cell\.csv, line 6, column recency: 'ten' is not a number — give a number in column recency/,
  );
  noStack(cell.stderr);

  const late = [...rows];
  late[9] = '9,2,50,38,20';
  const range = tenure('model', 'bgnbd', '--rfm', write('late.csv', [header, ...late].join('\n')));
  assert.equal(range.status, 2);
  assert.match(range.stderr, /late\.csv, line 11, column recency: recency must lie in \[0, T\]/);

  const few = tenure(
    'model',
    'gammagamma',
    '--rfm',
    write('few.csv', [header, ...rows.slice(0, 6)].join('\n')),
  );
  assert.equal(few.status, 2);
  assert.match(few.stderr, /few\.csv.*too few customers with a repeat purchase/);

  const noColumn = tenure(
    'model',
    'bgnbd',
    '--rfm',
    write('cols.csv', 'customer_id,frequency,recency\n1,0,0\n'),
  );
  assert.equal(noColumn.status, 2);
  assert.match(noColumn.stderr, /line 1, column T: no column 'T'/);

  const censored = tenure('model', 'km', '--durations', write('censored.csv', 'duration,event\n3,0\n5,0\n'));
  assert.equal(censored.status, 2);
  assert.match(censored.stderr, /censored\.csv, column event: no events/);

  const rising = tenure('model', 'sbg', '--survivors', '1000,631,700');
  assert.equal(rising.status, 2);
  assert.match(rising.stderr, /field --survivors: survivors must not increase/);
  const word = tenure('model', 'sbg', '--survivors', '1000,six,3');
  assert.equal(word.status, 2);
  assert.match(word.stderr, /value 2 of --survivors is not a number: 'six'/);
  for (const r of [missing, few, noColumn, censored, rising, word]) noStack(r.stderr);
});
