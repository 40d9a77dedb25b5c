// How `tenure serve` and `tenure demo` serve a warehouse until stopped, leaving beside a DuckDB file the note
// naming the server and its key (src/warehouse/serving-note.ts), removed when they stop. `tenure ingest` and
// `tenure compute` read it when DuckDB refuses them the file, and go through the server.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type ServeOptions, startServer } from '../server/serve.ts';
import { isPostgresUrl } from '../warehouse/open.ts';
import { removeServingNote, writeServingNote } from '../warehouse/serving-note.ts';

/** A key for this run of the server: random, in the shape of a bearer token. */
function newServingKey(): string {
  return `tnr_local_${randomBytes(32).toString('base64url')}`;
}

/** Where a server listening at `url` is reached from this machine: loopback for a wildcard address. */
function reachableUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.origin;
}

/**
 * Leaves the note beside `db` (a DuckDB file; nothing for PostgreSQL, which other processes open anyway)
 * and returns how to take it away. It is also taken away if the process exits without saying so.
 */
function leaveServingNote(
  db: string,
  url: string,
  key: string,
  allowedHosts: readonly string[] | undefined,
): () => void {
  if (isPostgresUrl(db) || db === ':memory:') return () => undefined;
  const reach = reachableUrl(url);
  writeServingNote({
    pid: process.pid,
    url: reach,
    host: allowedHosts?.[0] ?? new URL(reach).host,
    key,
    db: resolve(db),
    started_at: new Date().toISOString(),
  });
  const remove = () => removeServingNote(db, process.pid);
  process.once('exit', remove);
  return remove;
}

/**
 * Serves `db` until SIGINT or SIGTERM with a key of its own, the note beside the file naming the server
 * while it runs (`started` is told where it answers). On the signal the note is taken away, then the
 * warm-up running, the requests in flight (a load among them) and the warm-up a load started finish.
 */
export async function serveUntilStopped(
  db: string,
  opts: Omit<ServeOptions, 'localKey'>,
  started: (url: string) => void,
): Promise<void> {
  const key = newServingKey();
  const server = await startServer({ ...opts, localKey: key });
  // `tenure ingest` and `tenure compute` on this file find the server through the note beside it.
  const removeNote = leaveServingNote(db, server.url, key, opts.allowedHosts);
  started(server.url);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  removeNote();
  await server.warmed;
  await server.app.close();
  await server.warmed;
}
