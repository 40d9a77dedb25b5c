// Normal and Student t functions against R's pnorm, pt and qt (R 4.x; the same digits scipy.stats prints).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  normalCdf,
  normalDensity,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from './distributions.ts';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test('the normal CDF and density', () => {
  close(normalCdf(-1.959963984540054), 0.025, 1e-15); // pnorm(qnorm(0.025))
  close(normalCdf(0), 0.5, 1e-16);
  close(normalCdf(-8), 6.22096057427174e-16, 1e-28); // pnorm(-8) = 6.220961e-16: the tail keeps its digits
  close(normalDensity(0), 1 / Math.sqrt(2 * Math.PI), 1e-16);
});

test("Student's t CDF and quantile match R's pt and qt", () => {
  close(studentTCdf(2, 5), 0.9490302605850708, 1e-12); // pt(2, 5)
  close(studentTQuantile(0.975, 10), 2.228138851986274, 1e-10); // qt(0.975, 10)
  close(studentTQuantile(0.975, 1), 12.706204736174694, 1e-8); // qt(0.975, 1)
  // Welch's df for R's sleep data (t.test(extra ~ group, data = sleep)): 17.776, p = 0.07939.
  close(studentTQuantile(0.975, 17.776), 2.102821310380221, 1e-9);
  close(studentTTwoSided(1.8608, 17.776), 0.07939657813977986, 1e-9);
  // Huge df tends to the normal; a huge statistic keeps a tiny p-value instead of rounding to 0.
  close(studentTQuantile(0.975, 1e7), 1.959964221767205, 1e-8);
  close(studentTTwoSided(30, 6000), 2.2969286963745202e-184, 1e-190);
});
