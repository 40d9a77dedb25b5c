// The field-by-field difference between two versions of a plan: each changed leaf with its path
// (`variants[1].weight`, `guardrails[0].tolerance.value`), its value before and after (null when absent).
// Lists are compared by position; an added or removed entry is one change at its index.
import { formatPath, type PathSegment } from '../../catalog/problems.ts';
import type { Plan } from './plan.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface PlanChange {
  /** The field, as `multiple_testing.scope` or `variants[1].weight`. */
  readonly field: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const asJson = (v: unknown): JsonValue =>
  v === undefined ? null : (JSON.parse(JSON.stringify(v)) as JsonValue);

function walk(before: unknown, after: unknown, path: PathSegment[], out: PlanChange[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) walk(before[k], after[k], [...path, k], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      walk(before[i], after[i], [...path, i], out);
    return;
  }
  if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return;
  out.push({ field: formatPath(path), before: asJson(before), after: asJson(after) });
}

export function diffPlans(before: Plan, after: Plan): PlanChange[] {
  const out: PlanChange[] = [];
  walk(before, after, [], out);
  return out;
}
