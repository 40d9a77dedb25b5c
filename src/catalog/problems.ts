// Configuration problems are collected, not thrown one by one: a bad tenure.yaml reports every problem at
// once, each with its path (kpis.customer_churn_rate.params.window_days) and what to do.
import { TenureError } from '../errors/tenure-error.ts';

export type PathSegment = string | number;

export interface ConfigProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly hint: string;
  /** Line in the project file, when known. */
  readonly line?: number;
}

/** `kpis.mrr.params.x`, `custom_kpis[0].lineage[1].table`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg),
    '',
  );
}

/** One bad_config error that carries every problem; its message lists them all. */
export class ConfigProblemsError extends TenureError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], file?: string) {
    const lines = problems.map(
      (p) =>
        `  ${p.line === undefined ? '' : `line ${p.line}: `}${formatPath(p.path) || '(top level)'}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`,
    );
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('bad_config', `${count} in the project file:\n${lines.join('\n')}`, {
      where: file === undefined ? {} : { file },
    });
    this.problems = problems;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      problems: this.problems.map((p) => ({ ...p, path: formatPath(p.path) })),
    };
  }
}

/** Edit distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The candidates closest to `name` (by edit distance, or sharing a word), best first. */
export function closest(name: string, candidates: readonly string[], limit = 3): string[] {
  const words = new Set(name.split(/[_\s]+/).filter((w) => w.length > 2));
  return candidates
    .map((c) => {
      const shared = c.split('_').some((w) => words.has(w));
      return { c, d: editDistance(name, c) - (shared ? 3 : 0) };
    })
    .filter(({ c, d }) => d <= Math.max(3, Math.floor(c.length / 3)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map(({ c }) => c);
}

/** "did you mean a, b?" or the full list when nothing is close. */
export function suggestion(name: string, candidates: readonly string[], what: string): string {
  const near = closest(name, candidates);
  if (near.length > 0) return `did you mean ${near.join(', ')}?`;
  return `known ${what}: ${candidates.join(', ')}`;
}

/** The value at `path` inside `value`, or undefined when any step is missing. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let at = value;
  for (const seg of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PathSegment, unknown>)[seg];
  }
  return at;
}

/** Problems with the line each sits on, in the order of their lines (those without one last). */
export function locatedProblems(
  problems: readonly ConfigProblem[],
  locate: ((path: readonly PathSegment[]) => number | undefined) | undefined,
  file?: string,
): ConfigProblemsError {
  const located = problems.map((p) => {
    const line = locate?.(p.path);
    return line === undefined ? p : { ...p, line };
  });
  // By line where known (stable, so problems without a line keep their order at the end).
  located.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  return new ConfigProblemsError(located, file);
}
