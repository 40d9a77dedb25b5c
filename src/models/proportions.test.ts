// Wilson and Newcombe intervals against the published values: Newcombe (1998, Statistics in Medicine 17,
// 857–872 and 873–890), method 10 of the difference paper (Table II) and the score method of the single
// proportion paper (Table I).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newcombeDifference, wilsonInterval } from './proportions.ts';

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 5e-5, `${what}: ${actual} vs ${expected}`);

test('Wilson score intervals reproduce Newcombe’s Table I', () => {
  // 81/263 = 0.3080: 0.2553 to 0.3662; 0/20: 0 to 0.1611 (the Wald interval would be the point 0).
  const a = wilsonInterval(81, 263);
  near(a?.lower ?? NaN, 0.2553, 'lower 81/263');
  near(a?.upper ?? NaN, 0.3662, 'upper 81/263');
  const b = wilsonInterval(0, 20);
  assert.equal(b?.lower, 0);
  near(b?.upper ?? NaN, 0.1611, 'upper 0/20');
  assert.equal(wilsonInterval(0, 0), null);
});

test('Newcombe’s hybrid score interval for a difference reproduces his Table II', () => {
  const cases: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ];
  for (const [s1, n1, s2, n2, lower, upper] of cases) {
    const d = newcombeDifference(s1, n1, s2, n2);
    assert.ok(d);
    near(d.estimate, s1 / n1 - s2 / n2, `${s1}/${n1} − ${s2}/${n2}`);
    near(d.lower, lower, `lower ${s1}/${n1} − ${s2}/${n2}`);
    near(d.upper, upper, `upper ${s1}/${n1} − ${s2}/${n2}`);
  }
  assert.equal(newcombeDifference(1, 2, 0, 0), null);
});
