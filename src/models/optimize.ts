// Unconstrained minimisation for the model fits: Nelder–Mead from several starts (robust far from the
// optimum, needs no gradient), then BFGS with central-difference gradients to polish the best point.
// Models minimise the negative log-likelihood over log-parameters, so every point is admissible; a
// non-finite objective is treated as +Infinity, which both methods step away from.

export type Objective = (x: readonly number[]) => number;

export interface Minimum {
  x: number[];
  value: number;
  /** True when the polish ended with a gradient that is small relative to the objective. */
  converged: boolean;
  evaluations: number;
}

const finite = (f: Objective) => (x: readonly number[]) => {
  const v = f(x);
  return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
};

/** Nelder–Mead with the standard coefficients; `step` is the initial simplex edge. */
export function nelderMead(f: Objective, x0: readonly number[], step = 1, maxIter = 2000): Minimum {
  const n = x0.length;
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = (p[i] as number) + step;
    simplex.push(p);
  }
  let values = simplex.map((p) => f(p));
  let evaluations = n + 1;
  const at = (i: number) => simplex[i] as number[];
  for (let iter = 0; iter < maxIter; iter++) {
    const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
    const sorted = order.map(at);
    values = order.map((i) => values[i] as number);
    simplex.splice(0, simplex.length, ...sorted);
    const best = values[0] as number;
    const worst = values[n] as number;
    const spread = Math.max(
      ...simplex.map((p) => Math.max(...p.map((v, j) => Math.abs(v - (at(0)[j] as number))))),
    );
    // BFGS polishes afterwards, so the simplex need only close in on the basin.
    if (Math.abs(worst - best) <= 1e-10 * (Math.abs(best) + 1e-10) && spread < 1e-6) break;
    if (spread < 1e-10) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (at(i)[j] as number) / n;
    const towards = (t: number) => centroid.map((c, j) => c + t * ((at(n)[j] as number) - c));
    const reflected = towards(-1);
    const fr = f(reflected);
    evaluations++;
    if (fr < best) {
      const expanded = towards(-2);
      const fe = f(expanded);
      evaluations++;
      simplex[n] = fe < fr ? expanded : reflected;
      values[n] = Math.min(fe, fr);
    } else if (fr < (values[n - 1] as number)) {
      simplex[n] = reflected;
      values[n] = fr;
    } else {
      const contracted = fr < worst ? towards(-0.5) : towards(0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < Math.min(fr, worst)) {
        simplex[n] = contracted;
        values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = at(i).map((v, j) => (at(0)[j] as number) + 0.5 * (v - (at(0)[j] as number)));
          values[i] = f(at(i));
          evaluations++;
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if ((values[i] as number) < (values[bestIndex] as number)) bestIndex = i;
  return { x: at(bestIndex).slice(), value: values[bestIndex] as number, converged: true, evaluations };
}

/** Central-difference gradient. */
export function gradient(f: Objective, x: readonly number[], h = 1e-6): number[] {
  return x.map((xi, i) => {
    const step = h * Math.max(1, Math.abs(xi));
    const up = x.slice();
    const down = x.slice();
    up[i] = xi + step;
    down[i] = xi - step;
    return (f(up) - f(down)) / (2 * step);
  });
}

const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((s, v, i) => s + v * (b[i] as number), 0);

const identity = (n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/**
 * The BFGS update of the inverse Hessian `h` after a step from x (gradient g) to next (gradient gnext);
 * `h` is kept when the curvature condition fails (sᵀy ≤ 0), so it stays positive definite.
 */
function bfgsUpdate(
  h: number[][],
  x: readonly number[],
  next: readonly number[],
  g: readonly number[],
  gnext: readonly number[],
): number[][] {
  const s = next.map((v, i) => v - (x[i] as number));
  const y = gnext.map((v, i) => v - (g[i] as number));
  const sy = dot(s, y);
  if (sy <= 1e-12) return h;
  const hy = h.map((row) => dot(row, y));
  const yhy = dot(y, hy);
  return h.map((row, i) =>
    row.map(
      (v, j) =>
        v +
        ((sy + yhy) * (s[i] as number) * (s[j] as number)) / (sy * sy) -
        ((hy[i] as number) * (s[j] as number) + (s[i] as number) * (hy[j] as number)) / sy,
    ),
  );
}

/** BFGS with a backtracking (Armijo) line search and central-difference gradients. */
export function bfgs(f: Objective, x0: readonly number[], maxIter = 200, gradTol = 1e-6): Minimum {
  const n = x0.length;
  let x = x0.slice();
  let fx = f(x);
  let g = gradient(f, x);
  let evaluations = 1 + 2 * n;
  let h = identity(n);
  const small = () => Math.max(...g.map(Math.abs)) <= gradTol * Math.max(1, Math.abs(fx));
  for (let iter = 0; iter < maxIter && !small(); iter++) {
    let direction = h.map((row) => -dot(row, g));
    if (dot(direction, g) >= 0) {
      // Not a descent direction: reset to steepest descent.
      h = identity(n);
      direction = g.map((v) => -v);
    }
    let t = 1;
    let next = x;
    let fnext = fx;
    for (let k = 0; k < 60; k++) {
      next = x.map((v, i) => v + t * (direction[i] as number));
      fnext = f(next);
      evaluations++;
      if (fnext <= fx + 1e-4 * t * dot(g, direction)) break;
      t /= 2;
    }
    if (!(fnext < fx)) break;
    const gnext = gradient(f, next);
    evaluations += 2 * n;
    h = bfgsUpdate(h, x, next, g, gnext);
    x = next;
    fx = fnext;
    g = gnext;
  }
  return { x, value: fx, converged: small(), evaluations };
}

/**
 * The minimum of f from several starting points: Nelder–Mead from each, polished by BFGS; then, from the
 * best point, a small fresh simplex and another polish, repeated until that no longer improves (a
 * collapsed simplex or a flat ridge can stop either method short of the optimum on its own).
 */
export function minimize(f: Objective, starts: readonly (readonly number[])[]): Minimum {
  const g = finite(f);
  let evaluations = 0;
  const descend = (x0: readonly number[], step: number): Minimum => {
    const nm = nelderMead(g, x0, step);
    const polished = bfgs(g, nm.x);
    evaluations += nm.evaluations + polished.evaluations;
    return polished.value <= nm.value ? polished : { ...nm, converged: false };
  };
  let best: Minimum | undefined;
  for (const start of starts) {
    const run = descend(start, 1);
    if (best === undefined || run.value < best.value) best = run;
  }
  if (best === undefined) throw new RangeError('minimize needs at least one starting point');
  for (let restart = 0; restart < 10; restart++) {
    const again = descend(best.x, 0.1);
    const improved = best.value - again.value > 1e-9 * (Math.abs(best.value) + 1);
    if (again.value < best.value || (again.value === best.value && again.converged)) best = again;
    if (!improved) break;
  }
  return { ...best, evaluations };
}

/** An objective that also writes its gradient into `gradient`. */
export type ObjectiveWithGradient = (x: readonly number[], gradient: number[]) => number;

/**
 * BFGS with an analytic gradient and a backtracking (Armijo) line search: for objectives too costly to
 * difference (a large sample's likelihood), each step costs one gradient and the line search's values.
 */
export function bfgsWithGradient(
  f: ObjectiveWithGradient,
  x0: readonly number[],
  opts: { maxIter?: number; gradTol?: number; inverseHessian?: number[][] | undefined } = {},
): Minimum {
  const { maxIter = 200, gradTol = 1e-6 } = opts;
  const n = x0.length;
  let x = x0.slice();
  let g = new Array<number>(n).fill(0);
  let fx = f(x, g);
  let evaluations = 1;
  // A good first inverse Hessian (e.g. from differences of the gradient) makes the first steps Newton's.
  let h: number[][] = opts.inverseHessian?.map((row) => row.slice()) ?? identity(n);
  const small = () =>
    Number.isFinite(fx) && Math.max(...g.map(Math.abs)) <= gradTol * Math.max(1, Math.abs(fx));
  for (let iter = 0; iter < maxIter && !small(); iter++) {
    let direction = h.map((row) => -dot(row, g));
    if (dot(direction, g) >= 0) {
      // Not a descent direction: reset to steepest descent.
      h = identity(n);
      direction = g.map((v) => -v);
    }
    let t = 1;
    let next = x;
    let fnext = fx;
    const gnext = new Array<number>(n).fill(0);
    for (let k = 0; k < 60; k++) {
      next = x.map((v, i) => v + t * (direction[i] as number));
      fnext = f(next, gnext);
      evaluations++;
      if (Number.isFinite(fnext) && fnext <= fx + 1e-4 * t * dot(g, direction)) break;
      t /= 2;
    }
    if (!(fnext < fx)) break;
    h = bfgsUpdate(h, x, next, g, gnext);
    x = next;
    fx = fnext;
    g = gnext;
  }
  return { x, value: fx, converged: small(), evaluations };
}
