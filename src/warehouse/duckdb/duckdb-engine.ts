// The embedded warehouse: one DuckDB file (default ./tenure.duckdb), or ':memory:'.
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { TenureError } from '../../errors/tenure-error.ts';
import type { BindValue, BulkSource, Engine, Row } from '../engine.ts';
import { warehouseBusy } from '../warehouse-busy.ts';
import { duckdbDialect } from './duckdb-dialect.ts';
import {
  type DuckDBMemoryOptions,
  type DuckDBMemorySettings,
  duckdbConfig,
  duckdbMemorySettings,
} from './duckdb-memory.ts';
import { readerRows } from './duckdb-values.ts';
import { isLockConflict, lockHolder } from './file-lock.ts';

function bindable(values: readonly BindValue[]): DuckDBValue[] {
  return values.map((v) => (v instanceof Date ? v.toISOString() : v));
}

function engineFailure(err: unknown, sql: string): TenureError {
  const message = err instanceof Error ? err.message : String(err);
  return new TenureError('engine_failure', `DuckDB could not run a query: ${message.split('\n')[0]}`, {
    hint: 'this is a Tenure bug if your data loaded cleanly; report it with the query below',
    cause: Object.assign(new Error(message), { sql }),
  });
}

/** A new connection to `instance`. Everything Tenure computes is in UTC: timestamps without an offset are UTC. */
async function utcConnection(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  return connection;
}

export class DuckDBEngine implements Engine {
  readonly dialect = duckdbDialect;
  private inTransaction = false;

  private constructor(
    readonly location: string,
    /** The memory limit and spill folder it opened with. */
    readonly memory: DuckDBMemorySettings,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** An engine of `isolated` work: closing it closes its connection only. */
    private readonly borrowed = false,
  ) {}

  /**
   * Opens (creating if needed) a warehouse file; ':memory:' for a throwaway one. DuckDB keeps within a
   * memory limit and spills beyond it (duckdb-memory.ts: TENURE_MEMORY_LIMIT, TENURE_SPILL_DIR, or `memory`).
   */
  static async open(path = './tenure.duckdb', memory: DuckDBMemoryOptions = {}): Promise<DuckDBEngine> {
    const settings = duckdbMemorySettings(path, memory);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, duckdbConfig(settings));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Another process holds the file: which one, and what to do (never DuckDB's own words).
      if (isLockConflict(message)) throw warehouseBusy(path, lockHolder(message), err);
      throw new TenureError(
        'engine_failure',
        `cannot open the warehouse ${path}: ${message.split('\n')[0]}`,
        { where: { file: path }, hint: 'check that the path is a DuckDB file you can write' },
      );
    }
    return new DuckDBEngine(path, settings, instance, await utcConnection(instance));
  }

  /** The raw connection, for DuckDB-only work (file readers) inside this folder's callers. */
  get raw(): DuckDBConnection {
    return this.connection;
  }

  async query<T extends Row = Row>(sql: string, params: readonly BindValue[] = []): Promise<T[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, bindable(params));
      return readerRows(reader) as T[];
    } catch (err) {
      throw engineFailure(err, sql);
    }
  }

  async run(sql: string, params: readonly BindValue[] = []): Promise<number> {
    try {
      const result = await this.connection.run(sql, bindable(params));
      return Number(result.rowsChanged);
    } catch (err) {
      throw engineFailure(err, sql);
    }
  }

  /**
   * Writes what has been committed from the write-ahead log into the file (DuckDB's CHECKPOINT), so that
   * the next small commit (a kept result, an alert acknowledged) does not pay for a load's writes.
   */
  async checkpoint(): Promise<void> {
    await this.run('CHECKPOINT');
  }

  async transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    await this.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await work(this);
      await this.run('COMMIT');
      return result;
    } catch (err) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }

  /** One connection already: temporary tables are visible to every statement. */
  session<T>(work: (session: Engine) => Promise<T>): Promise<T> {
    return work(this);
  }

  /** A second connection to the same file: DuckDB runs the two side by side. */
  async isolated<T>(work: (session: Engine) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const connection = await utcConnection(this.instance);
    const stop = () => connection.interrupt();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const result = await work(
        new DuckDBEngine(this.location, this.memory, this.instance, connection, true),
      );
      signal?.throwIfAborted();
      return result;
    } catch (err) {
      // An interrupted statement fails with DuckDB's own words; the caller is told why it stopped.
      signal?.throwIfAborted();
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
      connection.closeSync();
    }
  }

  async bulkLoad(table: string, source: BulkSource): Promise<number> {
    const reader = source.format === 'csv' ? 'read_csv' : 'read_parquet';
    const options = source.format === 'csv' ? ', header = true' : '';
    return this.run(
      `INSERT INTO ${this.dialect.quoteIdentifier(table)} SELECT * FROM ${reader}($1${options})`,
      [source.path],
    );
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    if (!this.borrowed) this.instance.closeSync();
  }
}
