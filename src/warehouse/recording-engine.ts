// An Engine that passes everything to another and keeps the statements it ran: how `tenure explain` shows
// the very SQL behind a number.
import type { BindValue, BulkSource, Engine, Row } from './engine.ts';

export interface RecordedStatement {
  readonly sql: string;
  readonly params: readonly BindValue[];
}

export class RecordingEngine implements Engine {
  readonly statements: RecordedStatement[] = [];

  constructor(private readonly inner: Engine) {}

  get dialect() {
    return this.inner.dialect;
  }

  get location() {
    return this.inner.location;
  }

  async query<T extends Row = Row>(sql: string, params: readonly BindValue[] = []): Promise<T[]> {
    this.statements.push({ sql, params });
    return this.inner.query<T>(sql, params);
  }

  async run(sql: string, params: readonly BindValue[] = []): Promise<number> {
    this.statements.push({ sql, params });
    return this.inner.run(sql, params);
  }

  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T> {
    return this.inner.transaction(() => work(this));
  }

  bulkLoad(table: string, source: BulkSource): Promise<number> {
    return this.inner.bulkLoad(table, source);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
