// A discrete-time proportional-hazards model (Allison 1982, "Discrete-time methods for the analysis of
// event histories", Sociological Methodology 13: 61–98): each customer faces a sequence of renewal
// decisions and churns at one with probability h; decisions are independent given the covariates, so the
// likelihood is a product of Bernoulli terms and decisions sharing their covariates fold into one binomial
// cell (at risk, churned). The hazard is multiplicative — h = base[stratum] × Π multiplier — so the link is
// the logarithm, a log-binomial regression (Wacholder 1986, "Binomial regression in GLIM: estimating risk
// ratios and risk differences", Am. J. Epidemiology 123(1): 174–184), fitted by Fisher scoring with
// step-halving that keeps every fitted hazard below 1. Standard errors come from the Fisher information.

import { badInput } from '../errors/tenure-error.ts';
import { normalQuantile } from './special-functions.ts';

/** Decisions sharing their covariates: how many were at risk and how many churned. */
export interface HazardCell {
  covariates: Readonly<Record<string, string>>;
  atRisk: number;
  events: number;
}

export interface HazardSpec {
  /** The covariate with its own base hazard per level (e.g. plan). */
  stratum: string;
  /** Covariates acting as multipliers, each against a reference level (default: the level most at risk). */
  factors: readonly { name: string; reference?: string }[];
  /** Two-sided interval level (default 0.95). */
  level?: number;
}

export interface HazardEstimate {
  /** `stratum=level` for a base hazard, `factor=level` for a multiplier. */
  term: string;
  covariate: string;
  level: string;
  /** The base hazard, or the multiplier against the factor's reference level. */
  estimate: number;
  /** Standard error of the estimate's logarithm. */
  logStandardError: number;
  lower: number;
  upper: number;
  atRisk: number;
  events: number;
}

export interface HazardFit {
  baseHazards: HazardEstimate[];
  multipliers: HazardEstimate[];
  references: Record<string, string>;
  /** Terms whose column is a combination of earlier ones (the same customers): left out of the fit. */
  aliased: string[];
  level: number;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  decisions: number;
  events: number;
}

interface Column {
  term: string;
  covariate: string;
  level: string;
  stratum: boolean;
}

function checkCells(cells: readonly HazardCell[], spec: HazardSpec): void {
  if (cells.length === 0) throw badInput('no cells were given', { field: 'cells' }, 'give decisions at risk');
  const names = [spec.stratum, ...spec.factors.map((f) => f.name)];
  cells.forEach((c, i) => {
    if (!(Number.isInteger(c.atRisk) && c.atRisk >= 0)) {
      throw badInput(`cells[${i}].atRisk is not a whole number ≥ 0: ${c.atRisk}`, {
        field: `cells[${i}].atRisk`,
      });
    }
    if (!(Number.isInteger(c.events) && c.events >= 0 && c.events <= c.atRisk)) {
      throw badInput(
        `cells[${i}].events must be a whole number from 0 to atRisk (${c.atRisk}): ${c.events}`,
        {
          field: `cells[${i}].events`,
        },
      );
    }
    for (const name of names) {
      if (typeof c.covariates[name] !== 'string') {
        throw badInput(`cells[${i}] has no value for covariate '${name}'`, {
          field: `cells[${i}].covariates.${name}`,
        });
      }
    }
  });
  if (!cells.some((c) => c.events > 0)) {
    throw badInput('no decision ended in a churn', { field: 'cells' }, 'the model needs some churns');
  }
}

/** Decisions at risk per level of a covariate. */
function exposure(
  cells: readonly HazardCell[],
  name: string,
): Map<string, { atRisk: number; events: number }> {
  const out = new Map<string, { atRisk: number; events: number }>();
  for (const c of cells) {
    const level = c.covariates[name] as string;
    const e = out.get(level) ?? { atRisk: 0, events: 0 };
    e.atRisk += c.atRisk;
    e.events += c.events;
    out.set(level, e);
  }
  return out;
}

