// An Engine that passes everything to another and keeps the statements it ran: how `tenure explain` shows
// the very SQL behind a number.
import type { BindValue, BulkSource, Engine, Row } from './engine.ts';

export interface RecordedStatement {
  readonly sql: string;
  readonly params: readonly BindValue[];
  /** How long the engine took, once it answered. */
  seconds?: number;
}

export class RecordingEngine implements Engine {
  constructor(
    private readonly inner: Engine,
    /** Shared with the engines of this engine's sessions and transactions: one record of everything. */
    readonly statements: RecordedStatement[] = [],
  ) {}

  get dialect() {
    return this.inner.dialect;
  }

  get location() {
    return this.inner.location;
  }

  query<T extends Row = Row>(sql: string, params: readonly BindValue[] = []): Promise<T[]> {
    return this.timed(sql, params, () => this.inner.query<T>(sql, params));
  }

  run(sql: string, params: readonly BindValue[] = []): Promise<number> {
    return this.timed(sql, params, () => this.inner.run(sql, params));
  }

  private async timed<T>(sql: string, params: readonly BindValue[], work: () => Promise<T>): Promise<T> {
    const statement: RecordedStatement = { sql, params };
    this.statements.push(statement);
    const start = performance.now();
    const result = await work();
    statement.seconds = (performance.now() - start) / 1000;
    return result;
  }

  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => work(new RecordingEngine(tx, this.statements)));
  }

  session<T>(work: (session: Engine) => Promise<T>): Promise<T> {
    return this.inner.session((s) => work(new RecordingEngine(s, this.statements)));
  }

  isolated<T>(work: (session: Engine) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.inner.isolated((s) => work(new RecordingEngine(s, this.statements)), signal);
  }

  bulkLoad(table: string, source: BulkSource): Promise<number> {
    return this.inner.bulkLoad(table, source);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
