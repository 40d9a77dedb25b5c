// The optimiser on textbook problems, from starting points far from the minimum.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invert, numericalHessian } from './hessian.ts';
import { bfgs, minimize, nelderMead } from './optimize.ts';

const rosenbrock = ([x, y]: readonly number[]) =>
  100 * ((y as number) - (x as number) ** 2) ** 2 + (1 - (x as number)) ** 2;

test('minimize finds the Rosenbrock minimum (1, 1) from far away', () => {
  for (const start of [
    [-3, 4],
    [10, -10],
  ]) {
    const m = minimize(rosenbrock, [start]);
    assert.ok(
      Math.abs((m.x[0] as number) - 1) < 1e-5 && Math.abs((m.x[1] as number) - 1) < 1e-5,
      `${m.x} from ${start}`,
    );
    assert.ok(m.converged);
  }
});

test('Nelder–Mead and BFGS each reach a quadratic minimum; a NaN region is stepped away from', () => {
  const quad = ([x, y]: readonly number[]) => ((x as number) - 2) ** 2 + 3 * ((y as number) + 1) ** 2;
  const nm = nelderMead(quad, [10, 10]);
  assert.ok(Math.abs((nm.x[0] as number) - 2) < 1e-4);
  const b = bfgs(quad, [10, 10]);
  assert.ok(Math.abs((b.x[1] as number) + 1) < 1e-5);
  const holes = (x: readonly number[]) => ((x[0] as number) > 5 ? Number.NaN : quad(x));
  const m = minimize(holes, [[4, 0]]);
  assert.ok(Math.abs((m.x[0] as number) - 2) < 1e-5);
});

test('the numerical Hessian and its inverse match a known quadratic form', () => {
  // f = x² + xy + 2y² has Hessian [[2, 1], [1, 4]], inverse [[4, −1], [−1, 2]]/7.
  const f = ([x, y]: readonly number[]) =>
    (x as number) ** 2 + (x as number) * (y as number) + 2 * (y as number) ** 2;
  const h = numericalHessian(f, [0.3, -0.2]);
  const inv = invert(h);
  assert.ok(inv);
  const expected = [
    [4 / 7, -1 / 7],
    [-1 / 7, 2 / 7],
  ];
  for (const [i, row] of expected.entries()) {
    for (const [j, v] of row.entries()) assert.ok(Math.abs(((inv[i] as number[])[j] as number) - v) < 1e-6);
  }
  assert.equal(
    invert([
      [1, 2],
      [2, 4],
    ]),
    undefined,
  );
});
