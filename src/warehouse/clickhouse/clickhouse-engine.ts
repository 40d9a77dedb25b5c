// A ClickHouse warehouse: a server (or a cluster of shards) over HTTP, or chDB embedded in this process
// (clickhouse-url.ts gives the URL forms). The server's version is read when Tenure connects and decides
// its capabilities; callers' `$n` placeholders are bound where the server binds (strings) and otherwise
// written through the one strict escaper. ClickHouse has no multi-table transactions: `transaction` refuses,
// and a load is made all-or-nothing another way (clickhouse-loads.ts).
import { TenureError } from '../../errors/tenure-error.ts';
import type { BindValue, BulkSource, Engine, Row } from '../engine.ts';
import { type Capabilities, capabilitiesOf, sqlSemantics } from './clickhouse-capabilities.ts';
import { type ChConnection, ChdbConnection, HttpConnection } from './clickhouse-connection.ts';
import { type ClickHouseDialect, clickhouseDialect } from './clickhouse-dialect.ts';
import { inlineValue } from './clickhouse-escape.ts';
import { replacePlaceholders } from './clickhouse-placeholders.ts';
import { type ClickHouseTarget, parseClickHouseUrl, type ServerTarget } from './clickhouse-url.ts';
import { plainRows } from './clickhouse-values.ts';

/** One shard of the warehouse and the connection that reaches it directly. */
export interface ShardNode {
  readonly shard: number;
  readonly address: string;
  readonly connection: ChConnection;
}

interface ServerInfo {
  /** 'ClickHouse' or 'chDB', for messages. */
  readonly name: string;
  readonly version: string;
  readonly capabilities: Capabilities;
  /** chDB on a folder of this process's own (a server may be loaded by others too). */
  readonly embedded: boolean;
}

const CONNECTION_ERRORS = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|socket hang up/;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}

function cannotConnect(err: unknown, location: string): TenureError {
  return new TenureError(
    'bad_input',
    `cannot reach the ClickHouse warehouse ${location}: ${errorText(err)}`,
    {
      where: { field: '--db' },
      hint: 'check that the server is running and that the URL (host, HTTP port, user, password, database) is right',
    },
  );
}

function engineFailure(name: string, err: unknown, sql: string): TenureError {
  const message = errorText(err);
  return new TenureError('engine_failure', `${name} could not run a query: ${firstLine(message)}`, {
    hint: 'this is a Tenure bug if your data loaded cleanly; report it with the query below',
    cause: Object.assign(new Error(message), { sql }),
  });
}

export class ClickHouseEngine implements Engine {
  readonly dialect: ClickHouseDialect;

  private constructor(
    readonly location: string,
    private readonly connection: ChConnection,
    readonly info: ServerInfo,
    /** Every shard with a direct connection; one node, the engine's own, without a cluster. */
    readonly nodes: readonly ShardNode[],
    /** The cluster canonical tables are sharded over (remote_servers), when there is one. */
    readonly cluster: string | undefined,
    /** An engine of `session` or `isolated` work: closing it closes nothing. */
    private readonly borrowed = false,
  ) {
    this.dialect = clickhouseDialect({
      name: info.name,
      version: info.version,
      capabilities: info.capabilities,
      embedded: info.embedded,
    });
  }

  get name(): string {
    return this.info.name;
  }

  get version(): string {
    return this.info.version;
  }

  get capabilities(): Capabilities {
    return this.info.capabilities;
  }

  /** Connects to a clickhouse:// or chdb:// URL, reads the version and, with a cluster, reaches each shard. */
  static async open(url: string): Promise<ClickHouseEngine> {
    const target = parseClickHouseUrl(url);
    return target.kind === 'chdb' ? ClickHouseEngine.openChdb(target) : ClickHouseEngine.openServer(target);
  }

  private static async openChdb(
    target: Extract<ClickHouseTarget, { kind: 'chdb' }>,
  ): Promise<ClickHouseEngine> {
    let connection: ChConnection;
    try {
      connection = await ChdbConnection.create(target.path);
    } catch (err) {
      const missing = /Cannot find (module|package)|chdb_node\.node|loadNative/i.test(errorText(err));
      throw new TenureError(
        'bad_input',
        `cannot open chDB at ${target.location}: ${firstLine(errorText(err))}`,
        {
          where: { field: '--db' },
          hint: missing
            ? 'chDB is an optional dependency: install it with `npm install chdb` (Linux and macOS only)'
            : 'check that the folder is a chDB data folder you can write and that no other process has it open',
        },
      );
    }
    const version = await readVersion(connection, 'chDB', target.location);
    const info = { name: 'chDB', version, capabilities: capabilitiesOf(version), embedded: true };
    await connection.configure(sqlSemantics(info.capabilities));
    return new ClickHouseEngine(
      target.location,
      connection,
      info,
      [{ shard: 1, address: target.location, connection }],
      undefined,
    );
  }

