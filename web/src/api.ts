// Fetching from the API: one function, errors carry the API's own message (and hint), and a token kept in
// localStorage (`tenure.token`) is sent when the server asks for one.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const TOKEN_KEY = 'tenure.token';
/** The event sent when the server answers 401 to the stored token. */
export const TOKEN_REFUSED = 'tenure:token-refused';

export function getJson<T>(path: string): Promise<T> {
  return sendJson<T>('GET', path);
}

/** A request with the stored token; a body is sent as JSON. */
export async function sendJson<T>(method: string, path: string, payload?: unknown): Promise<T> {
  const token = globalThis.localStorage?.getItem(TOKEN_KEY);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch {
    throw new ApiError('the server cannot be reached; is `tenure serve` still running?', 0);
  }
  const body = (await res.json().catch(() => null)) as
    | (T & { error?: undefined })
    | { error?: { message?: string; hint?: string } }
    | null;
  // A stored token the server does not know: the shell says so and offers to forget it.
  if (res.status === 401 && token) globalThis.dispatchEvent?.(new Event(TOKEN_REFUSED));
  if (!res.ok) {
    const error = body && 'error' in body ? body.error : undefined;
    throw new ApiError(error?.message ?? `the server answered ${res.status}`, res.status, error?.hint);
  }
  return body as T;
}

/** A query string from the values that are set. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface CatalogEntry {
  id: string;
  name: string;
  activity: string;
  kind: 'leading' | 'lagging';
  unit: string;
  higher_is_better: boolean;
  version: number;
  hash: string;
  custom: boolean;
}

export interface ResultRow {
  kpi: string;
  period_start: string;
  period_end: string;
  segment: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  n: number | null;
  flags: string[];
}

export interface Definition {
  id: string;
  name: string;
  description: string;
  activity: string;
  kind: string;
  unit: string;
  higher_is_better: boolean;
  formula: string;
  params: Record<string, unknown>;
  lineage: { table: string; columns: string[] }[];
  version: number;
}

/**
 * Downloads a CSV answer of the API as NAME.csv. Fetched with the stored token (a plain link would not
 * send it), then handed to the browser as a file.
 */
export async function downloadCsv(path: string, name: string): Promise<void> {
  const token = globalThis.localStorage?.getItem(TOKEN_KEY);
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status === 401 && token) globalThis.dispatchEvent?.(new Event(TOKEN_REFUSED));
  if (!res.ok) return;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