function columnsOf(
  cells: readonly HazardCell[],
  spec: HazardSpec,
): { columns: Column[]; references: Record<string, string> } {
  const columns: Column[] = [];
  const references: Record<string, string> = {};
  const levelsAtRisk = (name: string) =>
    [...exposure(cells, name)].filter(([, e]) => e.atRisk > 0).sort(([a], [b]) => a.localeCompare(b));
  for (const [level] of levelsAtRisk(spec.stratum)) {
    columns.push({ term: `${spec.stratum}=${level}`, covariate: spec.stratum, level, stratum: true });
  }
  for (const f of spec.factors) {
    const levels = levelsAtRisk(f.name);
    const most = [...levels].sort(([, a], [, b]) => b.atRisk - a.atRisk)[0]?.[0];
    const reference = f.reference ?? most;
    if (reference === undefined) continue;
    if (!levels.some(([l]) => l === reference)) {
      throw badInput(
        `the reference level '${reference}' of '${f.name}' has no decisions at risk`,
        { field: `factors.${f.name}.reference` },
        `choose one of ${levels.map(([l]) => l).join(', ')}`,
      );
    }
    references[f.name] = reference;
    for (const [level] of levels) {
      if (level !== reference)
        columns.push({ term: `${f.name}=${level}`, covariate: f.name, level, stratum: false });
    }
  }
  return { columns, references };
}

/** Cholesky factor of a symmetric positive-definite matrix; undefined when it is not. */
function cholesky(a: readonly number[][]): number[][] | undefined {
  const n = a.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      if (i === j) {
        if (!(s > 0)) return undefined;
        (l[i] as number[])[i] = Math.sqrt(s);
      } else (l[i] as number[])[j] = s / ((l[j] as number[])[j] as number);
    }
  }
  return l;
}

/** Solves (L Lᵀ) x = b. */
function choleskySolve(l: readonly number[][], b: readonly number[]): number[] {
  const n = b.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= ((l[i] as number[])[k] as number) * (y[k] as number);
    y[i] = s / ((l[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = s / ((l[i] as number[])[i] as number);
  }
  return x;
}

/**
 * Columns kept in order, leaving out each one that the kept ones before it already span over the decisions
 * at risk (its residual sum of squares, weighted by decisions, is below 1e-9 of its own).
 */
function independentColumns(x: readonly number[][], weights: readonly number[], p: number): number[] {
  const kept: number[] = [];
  for (let j = 0; j < p; j++) {
    const cols = [...kept, j];
    const gram = cols.map((a) =>
      cols.map((b) =>
        x.reduce((s, row, i) => s + (weights[i] as number) * (row[a] as number) * (row[b] as number), 0),
      ),
    );
    const own = (gram[cols.length - 1] as number[])[cols.length - 1] as number;
    const l = cholesky(gram);
    const last = l ? ((l[cols.length - 1] as number[])[cols.length - 1] as number) : 0;
    if (own > 0 && last * last > 1e-9 * own) kept.push(j);
  }
  return kept;
}

interface State {
  beta: number[];
  ll: number;
}

/** The log-likelihood Σ y·η + (n − y)·ln(1 − e^η); −∞ when a fitted hazard reaches 1. */
function logLikelihood(
  x: readonly number[][],
  cells: readonly HazardCell[],
  beta: readonly number[],
): number {
  let ll = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as HazardCell;
    if (c.atRisk === 0) continue;
    const eta = (x[i] as number[]).reduce((s, v, j) => s + v * (beta[j] as number), 0);
    const p = Math.exp(eta);
    if (!(p < 1)) return Number.NEGATIVE_INFINITY;
    ll += c.events * eta + (c.atRisk - c.events === 0 ? 0 : (c.atRisk - c.events) * Math.log1p(-p));
  }
  return ll;
}

/** Score and Fisher information Σ x xᵀ n p/(1 − p) at β. */
function scoreAndInformation(
  x: readonly number[][],
  cells: readonly HazardCell[],
  beta: readonly number[],
): { score: number[]; info: number[][] } {
  const p = beta.length;
  const score = new Array<number>(p).fill(0);
  const info: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as HazardCell;
    if (c.atRisk === 0) continue;
    const row = x[i] as number[];
    const mu = Math.exp(row.reduce((s, v, j) => s + v * (beta[j] as number), 0));
    const u = c.events - ((c.atRisk - c.events) * mu) / (1 - mu);
    const w = (c.atRisk * mu) / (1 - mu);
    for (let a = 0; a < p; a++) {
      if (row[a] === 0) continue;
      score[a] = (score[a] as number) + (row[a] as number) * u;
      for (let b = 0; b < p; b++) {
        const r = info[a] as number[];
        r[b] = (r[b] as number) + w * (row[a] as number) * (row[b] as number);
      }
    }
  }
  return { score, info };
}

