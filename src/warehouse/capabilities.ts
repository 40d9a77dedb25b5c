// What an engine can do, as the code that needs a feature asks for it. DuckDB and PostgreSQL have every
// feature; a ClickHouse server's set depends on its version (clickhouse/clickhouse-capabilities.ts).
// `requireCapability` fails with the engine, its version and the missing feature named, instead of
// letting the engine answer with a syntax error.
import { TenureError } from '../errors/tenure-error.ts';

export interface EngineCapabilities {
  /** `lag(…) OVER (…)` and friends. */
  readonly windowFunctions: boolean;
  /** `WITH name AS (SELECT …)`. */
  readonly commonTableExpressions: boolean;
  /** More than one JOIN in one SELECT. */
  readonly multipleJoins: boolean;
  /** Statements on several tables that land together or not at all. */
  readonly transactions: boolean;
  /** The warehouse is one process's alone (an embedded file): it changes only through that process. */
  readonly singleProcess: boolean;
}

export type EngineCapability = keyof EngineCapabilities;

const WORDS: Readonly<Record<EngineCapability, string>> = {
  windowFunctions: 'window functions',
  commonTableExpressions: 'WITH name AS (subquery)',
  multipleJoins: 'more than one JOIN per SELECT',
  transactions: 'multi-table transactions',
  singleProcess: 'a warehouse held by one process',
};

/** Every capability: DuckDB's and PostgreSQL's set, apart from what each overrides. */
export const ALL_CAPABILITIES: EngineCapabilities = {
  windowFunctions: true,
  commonTableExpressions: true,
  multipleJoins: true,
  transactions: true,
  singleProcess: false,
};

/** Throws unless the engine has `capability`, naming the engine (with its version) and what is missing. */
export function requireCapability(
  dialect: {
    readonly engineLabel: string;
    readonly capabilities: EngineCapabilities;
    readonly upgradeHint: string;
  },
  capability: EngineCapability,
  forWhat: string,
): void {
  if (dialect.capabilities[capability]) return;
  throw new TenureError(
    'bad_input',
    `${dialect.engineLabel} has no ${WORDS[capability]}, which ${forWhat} needs`,
    {
      where: { field: '--db' },
      hint: dialect.upgradeHint,
    },
  );
}
