// The two ways Tenure reaches ClickHouse, behind one small interface: a server over HTTP through the
// official client (@clickhouse/client), or chDB, the engine embedded in this process (a folder of data).
// Both return `FORMAT JSON` results (rows plus each column's type) and take inserts as JSON lines.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ColumnMeta } from './clickhouse-values.ts';

export interface QueryResult {
  readonly meta: readonly ColumnMeta[];
  readonly data: readonly Record<string, unknown>[];
}

/** Settings every statement of a connection runs with. */
export type ChSettings = Readonly<Record<string, string | number>>;

export type InsertFormat = 'JSONEachRow' | 'CSVWithNames';

export interface ChConnection {
  /** Runs a query and returns its rows; `params` are bound `{name:String}` values (servers that bind). */
  query(sql: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<QueryResult>;
  /** Runs a statement for its effect. */
  command(sql: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<void>;
  /** Inserts rows written in `format` (one per line) into `columns` of `table`, as one INSERT. */
  insert(table: string, columns: readonly string[], format: InsertFormat, body: string): Promise<void>;
  /** Writes the rows of a query (no FORMAT clause) to a file as JSON lines, without holding them. */
  exportJsonLines(sql: string, path: string): Promise<void>;
  /** A connection whose statements share one server session (temporary tables), for `Engine.session`. */
  withSession(): ChConnection;
  /** Settings for every later statement, on this connection and the sessions it makes. */
  configure(settings: ChSettings): Promise<void>;
  close(): Promise<void>;
}

/** A ClickHouse server over HTTP. */
export class HttpConnection implements ChConnection {
  private constructor(
    private readonly client: import('@clickhouse/client').ClickHouseClient,
    private readonly sessionId?: string,
    private settings: ChSettings = {},
  ) {}

  async configure(settings: ChSettings): Promise<void> {
    this.settings = { ...this.settings, ...settings };
  }

  static async create(opts: {
    url: string;
    username: string;
    password: string;
    database: string;
  }): Promise<HttpConnection> {
    const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
    const client = createClient({
      // Failures reach the caller as errors with the server's message; the client need not print them too.
      log: { level: ClickHouseLogLevel.OFF },
      url: opts.url,
      username: opts.username,
      password: opts.password,
      database: opts.database,
      // Long scans (a rollup over billions of events) must not be cut by the client.
      request_timeout: 3_600_000,
      compression: { request: false, response: false },
      clickhouse_settings: {
        // 64-bit integers as JSON strings, so none is rounded on the way (clickhouse-values.ts reads them).
        output_format_json_quote_64bit_integers: 1,
        // Progress headers keep a long scan's connection alive through proxies.
        send_progress_in_http_headers: 1,
        http_headers_progress_interval_ms: '60000',
      },
    });
    return new HttpConnection(client);
  }

  async query(
    sql: string,
    params: Readonly<Record<string, string>>,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    const result = await this.client.query({
      query: sql,
      format: 'JSON',
      clickhouse_settings: this.settings,
      ...(Object.keys(params).length ? { query_params: params } : {}),
      ...(this.sessionId ? { session_id: this.sessionId } : {}),
      ...(signal ? { abort_signal: signal } : {}),
    });
    const json = (await result.json()) as { meta?: ColumnMeta[]; data?: Record<string, unknown>[] };
    return { meta: json.meta ?? [], data: json.data ?? [] };
  }

  async command(sql: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<void> {
    await this.client.command({
      query: sql,
      clickhouse_settings: this.settings,
      ...(Object.keys(params).length ? { query_params: params } : {}),
      ...(this.sessionId ? { session_id: this.sessionId } : {}),
      ...(signal ? { abort_signal: signal } : {}),
    });
  }

  async insert(table: string, columns: readonly string[], format: InsertFormat, body: string): Promise<void> {
    const result = await this.client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
      values: Readable.from([Buffer.from(body)]),
      // The insert into a Distributed table returns only once every shard holds its rows.
      clickhouse_settings: { ...this.settings, insert_distributed_sync: 1 },
      ...(this.sessionId ? { session_id: this.sessionId } : {}),
    });
    result.stream.destroy();
  }

  async exportJsonLines(sql: string, path: string): Promise<void> {
    const result = await this.client.exec({
      query: `${sql} FORMAT JSONEachRow`,
      clickhouse_settings: this.settings,
      ...(this.sessionId ? { session_id: this.sessionId } : {}),
    });
    await pipeline(result.stream, createWriteStream(path));
  }

  withSession(): ChConnection {
    return new HttpConnection(this.client, randomUUID(), this.settings);
  }

  async close(): Promise<void> {
    // A session's connection borrows the client; the engine that made it closes it.
    if (!this.sessionId) await this.client.close();
  }
}

type ChdbSession = import('chdb').Session;

/** chDB: the ClickHouse engine inside this process, on a folder of its own (or a temporary one). */
export class ChdbConnection implements ChConnection {
  private constructor(private readonly session: ChdbSession) {}

  static async create(path: string | undefined): Promise<ChdbConnection> {
    const chdb = await import('chdb');
    const session = path === undefined ? new chdb.Session() : new chdb.Session(path);
    const connection = new ChdbConnection(session);
    // Everything Tenure computes is in UTC, whatever the zone of the process.
    await connection.command(`SET session_timezone = 'UTC'`, {});
    // 64-bit integers as JSON strings, so none is rounded on the way (clickhouse-values.ts reads them).
    await connection.command('SET output_format_json_quote_64bit_integers = 1', {});
    return connection;
  }

  async query(
    sql: string,
    params: Readonly<Record<string, string>>,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    const opts = { format: 'JSON', ...(signal ? { signal } : {}) };
    const result = Object.keys(params).length
      ? await this.session.queryBindAsync(sql, params, opts)
      : await this.session.queryAsync(sql, opts);
    const text = result.text();
    if (text.trim() === '') return { meta: [], data: [] };
    const json = JSON.parse(text) as { meta?: ColumnMeta[]; data?: Record<string, unknown>[] };
    return { meta: json.meta ?? [], data: json.data ?? [] };
  }

  async command(sql: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<void> {
    const opts = { format: 'TSV', ...(signal ? { signal } : {}) };
    if (Object.keys(params).length) await this.session.queryBindAsync(sql, params, opts);
    else await this.session.queryAsync(sql, opts);
  }

  async insert(table: string, columns: readonly string[], format: InsertFormat, body: string): Promise<void> {
    await this.session.insert({ table, values: Buffer.from(body), format, columns });
  }

  async exportJsonLines(sql: string, path: string): Promise<void> {
    const result = await this.session.queryAsync(sql, { format: 'JSONEachRow' });
    await writeFile(path, result.bytes());
  }

  async configure(settings: ChSettings): Promise<void> {
    for (const [name, value] of Object.entries(settings)) {
      await this.command(`SET ${name} = ${typeof value === 'number' ? value : `'${value}'`}`, {});
    }
  }

  /** One session already: temporary tables are visible to every statement. */
  withSession(): ChConnection {
    return this;
  }

  async close(): Promise<void> {
    this.session.close();
  }
}
