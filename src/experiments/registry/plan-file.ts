// Reads a plan file (YAML, or JSON, which is YAML) with the `yaml` package's document model, as tenure.yaml
// is read, so every problem names its line and column: the node at the problem's path, or the nearest
// parent that exists (a missing field is reported at the map that lacks it).
import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { TenureError } from '../../errors/tenure-error.ts';
import { checkPlan, type PlanContext, type PlanProblem, PlanProblemsError } from './check.ts';
import { defaultsTaken, type Plan, type PlanDefault } from './plan.ts';

/** A plan as a file gave it, with the defaults it took. */
export interface PlanFile {
  readonly plan: Plan;
  readonly defaults: readonly PlanDefault[];
}

/** Line and column (1-based) of the node at `path`, or of its nearest ancestor in the document. */
function locate(doc: Document, counter: LineCounter, problem: PlanProblem): PlanProblem {
  for (let n = problem.path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(problem.path.slice(0, n), true)) as
      | { range?: [number, number, number] }
      | null
      | undefined;
    const start = node?.range?.[0];
    if (start !== undefined) {
      const { line, col } = counter.linePos(start);
      return { ...problem, line, column: col };
    }
  }
  return problem;
}

/** Parses plan-file text; `file` names it in messages. */
export function parsePlanFile(text: string, file: string, ctx: PlanContext): PlanFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = counter.linePos(syntax.pos[0]);
    throw new TenureError('bad_config', `not valid YAML: ${syntax.message.split('\n')[0]}`, {
      where: { file, line, column: String(col) },
      hint: 'fix the YAML syntax at that line',
    });
  }
  const data: unknown = doc.toJS() ?? null;
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new TenureError('bad_config', 'an experiment plan is a map (id:, name:, hypothesis:, …)', {
      where: { file, line: 1 },
      hint: 'see examples/experiments/onboarding-checklist.yaml',
    });
  const result = checkPlan(data, ctx);
  if (result.plan !== undefined)
    return { plan: result.plan, defaults: defaultsTaken(data as Record<string, unknown>) };
  const located = result.problems
    .map((p) => locate(doc, counter, p))
    .sort(
      (a, b) =>
        (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
  throw new PlanProblemsError(located, file);
}

/** Reads and checks a plan file; a missing file is not_found. */
export async function readPlanFile(file: string, ctx: PlanContext): Promise<PlanFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TenureError('not_found', `cannot read plan file ${file}`, {
      where: { file },
      hint: 'check the path given to --file',
      cause: err,
    });
  }
  return parsePlanFile(text, file, ctx);
}
