// What a ClickHouse server can do, read from its version when Tenure connects. Debian's 18.16 (the only
// server installable here) lacks all of these; chDB (the current engine, 26.x) has all. The thresholds are
// the first releases that shipped each feature enabled by default; only 18.16 and 26.x are tested.
// Code that needs a feature asks `requireCapability`, which fails with the engine, its version and the
// missing feature named, instead of letting the server answer with a syntax error.
import { TenureError } from '../../errors/tenure-error.ts';

export interface Capabilities {
  /** `lag(…) OVER (…)` and friends. */
  readonly windowFunctions: boolean;
  /** `WITH name AS (SELECT …)`: common table expressions holding subqueries. */
  readonly commonTableExpressions: boolean;
  /** `date_trunc('month', t)`. */
  readonly dateTrunc: boolean;
  /** More than one JOIN in one SELECT. */
  readonly multipleJoins: boolean;
  /** Timestamps with fractions of a second (DateTime64). */
  readonly dateTime64: boolean;
  /** `{name:Type}` query parameters, bound by the server. */
  readonly boundParameters: boolean;
  /** JSONExtract* functions (text of a key in a JSON column). */
  readonly jsonFunctions: boolean;
  /** A Bool column type (else booleans are UInt8). */
  readonly boolType: boolean;
}

export type Capability = keyof Capabilities;

/** The words a message uses for each capability. */
export const CAPABILITY_NAMES: Readonly<Record<Capability, string>> = {
  windowFunctions: 'window functions',
  commonTableExpressions: 'WITH name AS (subquery)',
  dateTrunc: 'date_trunc',
  multipleJoins: 'more than one JOIN per SELECT',
  dateTime64: 'DateTime64 (fractions of a second)',
  boundParameters: 'bound query parameters',
  jsonFunctions: 'JSONExtract functions',
  boolType: 'a Bool type',
};

/** [major, minor] of the first release with each capability. */
const SINCE: Readonly<Record<Capability, readonly [number, number]>> = {
  windowFunctions: [21, 9],
  commonTableExpressions: [20, 10],
  dateTrunc: [20, 8],
  multipleJoins: [19, 3],
  dateTime64: [20, 1],
  boundParameters: [19, 11],
  jsonFunctions: [19, 1],
  boolType: [21, 12],
};

/** '18.16.1' or '26.7.2.1' → [18, 16]; undefined when the text is not a version. */
export function parseVersion(text: string): readonly [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function capabilitiesOf(version: string): Capabilities {
  const v = parseVersion(version);
  if (!v) {
    throw new TenureError('engine_failure', `ClickHouse reported a version Tenure cannot read: ${version}`);
  }
  const has = ([major, minor]: readonly [number, number]) =>
    v[0] > major || (v[0] === major && v[1] >= minor);
  const out = {} as Record<Capability, boolean>;
  for (const [name, since] of Object.entries(SINCE) as [Capability, readonly [number, number]][]) {
    out[name] = has(since);
  }
  return out;
}

/** Throws unless the engine has `capability`, naming the engine, its version and what is missing. */
export function requireCapability(
  engine: { readonly name: string; readonly version: string; readonly capabilities: Capabilities },
  capability: Capability,
  forWhat: string,
): void {
  if (engine.capabilities[capability]) return;
  const since = SINCE[capability].join('.');
  throw new TenureError(
    'bad_input',
    `${engine.name} ${engine.version} has no ${CAPABILITY_NAMES[capability]}, which ${forWhat} needs`,
    {
      where: { field: '--db' },
      hint: `use a ClickHouse server of version ${since} or later (or chDB) for this`,
    },
  );
}

/**
 * Settings that give ClickHouse the SQL semantics the catalog's queries are written for: an outer join's
 * missing side is NULL (not the type's default value), distinct counts are exact, a bare UNION removes
 * duplicates, and a CAST of NULL is NULL (not an error). 18.16 knows only the first two; the catalog is
 * refused there anyway (it needs window functions).
 */
export function sqlSemantics(caps: Capabilities): Readonly<Record<string, string | number>> {
  return {
    join_use_nulls: 1,
    // count(DISTINCT …) counted exactly (uniqExact), never approximately, whatever the server's default.
    count_distinct_implementation: 'uniqExact',
    ...(caps.windowFunctions ? { union_default_mode: 'DISTINCT', cast_keep_nullable: 1 } : {}),
  };
}
