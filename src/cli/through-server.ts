// `tenure ingest` and `tenure compute` on a DuckDB file that `tenure serve` holds: DuckDB lets one process
// open the file, so they ask the server that holds it, found through the note it leaves beside the file
// (src/warehouse/serving-note.ts), with the key in that note. A load runs in the server exactly as the
// command would run it (POST /api/loads); a computation is the server's GET /api/kpis, refused when the
// server's definitions are not the ones the command would use.
import { request } from 'node:http';
import { resolve } from 'node:path';
import { type Catalog, definitionHash } from '../catalog/catalog.ts';
import { DEFAULT_MIN_SAMPLE } from '../compiler/compute.ts';
import type { SegmentFilter } from '../compiler/filters.ts';
import { ERROR_CODES, type ErrorCode, TenureError } from '../errors/tenure-error.ts';
import type { LoadSummary } from '../ingest/load-warehouse.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { ServingNote } from '../warehouse/serving-note.ts';

interface ApiError {
  error?: { code?: string; message?: string; field?: string; hint?: string; request_id?: string };
}

/** The server, as messages name it. */
export const who = (note: ServingNote) => `\`tenure serve\` (PID ${note.pid}) at ${note.url}`;

/** One request to the server holding the warehouse; its refusals come back as the errors they were. */
export function askServer<T>(
  note: ServingNote,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const url = new URL(path, note.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((done, fail) => {
    // node:http, not fetch: a load answers when it is over, which may be long after fetch stops waiting.
    const req = request(
      url,
      {
        method,
        headers: {
          host: note.host,
          authorization: `Bearer ${note.key}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            fail(refusal(note, res.statusCode ?? 0, {}));
            return;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) done(parsed as T);
          else fail(refusal(note, status, parsed as ApiError));
        });
      },
    );
    req.on('error', (err) =>
      fail(
        new TenureError('busy', `the warehouse is held by ${who(note)}, which does not answer`, {
          hint: `stop that process (kill -INT ${note.pid}) and run this again`,
          cause: err,
        }),
      ),
    );
    req.end(payload);
  });
}

function refusal(note: ServingNote, status: number, body: ApiError): TenureError {
  const e = body.error ?? {};
  const code = e.code !== undefined && e.code in ERROR_CODES ? (e.code as ErrorCode) : 'internal';
  if (code === 'internal' || status >= 500) {
    const id = e.request_id === undefined ? '' : ` under the request id ${e.request_id}`;
    return new TenureError(
      code === 'timeout' ? 'timeout' : 'engine_failure',
      `${who(note)} failed (${status})`,
      {
        hint: e.hint ?? `its log (stderr) says why${id}`,
      },
    );
  }
  return new TenureError(code, e.message ?? `${who(note)} refused the request (${status})`, {
    where: e.field === undefined ? {} : { field: e.field },
    hint: e.hint ?? '',
  });
}

/** `tenure ingest` through the server: the folder is read by the server, from its absolute path. */
export function loadThroughServer(
  note: ServingNote,
  opts: { dataDir: string; futureToleranceDays: number; rebuild?: boolean },
): Promise<LoadSummary> {
  return askServer<LoadSummary>(note, 'POST', '/api/loads', {
    data_dir: resolve(opts.dataDir),
    future_tolerance_days: opts.futureToleranceDays,
    rebuild: opts.rebuild === true,
  });
}

export interface ServedComputation {
  readonly kpis: string[] | 'all';
  readonly from: string;
  readonly to: string;
  readonly grain: string;
  readonly by?: string;
  readonly filters: readonly SegmentFilter[];
  /** As given on the command line (already checked). */
  readonly asOf?: string;
  readonly minSample: number;
  /** The definitions the command would compute with. */
  readonly definitions: Catalog;
}

/**
 * `tenure compute` through the server: the same rows, from the server's cache or computation. What the
 * API cannot be asked for, and definitions that differ from the server's, are refused with what to do.
 */
export async function computeThroughServer(note: ServingNote, c: ServedComputation): Promise<KpiResult[]> {
  const stop = `or stop that server (kill -INT ${note.pid}) and run this again`;
  if (c.minSample !== DEFAULT_MIN_SAMPLE) {
    throw new TenureError('busy', `--min-sample cannot be sent to ${who(note)}, which holds the warehouse`, {
      where: { field: '--min-sample' },
      hint: `leave it at ${DEFAULT_MIN_SAMPLE}, ${stop}`,
    });
  }
  const odd = c.filters.find((f) => /[,:]/.test(f.value));
  if (odd) {
    throw new TenureError('busy', `a filter value with ',' or ':' cannot be sent to ${who(note)}`, {
      where: { field: '--filter' },
      hint: stop,
    });
  }
  const served = await askServer<{ kpis: { id: string; hash: string }[] }>(note, 'GET', '/api/catalog');
  const theirs = new Map(served.kpis.map((k) => [k.id, k.hash]));
  const asked = c.kpis === 'all' ? c.definitions.map((d) => d.id) : c.kpis;
  const differ = c.definitions.filter(
    (d) => asked.includes(d.id) && theirs.has(d.id) && theirs.get(d.id) !== definitionHash(d),
  );
  // For the whole catalog, the two catalogs must hold the same KPIs too (custom ones differ by project).
  const missing =
    c.kpis === 'all'
      ? [...[...theirs.keys()].filter((id) => !asked.includes(id)), ...asked.filter((id) => !theirs.has(id))]
      : [];
  if (differ.length > 0 || missing.length > 0) {
    const ids = [...differ.map((d) => d.id), ...missing];
    throw new TenureError(
      'bad_config',
      `${who(note)} computes ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''} with other definitions than this command's project file`,
      { where: { field: '--project' }, hint: `give --project the file the server was started with, ${stop}` },
    );
  }
  const query = new URLSearchParams({
    ids: c.kpis === 'all' ? 'all' : c.kpis.join(','),
    from: c.from,
    to: c.to,
    grain: c.grain,
  });
  if (c.by !== undefined) query.set('by', c.by);
  if (c.filters.length > 0) query.set('filter', c.filters.map((f) => `${f.by}:${f.value}`).join(','));
  if (c.asOf !== undefined) query.set('as_of', c.asOf);
  const answer = await askServer<{ results: KpiResult[] }>(note, 'GET', `/api/kpis?${query}`);
  return answer.results;
}
