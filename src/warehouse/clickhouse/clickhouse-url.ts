// The two URL forms that name a ClickHouse warehouse:
//   clickhouse://[USER[:PASSWORD]@]HOST:HTTP_PORT/DATABASE[?cluster=NAME[&nodes=HOST:PORT,HOST:PORT…]][&secure=1]
//     a server reached over HTTP (port 8123 by default; https with secure=1, port 8443 by default). With a
//     cluster, canonical tables are sharded over the cluster's shards by customer; `nodes` gives each
//     shard's HTTP address, in shard order, when they cannot be told from the cluster's host names and
//     this URL's port (several servers on one host).
//   chdb://PATH  chDB, the engine embedded in this process, keeping its data in the folder PATH
//     (chdb:///var/lib/tenure for an absolute path, chdb://./tenure-data for a relative one);
//     chdb://:memory: for a throwaway one removed when Tenure exits.
import { TenureError } from '../../errors/tenure-error.ts';

export interface ServerTarget {
  readonly kind: 'server';
  /** http(s)://host:port for the client. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  readonly cluster?: string;
  /** HTTP addresses of each shard, in shard order, when given. */
  readonly nodes?: readonly string[];
  /** The URL with the password replaced, for messages. */
  readonly location: string;
}

export interface ChdbTarget {
  readonly kind: 'chdb';
  /** The data folder; undefined for a throwaway one. */
  readonly path: string | undefined;
  readonly location: string;
}

export type ClickHouseTarget = ServerTarget | ChdbTarget;

export const isClickHouseUrl = (location: string) => /^(clickhouse|chdb):\/\//i.test(location);

function badUrl(location: string, why: string): TenureError {
  return new TenureError('bad_input', `not a ClickHouse URL: ${location} (${why})`, {
    where: { field: '--db' },
    hint: 'write clickhouse://USER:PASSWORD@HOST:8123/DATABASE[?cluster=NAME], or chdb:///PATH/TO/FOLDER',
  });
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseClickHouseUrl(text: string): ClickHouseTarget {
  if (/^chdb:\/\//i.test(text)) {
    const rest = text.slice('chdb://'.length);
    if (rest === '') throw badUrl(text, 'chdb:// needs a folder, or :memory:');
    return { kind: 'chdb', path: rest === ':memory:' ? undefined : rest, location: text };
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw badUrl(text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@'), 'it does not parse as a URL');
  }
  const redacted = new URL(u.toString());
  if (redacted.password) redacted.password = '***';
  const location = redacted.toString();
  if (u.protocol !== 'clickhouse:') throw badUrl(location, `unknown scheme ${u.protocol}`);
  if (!u.hostname) throw badUrl(location, 'no host');
  const secure = u.searchParams.get('secure') === '1' || u.searchParams.get('secure') === 'true';
  const port = u.port || (secure ? '8443' : '8123');
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'default';
  if (!PLAIN_NAME.test(database)) throw badUrl(location, `the database name ${database} is not a plain name`);
  const cluster = u.searchParams.get('cluster') ?? undefined;
  if (cluster !== undefined && !PLAIN_NAME.test(cluster)) {
    throw badUrl(location, `the cluster name ${cluster} is not a plain name`);
  }
  const nodesText = u.searchParams.get('nodes');
  const nodes = nodesText ? nodesText.split(',').map((n) => n.trim()) : undefined;
  if (nodes && !cluster) throw badUrl(location, 'nodes= is only read with cluster=');
  for (const node of nodes ?? []) {
    if (!/^[A-Za-z0-9.\-[\]:]+:\d+$/.test(node)) throw badUrl(location, `node ${node} is not HOST:PORT`);
  }
  const known = new Set(['secure', 'cluster', 'nodes']);
  const unknown = [...u.searchParams.keys()].filter((k) => !known.has(k));
  if (unknown.length) throw badUrl(location, `unknown parameter ${unknown.join(', ')}`);
  const scheme = secure ? 'https' : 'http';
  return {
    kind: 'server',
    url: `${scheme}://${u.hostname}:${port}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
    ...(cluster ? { cluster } : {}),
    ...(nodes ? { nodes: nodes.map((n) => `${scheme}://${n}`) } : {}),
    location,
  };
}
