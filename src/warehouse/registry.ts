// The engines Tenure runs on, one entry each: the --db locations that name it, how it opens, and what the
// layers above need to know of it without naming it: how a load reaches it (a tag src/ingest maps to its
// function) and whether the catalog's computations run there yet. open.ts resolves a location through this
// list; adding an engine is its folder and one entry here (and, for a new way of loading, its function in
// src/ingest/publish-target.ts).
import { existsSync } from 'node:fs';
import { TenureError } from '../errors/tenure-error.ts';
import { ClickHouseEngine } from './clickhouse/clickhouse-engine.ts';
import { DuckDBEngine } from './duckdb/duckdb-engine.ts';
import type { Dialect, Engine } from './engine.ts';
import { PostgresEngine } from './postgres/postgres-engine.ts';

/**
 * How a load reaches the warehouse; src/ingest/publish-target.ts maps each to its function.
 * - `in-place`: staged, validated and published inside the warehouse itself, in one transaction.
 * - `validated-copy`: staged and validated in a throwaway DuckDB holding a mirror of the warehouse, then
 *   copied across in one transaction.
 * - `tagged-batches`: validated likewise, then written in batches tagged with the load, which queries see
 *   only once the load is recorded as published (for engines without multi-table transactions).
 */
export type LoadPath = 'in-place' | 'validated-copy' | 'tagged-batches';

export interface EngineEntry {
  /** Its dialect's name: how an open engine finds its entry. */
  readonly name: Dialect['name'];
  /** The engine, for messages. */
  readonly label: string;
  /** The URL schemes (lower case) that name it; none for the engine of plain file paths. */
  readonly schemes: readonly string[];
  readonly loadPath: LoadPath;
  /** Whether the catalog's computations run on it (`tenure compute`: it reads the data and records new definitions). */
  readonly computes: boolean;
  /**
   * Whether Tenure's own bookkeeping lives there too (the server's tokens, alert states, targets and
   * experiment registries, which are updated in place). Commands that need it are refused elsewhere by
   * open.ts, before any SQL runs.
   */
  readonly keepsBookkeeping: boolean;
  open(location: string, opts: { readonly mustExist: boolean }): Promise<Engine>;
}

/** A DuckDB file (or ':memory:'); a missing file is created unless the command needs data already. */
async function openDuckDBFile(path: string, opts: { readonly mustExist: boolean }): Promise<Engine> {
  if (opts.mustExist && path !== ':memory:' && !existsSync(path)) {
    throw new TenureError('not_found', `no warehouse at ${path}`, {
      where: { file: path },
      hint: 'load data first with `tenure ingest --data DIR`, or point --db at your warehouse',
    });
  }
  return DuckDBEngine.open(path);
}

export const ENGINES: readonly EngineEntry[] = [
  {
    name: 'duckdb',
    label: 'DuckDB',
    schemes: [],
    loadPath: 'in-place',
    computes: true,
    keepsBookkeeping: true,
    open: openDuckDBFile,
  },
  {
    name: 'postgres',
    label: 'PostgreSQL',
    schemes: ['postgres', 'postgresql'],
    loadPath: 'validated-copy',
    computes: true,
    keepsBookkeeping: true,
    open: (url) => PostgresEngine.open(url),
  },
  {
    name: 'clickhouse',
    label: 'ClickHouse',
    schemes: ['clickhouse', 'chdb'],
    loadPath: 'tagged-batches',
    // The catalog runs on ClickHouse 21.9 and later (and chDB); older servers are refused by capability.
    // Bookkeeping rows are updated in place, which MergeTree tables do not do: the server runs elsewhere.
    computes: true,
    keepsBookkeeping: false,
    open: (url) => ClickHouseEngine.open(url),
  },
];

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** `a, b or c` */
const either = (words: readonly string[]) =>
  words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;

/** The engine a --db location names (a URL by its scheme, anything else a file path), if one is registered. */
export function findEngineAt(location: string): EngineEntry | undefined {
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  return ENGINES.find((e) => (scheme === undefined ? e.schemes.length === 0 : e.schemes.includes(scheme)));
}

/** The engine a --db location names; refuses a URL of a scheme no engine has. */
export function engineAt(location: string): EngineEntry {
  const entry = findEngineAt(location);
  if (entry) return entry;
  const scheme = URL_SCHEME.exec(location)?.[1];
  const files = ENGINES.filter((e) => e.schemes.length === 0).map((e) => `the path of a ${e.label} file`);
  const urls = ENGINES.flatMap((e) => e.schemes.map((s) => `${s}://`));
  throw new TenureError('bad_input', `warehouse URLs of this kind are not supported: ${scheme}://`, {
    where: { field: '--db' },
    hint: `give ${either([...files, `a ${either(urls)} URL`])}`,
  });
}

/** The entry of an open engine (through its dialect, so an engine wrapping another finds the inner one's). */
export function engineOf(engine: Engine): EngineEntry {
  const entry = ENGINES.find((e) => e.name === engine.dialect.name);
  if (!entry)
    throw new TenureError('internal', `no engine registered for the dialect ${engine.dialect.name}`);
  return entry;
}

// The engine objects themselves, for the code that needs more than the Engine interface: an in-place load
// (DuckDB's own readers), PostgreSQL's COPY out, ClickHouse's shards and tagged loads. Undefined for an
// engine of another kind.

export const asDuckDB = (engine: Engine): DuckDBEngine | undefined =>
  engine instanceof DuckDBEngine ? engine : undefined;

export const asPostgres = (engine: Engine): PostgresEngine | undefined =>
  engine instanceof PostgresEngine ? engine : undefined;

export const asClickHouse = (engine: Engine): ClickHouseEngine | undefined =>
  engine instanceof ClickHouseEngine ? engine : undefined;
