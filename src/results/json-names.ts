// Tenure's JSON — every `--json` output and every API body — names its fields in snake_case, as the result
// rows (`period_start`) and the data contract do. Library types keep TypeScript's camelCase where they have
// it (a model's `standardError`, a definition's `higherIsBetter`); `snakeKeys` renames them once, where the
// JSON leaves: `printJson` in the CLI, the API routes that return library objects.

const CAMEL_CASE = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** `logRank` → `log_rank`, `alphaStandardError` → `alpha_standard_error`; other names are left as they are. */
export function snakeName(name: string): string {
  return CAMEL_CASE.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : name;
}

/**
 * Fields whose values are the user's own data, copied as they are: a parameter's value (`default`, which may
 * be a weight per event name) and the warehouse's rows behind an explanation (`samples`, whose cells may be
 * JSON attributes). Their keys are names the user chose, not ours to rename.
 */
const AS_GIVEN = new Set(['default', 'samples']);

/** A copy of `value` as JSON would see it, with every field name in snake_case (see AS_GIVEN). */
export function snakeKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return snakeKeys(json.call(value));
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    out[snakeName(name)] = AS_GIVEN.has(name) ? field : snakeKeys(field);
  }
  return out;
}

/** The paths of the field names in `value` that are not snake_case (AS_GIVEN fields' values are not looked into). */
export function namesNotSnakeCase(value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => namesNotSnakeCase(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([name, field]) => [
    ...(SNAKE_CASE.test(name) ? [] : [`${path}.${name}`]),
    ...(AS_GIVEN.has(name) ? [] : namesNotSnakeCase(field, `${path}.${name}`)),
  ]);
}
