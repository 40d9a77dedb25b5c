// A PostgreSQL warehouse, reached through a `postgres://` URL. Queries run on a pool; a transaction holds
// one client from it for its whole life, so every statement of the transaction shares a session.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { TenureError } from '../../errors/tenure-error.ts';
import type { BindValue, BulkSource, Engine, Row } from '../engine.ts';
import { postgresDialect } from './postgres-dialect.ts';
import { plainRows, postgresTypes } from './postgres-values.ts';

type Session = pg.Pool | pg.PoolClient;

/** Errors that mean the URL names no reachable database, rather than a failing query. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '28P01', // password authentication failed
  '28000', // no such role, or not allowed by pg_hba.conf
  '3D000', // no such database
]);

/** The URL with its password (in the user part or the query) replaced, for messages and `location`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@').replace(/password=[^&]*/gi, 'password=***');
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function engineFailure(err: unknown, sql: string): TenureError {
  const message = errorText(err);
  return new TenureError('engine_failure', `PostgreSQL could not run a query: ${message.split('\n')[0]}`, {
    hint: 'this is a Tenure bug if your data loaded cleanly; report it with the query below',
    cause: Object.assign(new Error(message), { sql }),
  });
}

function cannotConnect(err: unknown, location: string): TenureError {
  return new TenureError(
    'bad_input',
    `cannot reach the PostgreSQL warehouse ${location}: ${errorText(err)}`,
    {
      where: { field: '--db' },
      hint: 'check that the server is running and that the URL (host, port, user, password, database) is right',
    },
  );
}

function bindable(values: readonly BindValue[]): unknown[] {
  return values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v));
}

export class PostgresEngine implements Engine {
  readonly dialect = postgresDialect;

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    /** Set on the engine a transaction hands to its work: every statement goes to this one client. */
    private readonly client?: pg.PoolClient,
  ) {}

  /** Connects to `url` (postgres:// or postgresql://) and checks that the server answers. */
  static async open(url: string): Promise<PostgresEngine> {
    const location = redactUrl(url);
    if (!/^postgres(ql)?:\/\/./i.test(url) || !URL.canParse(url)) {
      throw new TenureError('bad_input', `not a PostgreSQL URL: ${location}`, {
        where: { field: '--db' },
        hint: 'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE',
      });
    }
    const pool = new pg.Pool({
      connectionString: url,
      types: postgresTypes,
      // Everything Tenure computes is in UTC; timestamps without an offset are read as UTC.
      options: '-c TimeZone=UTC',
      // A server's computations each hold a client (`isolated`, up to its --parallel), beside its light
      // lane's queries and a load's: clients are opened only as they are needed, and kept to this many.
      max: 16,
    });
    // An idle client that loses its server must not take the process down; the next query reports it.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (CONNECTION_CODES.has(errorCode(err) ?? '')) throw cannotConnect(err, location);
      throw new TenureError('engine_failure', `cannot open the warehouse ${location}: ${errorText(err)}`, {
        where: { field: '--db' },
      });
    }
    return new PostgresEngine(location, pool);
  }

  private get target(): Session {
    return this.client ?? this.pool;
  }

  async query<T extends Row = Row>(sql: string, params: readonly BindValue[] = []): Promise<T[]> {
    try {
      const result = await this.target.query(sql, bindable(params));
      return plainRows(result.rows) as T[];
    } catch (err) {
      throw engineFailure(err, sql);
    }
  }

  async run(sql: string, params: readonly BindValue[] = []): Promise<number> {
    try {
      const result = await this.target.query(sql, bindable(params));
      return result.rowCount ?? 0;
    } catch (err) {
      throw engineFailure(err, sql);
    }
  }

  async transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    if (this.client) return work(this);
    const client = await this.connect();
    const tx = new PostgresEngine(this.location, this.pool, client);
    try {
      await tx.run('BEGIN');
      const result = await work(tx);
      await tx.run('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async session<T>(work: (session: Engine) => Promise<T>): Promise<T> {
    if (this.client) return work(this);
    const client = await this.connect();
    try {
      return await work(new PostgresEngine(this.location, this.pool, client));
    } finally {
      client.release();
    }
  }

  /** A client of the pool of its own; an abort cancels its running statement on the server. */
  async isolated<T>(work: (session: Engine) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const client = await this.connect();
    const pid = (client as unknown as { processID: number }).processID;
    const stop = () => void this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const result = await work(new PostgresEngine(this.location, this.pool, client));
      signal?.throwIfAborted();
      return result;
    } catch (err) {
      signal?.throwIfAborted();
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
      // A stopped run may leave temporary tables behind: that client's session ends with it.
      client.release(signal?.aborted === true);
    }
  }

  /** Streams a CSV file (header first, columns in the table's order) into a table with COPY. */
  async bulkLoad(table: string, source: BulkSource): Promise<number> {
    if (source.format !== 'csv') {
      throw new TenureError('bad_input', `PostgreSQL loads CSV files only, not ${source.format}`, {
        where: { file: source.path },
      });
    }
    const sql = `COPY ${this.dialect.quoteIdentifier(table)} FROM STDIN WITH (FORMAT csv, HEADER true)`;
    return this.withClient(async (client) => {
      const copy = client.query(copyFrom(sql));
      await pipeline(createReadStream(source.path), copy);
      return copy.rowCount;
    }, sql);
  }

  /** Writes the result of a query (our own SQL, no parameters) to a CSV file with a header. */
  async exportCsv(selectSql: string, path: string): Promise<number> {
    const sql = `COPY (${selectSql}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
    return this.withClient(async (client) => {
      const copy = client.query(copyTo(sql));
      await pipeline(copy, createWriteStream(path));
      return copy.rowCount;
    }, sql);
  }

  async close(): Promise<void> {
    // A transaction's engine borrows its client; the transaction gives it back.
    if (this.client) return;
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw CONNECTION_CODES.has(errorCode(err) ?? '')
        ? cannotConnect(err, this.location)
        : engineFailure(err, 'connect');
    }
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>, sql: string): Promise<T> {
    const client = this.client ?? (await this.connect());
    try {
      return await work(client);
    } catch (err) {
      throw err instanceof TenureError ? err : engineFailure(err, sql);
    } finally {
      if (!this.client) client.release();
    }
  }
}
