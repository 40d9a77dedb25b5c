// Runs a real, throwaway PostgreSQL server on loopback for tests: initdb into a temp folder, pg_ctl start on
// a free port, one database per test scenario, pg_ctl stop and remove the folder afterwards.
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user on a folder it owns.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const SUPERUSER = 'tenure';

export interface PostgresServer {
  /** A URL for a fresh, empty database on this server. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function versionOf(dir: string): number {
  return Number.parseFloat(dir) || 0;
}

/** The folder holding initdb, pg_ctl and postgres, or undefined when no server is installed. */
export function findPostgresBin(): string | undefined {
  // An explicit folder is the only one tried (and naming a missing one shows the skip or CI failure).
  const explicit = process.env.TENURE_PG_BIN;
  if (explicit) return existsSync(join(explicit, 'initdb')) ? explicit : undefined;
  const candidates: string[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => versionOf(b) - versionOf(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  candidates.push('/usr/local/pgsql/bin', '/opt/homebrew/bin', '/usr/local/bin', '/usr/bin');
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (findPostgresBin()) return undefined;
  return (
    'no PostgreSQL server binaries (initdb, pg_ctl) found under /usr/lib/postgresql/*/bin or $TENURE_PG_BIN: ' +
    'install them (apt-get install postgresql; .ci/run does this in CI)'
  );
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(postgresUnavailable());
  const asRoot = userInfo().uid === 0;
  // As root, every server command runs as `postgres`, which must own the folder.
  const exec = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: tmpdir() })
      : run(join(bin, tool), args, { cwd: tmpdir() });
  const dir = await mkdtemp(join(tmpdir(), 'tenure-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (asRoot) {
    const ids = (await run('id', ['-u', 'postgres'])).stdout.trim();
    const gid = (await run('id', ['-g', 'postgres'])).stdout.trim();
    await chown(dir, Number(ids), Number(gid));
  }
  const port = await freePort();
  try {
    await exec('initdb', ['-D', data, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-locale', '-N']);
    // Durability is pointless for a throwaway server; turning it off makes the tests several times faster.
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
  } catch (err) {
    const serverLog = await readFile(log, 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL from ${bin}: ${(err as Error).message}\n${serverLog}`);
  }
  const base = `postgres://${SUPERUSER}@127.0.0.1:${port}`;
  return {
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await admin.end();
      }
      return `${base}/${encodeURIComponent(name)}`;
    },
    async stop() {
      try {
        await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