  private static async openServer(target: ServerTarget): Promise<ClickHouseEngine> {
    const connect = (url: string) =>
      HttpConnection.create({
        url,
        username: target.username,
        password: target.password,
        database: target.database,
      });
    const opened: ChConnection[] = [];
    try {
      const connection = await connect(target.url);
      opened.push(connection);
      const version = await readVersion(connection, 'ClickHouse', target.location);
      const info = { name: 'ClickHouse', version, capabilities: capabilitiesOf(version), embedded: false };
      await connection.configure(sqlSemantics(info.capabilities));
      if (!target.cluster) {
        const nodes = [{ shard: 1, address: target.url, connection }];
        return new ClickHouseEngine(target.location, connection, info, nodes, undefined);
      }
      const nodes = await reachShards(connection, target, connect, opened);
      for (const node of nodes) await node.connection.configure(sqlSemantics(info.capabilities));
      return new ClickHouseEngine(target.location, connection, info, nodes, target.cluster);
    } catch (err) {
      for (const c of opened) await c.close().catch(() => undefined);
      throw err;
    }
  }

  /** `$n` → a bound `{pN:String}` for strings where the server binds, else the escaped literal. */
  private render(sql: string, params: readonly BindValue[]): { sql: string; bound: Record<string, string> } {
    const bound: Record<string, string> = {};
    const caps = this.capabilities;
    const text = replacePlaceholders(sql, params.length, (n) => {
      const value = params[n - 1];
      if (typeof value === 'string' && caps.boundParameters) {
        bound[`p${n}`] = value;
        return `{p${n}:String}`;
      }
      return inlineValue(value ?? null, { subSeconds: caps.dateTime64 });
    });
    return { sql: text, bound };
  }

  async query<T extends Row = Row>(sql: string, params: readonly BindValue[] = []): Promise<T[]> {
    return this.queryOn(this.connection, sql, params);
  }

  async run(sql: string, params: readonly BindValue[] = []): Promise<number> {
    await this.runOn(this.connection, sql, params);
    // ClickHouse does not report rows changed by a statement.
    return 0;
  }

  /** A query sent to one connection (a shard's own, for work each shard does on its rows). */
  async queryOn<T extends Row = Row>(
    connection: ChConnection,
    sql: string,
    params: readonly BindValue[] = [],
    signal?: AbortSignal,
  ): Promise<T[]> {
    const r = this.render(sql, params);
    try {
      const result = await connection.query(r.sql, r.bound, signal);
      return plainRows(result.meta, result.data) as T[];
    } catch (err) {
      throw this.failure(err, r.sql);
    }
  }

  /** A statement sent to one connection. */
  async runOn(connection: ChConnection, sql: string, params: readonly BindValue[] = []): Promise<void> {
    const r = this.render(sql, params);
    try {
      await connection.command(r.sql, r.bound);
    } catch (err) {
      throw this.failure(err, r.sql);
    }
  }

  /** Runs a statement on every shard, one after the other (DDL of local tables: no ON CLUSTER without ZooKeeper). */
  async runOnEveryNode(sql: string, params: readonly BindValue[] = []): Promise<void> {
    for (const node of this.nodes) await this.runOn(node.connection, sql, params);
  }

  /** Appends JSON lines to `table` in one INSERT (into a Distributed table: every shard holds its rows on return). */
  async insertJsonLines(table: string, columns: readonly string[], body: string): Promise<void> {
    if (body === '') return;
    try {
      await this.connection.insert(table, columns, 'JSONEachRow', body);
    } catch (err) {
      throw this.failure(err, `INSERT INTO ${table} FORMAT JSONEachRow`);
    }
  }

  /** Writes the rows of a query to a file as JSON lines (a mirror of the warehouse for validation). */
  async exportJsonLines(sql: string, path: string): Promise<void> {
    try {
      await this.connection.exportJsonLines(sql, path);
    } catch (err) {
      throw this.failure(err, sql);
    }
  }

  private failure(err: unknown, sql: string): TenureError {
    if (err instanceof TenureError) return err;
    if (CONNECTION_ERRORS.test(errorText(err))) return cannotConnect(err, this.location);
    return engineFailure(this.name, err, sql);
  }

  /** ClickHouse has no transactions across statements and tables: asking for one is refused. */
  transaction<T>(_work: (tx: Engine) => Promise<T>): Promise<T> {
    return Promise.reject(
      new TenureError('internal', `${this.name} ${this.version} has no multi-table transactions`, {
        hint: 'ClickHouse loads are made all-or-nothing by load ids (clickhouse-loads.ts); report this',
      }),
    );
  }

  /** One server session, so temporary tables are visible to every statement of `work`. */
  session<T>(work: (session: Engine) => Promise<T>): Promise<T> {
    if (this.borrowed) return work(this);
    return work(this.borrow(this.connection.withSession()));
  }

  /** A session of its own; `signal` aborting makes the promise reject. */
  async isolated<T>(work: (session: Engine) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const result = await work(this.borrow(this.connection.withSession()));
    signal?.throwIfAborted();
    return result;
  }

  private borrow(connection: ChConnection): ClickHouseEngine {
    return new ClickHouseEngine(this.location, connection, this.info, this.nodes, this.cluster, true);
  }

