// One error type for every failure a user can act on. Each code declares its CLI exit code and
// HTTP status, so the CLI and the server map errors mechanically, in one place.

export const ERROR_CODES = {
  bad_input: { exitCode: 2, httpStatus: 400 },
  bad_config: { exitCode: 2, httpStatus: 400 },
  not_found: { exitCode: 3, httpStatus: 404 },
  unauthorized: { exitCode: 5, httpStatus: 401 },
  forbidden: { exitCode: 5, httpStatus: 403 },
  /** Too many failed attempts from one address: wait before trying again. */
  rate_limited: { exitCode: 5, httpStatus: 429 },
  /** A request for a host this server does not answer for (DNS rebinding, a wrong proxy). */
  wrong_host: { exitCode: 2, httpStatus: 421 },
  /** A computation stopped after its time limit. */
  timeout: { exitCode: 4, httpStatus: 503 },
  /** The warehouse is held by another process (a DuckDB file is written by one process at a time). */
  busy: { exitCode: 6, httpStatus: 409 },
  engine_failure: { exitCode: 4, httpStatus: 500 },
  internal: { exitCode: 70, httpStatus: 500 },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in the user's input a problem sits. */
export interface Location {
  readonly file?: string;
  readonly line?: number;
  readonly column?: string;
  readonly field?: string;
}

export class TenureError extends Error {
  readonly code: ErrorCode;
  readonly where: Location;
  /** What the user can do about it. */
  readonly hint: string;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { where?: Location; hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TenureError';
    this.code = code;
    this.where = opts.where ?? {};
    this.hint = opts.hint ?? '';
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  /** Where, in words: "customers.csv, line 4, column plan" (and the field unless `field` is false). */
  place(opts: { field?: boolean } = {}): string {
    const w = this.where;
    return [w.file, w.line === undefined ? undefined : `line ${w.line}`, w.column && `column ${w.column}`]
      .concat(opts.field !== false && w.field ? [`field ${w.field}`] : [])
      .filter(Boolean)
      .join(', ');
  }

  /** One line a person can read: where, what, and what to do. */
  describe(): string {
    const place = this.place();
    return `${place ? `${place}: ` : ''}${this.message}${this.hint ? ` — ${this.hint}` : ''}`;
  }

  toJSON() {
    return { error: this.code, message: this.message, where: this.where, hint: this.hint };
  }
}

export const badInput = (message: string, where: Location = {}, hint = '') =>
  new TenureError('bad_input', message, { where, hint });
