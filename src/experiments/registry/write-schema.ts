// `npx tsx src/experiments/registry/write-schema.ts`: writes experiment-plan.schema.json, the JSON Schema of
// a plan file, beside this script, for editors (a plan's first line can name it:
// `# yaml-language-server: $schema=../../src/experiments/registry/experiment-plan.schema.json`).
// A test checks the committed file equals what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OutcomeSpecSchema } from '../outcomes/spec.ts';
import { PlanSchema } from './plan.ts';

export const PLAN_SCHEMA_FILE = join(import.meta.dirname, 'experiment-plan.schema.json');

const OPTIONS = { io: 'input', unrepresentable: 'any' } as const;

/** Each copy of the outcome's schema (primary, secondary, guardrails) replaced by a reference to one. */
function shareOutcome(node: unknown, outcome: string): unknown {
  if (Array.isArray(node)) return node.map((n) => shareOutcome(n, outcome));
  if (node === null || typeof node !== 'object') return node;
  const { description, ...rest } = node as Record<string, unknown>;
  if (JSON.stringify(rest) === outcome)
    return { ...(description === undefined ? {} : { description }), $ref: '#/$defs/outcome' };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, shareOutcome(v, outcome)]));
}

/** The JSON Schema of a plan file (what a plan may be written as: defaults are optional). */
export function planJsonSchema(): unknown {
  const { $schema: _draft, ...outcome } = z.toJSONSchema(OutcomeSpecSchema, OPTIONS) as Record<
    string,
    unknown
  >;
  const plan = z.toJSONSchema(PlanSchema, { target: 'draft-2020-12', ...OPTIONS });
  return {
    $id: 'https://tenure.dev/schemas/experiment-plan.schema.json',
    ...(shareOutcome(plan, JSON.stringify(outcome)) as Record<string, unknown>),
    $defs: { outcome },
  };
}

export const planSchemaText = (): string => `${JSON.stringify(planJsonSchema(), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  writeFileSync(PLAN_SCHEMA_FILE, planSchemaText());
  process.stdout.write(`wrote ${PLAN_SCHEMA_FILE}\n`);
}
