// Runs two real, throwaway ClickHouse servers on loopback for tests (Debian's clickhouse-server, 18.16):
// each with its own config file written to a temp folder (free ports, its own data path) and a
// `remote_servers` cluster naming both as two shards, so a Distributed table spreads rows over them. The
// servers answer within a second; `stop` kills each by its process id and removes the folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** The cluster name the config files declare. */
export const CLUSTER_NAME = 'tenure_two_shards';

export interface ClickHouseNode {
  readonly httpPort: number;
  readonly tcpPort: number;
  /** This node's own database URL (no cluster). */
  readonly url: string;
}

export interface ClickHouseCluster {
  readonly nodes: readonly [ClickHouseNode, ClickHouseNode];
  /** A `clickhouse://` URL of the cluster for a fresh database created on both nodes. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The server binary, or undefined when none is installed. */
export function findClickHouseServer(): string | undefined {
  const explicit = process.env.TENURE_CLICKHOUSE_SERVER;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server', '/usr/bin/clickhouse'].find(
    existsSync,
  );
}

/** Why ClickHouse server tests cannot run here, or undefined when they can. */
export function clickhouseUnavailable(): string | undefined {
  if (findClickHouseServer()) return undefined;
  return (
    'no ClickHouse server binary (/usr/sbin/clickhouse-server or $TENURE_CLICKHOUSE_SERVER): install it ' +
    '(apt-get install clickhouse-server clickhouse-client; .ci/run does this in CI)'
  );
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

function configXml(dir: string, node: { http: number; tcp: number }, shards: readonly number[]): string {
  const shardXml = shards
    .map((tcp) => `<shard><replica><host>127.0.0.1</host><port>${tcp}</port></replica></shard>`)
    .join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog>
    <size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${node.http}</http_port>
  <tcp_port>${node.tcp}</tcp_port>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <remote_servers><${CLUSTER_NAME}>${shardXml}</${CLUSTER_NAME}></remote_servers>
</yandex>
`;
}

/** Waits until the server's HTTP interface answers `SELECT 1`, or its process ends, or 30 s pass. */
async function waitUntilAnswering(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/?query=SELECT%201`);
      if (res.ok && (await res.text()).trim() === '1') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = await readFile(log, 'utf8').catch(() => '');
  throw new Error(
    `ClickHouse on port ${port} did not answer (exit ${child.exitCode}):\n${text.slice(-2000)}`,
  );
}

/** Sends one statement to a node over HTTP; throws with the server's message when it fails. */
async function runOn(port: number, sql: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: sql });
  if (!res.ok) throw new Error(`ClickHouse on port ${port}: ${await res.text()}`);
}

/** Starts two servers forming a two-shard cluster; resolves once both answer. */
export async function startClickHouseCluster(): Promise<ClickHouseCluster> {
  const bin = findClickHouseServer();
  if (!bin) throw new Error(clickhouseUnavailable());
  const root = await mkdtemp(join(tmpdir(), 'tenure-ch-'));
  const ports = await Promise.all(
    [0, 1].map(async () => ({ http: await freePort(), tcp: await freePort() })),
  );
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      ports.map(async (node, i) => {
        const dir = join(root, `node${i + 1}`);
        for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) {
          await mkdir(join(dir, sub), { recursive: true });
        }
        await writeFile(join(dir, 'users.xml'), USERS_XML);
        await writeFile(
          join(dir, 'config.xml'),
          configXml(
            dir,
            node,
            ports.map((p) => p.tcp),
          ),
        );
        const child = spawn(bin, ['--config-file', join(dir, 'config.xml')], {
          cwd: dir,
          stdio: 'ignore',
        });
        children.push(child);
        await waitUntilAnswering(node.http, child, join(dir, 'server.err.log'));
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const nodes = ports.map((p) => ({
    httpPort: p.http,
    tcpPort: p.tcp,
    url: `clickhouse://127.0.0.1:${p.http}/default`,
  })) as unknown as readonly [ClickHouseNode, ClickHouseNode];
  return {
    nodes,
    async createDatabase(name) {
      if (!/^\w+$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      for (const p of ports) await runOn(p.http, `CREATE DATABASE IF NOT EXISTS ${name}`);
      const list = ports.map((p) => `127.0.0.1:${p.http}`).join(',');
      return `clickhouse://127.0.0.1:${ports[0]?.http}/${name}?cluster=${CLUSTER_NAME}&nodes=${list}`;
    },
    stop,
  };
}