  /**
   * Loads a CSV file with a header naming the table's columns (CSVWithNames: an unquoted `\N` is NULL, an
   * empty field the column's default). Returns the rows the table gained.
   */
  async bulkLoad(table: string, source: BulkSource): Promise<number> {
    if (source.format !== 'csv') {
      throw new TenureError('bad_input', `${this.name} bulk-loads CSV files only, not ${source.format}`, {
        where: { file: source.path },
      });
    }
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(source.path, 'utf8');
    const header = text
      .slice(0, text.search(/\r?\n/) >>> 0)
      .split(',')
      .map((c) => c.replace(/^"|"$/g, ''));
    const quoted = this.dialect.quoteIdentifier(table);
    const count = async () =>
      Number((await this.query<{ n: number }>(`SELECT count() AS n FROM ${quoted}`))[0]?.n ?? 0);
    const before = await count();
    try {
      await this.connection.insert(
        quoted,
        header.map((c) => this.dialect.quoteIdentifier(c)),
        'CSVWithNames',
        text,
      );
    } catch (err) {
      throw this.failure(err, `INSERT INTO ${quoted} FORMAT CSVWithNames`);
    }
    return (await count()) - before;
  }

  async close(): Promise<void> {
    if (this.borrowed) return;
    const seen = new Set<ChConnection>([this.connection]);
    await this.connection.close();
    for (const node of this.nodes) {
      if (seen.has(node.connection)) continue;
      seen.add(node.connection);
      await node.connection.close();
    }
  }
}

async function readVersion(connection: ChConnection, name: string, location: string): Promise<string> {
  try {
    const result = await connection.query('SELECT version() AS v', {});
    const v = result.data[0]?.v;
    if (typeof v !== 'string') throw new Error('no version in the answer');
    return v;
  } catch (err) {
    const text = errorText(err);
    if (/Database .* doesn't exist|UNKNOWN_DATABASE|Code: 81/.test(text)) {
      throw new TenureError('bad_input', `${location}: ${firstLine(text)}`, {
        where: { field: '--db' },
        hint: 'create the database first (CREATE DATABASE NAME; on every node of a cluster)',
      });
    }
    if (name === 'ClickHouse' || CONNECTION_ERRORS.test(text)) throw cannotConnect(err, location);
    throw engineFailure(name, err, 'SELECT version()');
  }
}

/**
 * The shards of `target.cluster` (system.clusters on the entry server), each reached directly: at the
 * address `nodes=` gives for it, else at its host and the URL's port. Each node must say it is that shard.
 */
async function reachShards(
  entry: ChConnection,
  target: ServerTarget,
  connect: (url: string) => Promise<ChConnection>,
  opened: ChConnection[],
): Promise<ShardNode[]> {
  const cluster = target.cluster as string;
  const rows = (
    await entry.query(
      `SELECT shard_num, replica_num, host_name FROM system.clusters WHERE cluster = '${cluster}' ORDER BY shard_num, replica_num`,
      {},
    )
  ).data as { shard_num: number; replica_num: number; host_name: string }[];
  const where = { field: '--db' };
  if (rows.length === 0) {
    throw new TenureError('bad_input', `the server at ${target.location} has no cluster named ${cluster}`, {
      where,
      hint: 'name a cluster of its remote_servers configuration (SELECT DISTINCT cluster FROM system.clusters)',
    });
  }
  if (rows.some((r) => Number(r.replica_num) > 1)) {
    throw new TenureError(
      'bad_input',
      `cluster ${cluster} has several replicas per shard, which Tenure does not write`,
      {
        where,
        hint: 'name a cluster with one replica per shard (Tenure writes MergeTree tables, not replicated ones)',
      },
    );
  }
  if (target.nodes && target.nodes.length !== rows.length) {
    throw new TenureError(
      'bad_input',
      `nodes= lists ${target.nodes.length} addresses but cluster ${cluster} has ${rows.length} shards`,
      { where, hint: "give one HTTP address per shard, in the order of the cluster's shards" },
    );
  }
  const port = new URL(target.url).port;
  const scheme = new URL(target.url).protocol;
  const nodes: ShardNode[] = [];
  for (const [i, row] of rows.entries()) {
    const address = target.nodes?.[i] ?? `${scheme}//${row.host_name}:${port}`;
    const connection = await connect(address);
    opened.push(connection);
    let local: unknown;
    try {
      const answer = await connection.query(
        `SELECT shard_num FROM system.clusters WHERE cluster = '${cluster}' AND is_local = 1`,
        {},
      );
      local = answer.data[0]?.shard_num;
    } catch (err) {
      throw cannotConnect(err, `${address} (shard ${row.shard_num} of ${cluster})`);
    }
    if (Number(local) !== Number(row.shard_num)) {
      throw new TenureError('bad_input', `${address} is not shard ${row.shard_num} of cluster ${cluster}`, {
        where,
        hint: 'list in nodes= the HTTP address of each shard, in shard order',
      });
    }
    nodes.push({ shard: Number(row.shard_num), address, connection });
  }
  return nodes;
}
