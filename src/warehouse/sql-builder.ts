// Collects bound values while SQL text is assembled, so a value never enters the text itself.
import type { BindValue, Dialect } from './engine.ts';

export class SqlParams {
  private readonly list: BindValue[] = [];

  constructor(readonly dialect: Dialect) {}

  /** Adds a value and returns the placeholder that stands for it. */
  bind(value: BindValue): string {
    this.list.push(value);
    return this.dialect.placeholder(this.list.length);
  }

  get values(): readonly BindValue[] {
    return this.list;
  }
}