function fisherScoring(x: readonly number[][], cells: readonly HazardCell[], start: number[]) {
  let state: State = { beta: start, ll: logLikelihood(x, cells, start) };
  let converged = false;
  let iterations = 0;
  for (; iterations < 200 && !converged; iterations++) {
    const { score, info } = scoreAndInformation(x, cells, state.beta);
    const l = cholesky(info);
    if (!l) break;
    const step = choleskySolve(l, score);
    let scale = 1;
    let next: State | undefined;
    for (let half = 0; half < 60; half++, scale /= 2) {
      const beta = state.beta.map((b, j) => b + scale * (step[j] as number));
      const ll = logLikelihood(x, cells, beta);
      if (ll >= state.ll - 1e-12) {
        next = { beta, ll };
        break;
      }
    }
    if (!next) break;
    converged = Math.max(...step.map((s) => Math.abs(s * scale))) < 1e-9;
    state = next;
  }
  return { state, converged, iterations };
}

/** The maximum-likelihood base hazards and multipliers, with intervals at `spec.level`. */
export function fitDiscreteHazard(cells: readonly HazardCell[], spec: HazardSpec): HazardFit {
  checkCells(cells, spec);
  const level = spec.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw badInput(`the level must lie in (0, 1), not ${level}`, { field: 'level' });
  const { columns: all, references } = columnsOf(cells, spec);
  const design = cells.map((c) => all.map((col) => (c.covariates[col.covariate] === col.level ? 1 : 0)));
  const kept = independentColumns(
    design,
    cells.map((c) => c.atRisk),
    all.length,
  );
  const columns = kept.map((j) => all[j] as Column);
  const x = design.map((row) => kept.map((j) => row[j] as number));
  const totals = exposure(cells, spec.stratum);
  // Start from each stratum's crude hazard and no effects: every fitted hazard is then below 1.
  const start = columns.map((col) => {
    if (!col.stratum) return 0;
    const e = totals.get(col.level) as { atRisk: number; events: number };
    return Math.log(Math.min(0.5, Math.max(0.5, e.events) / e.atRisk));
  });
  const { state, converged, iterations } = fisherScoring(x, cells, start);
  const { info } = scoreAndInformation(x, cells, state.beta);
  const l = cholesky(info);
  const z = normalQuantile(1 - (1 - level) / 2);
  const estimates = columns.map((col, j) => {
    const unit = new Array<number>(columns.length).fill(0);
    unit[j] = 1;
    const variance = l ? (choleskySolve(l, unit)[j] as number) : Number.NaN;
    const se = Number.isFinite(variance) && variance >= 0 ? Math.sqrt(variance) : Number.POSITIVE_INFINITY;
    const b = state.beta[j] as number;
    const e = exposure(cells, col.covariate).get(col.level) as { atRisk: number; events: number };
    return {
      term: col.term,
      covariate: col.covariate,
      level: col.level,
      estimate: Math.exp(b),
      logStandardError: se,
      lower: Math.exp(b - z * se),
      upper: Number.isFinite(se) ? Math.exp(b + z * se) : Number.POSITIVE_INFINITY,
      atRisk: e.atRisk,
      events: e.events,
    };
  });
  return {
    baseHazards: estimates.filter((_, j) => (columns[j] as Column).stratum),
    multipliers: estimates.filter((_, j) => !(columns[j] as Column).stratum),
    references,
    aliased: all.filter((_, j) => !kept.includes(j)).map((c) => c.term),
    level,
    logLikelihood: state.ll,
    iterations,
    converged: converged && l !== undefined,
    decisions: cells.reduce((s, c) => s + c.atRisk, 0),
    events: cells.reduce((s, c) => s + c.events, 0),
  };
}
