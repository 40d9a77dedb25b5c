// Buffered CSV writers, one per table: rows are appended as ready-made lines, flushed in ~1 MB chunks to a
// write stream, and the generator waits for the stream to drain whenever the disk falls behind.
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { TABLE_NAMES, type TableName, tableSpec } from '../schema/tables.ts';

const CHUNK_BYTES = 1 << 20;
const PENDING_CHARS = 1 << 14;
const STREAM_BUFFER = 16 << 20;

/** A CSV field, quoted only when it holds a comma, quote or line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A money amount with two decimals, never negative zero. */
export function money(amount: number): string {
  const cents = Math.round(amount * 100);
  return (cents <= 0 ? 0 : cents / 100).toFixed(2);
}

export class TableWriter {
  rows = 0;
  /** Rows gather in a short string, copied into a byte buffer every few kilobytes: far cheaper than a copy
   * per row, and the strings die young, which leaves the garbage collector little to do. */
  private pending = '';
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private drained: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    readonly table: TableName,
    readonly path: string,
    private readonly stream: Writable,
  ) {
    this.pending = `${tableSpec(table)
      .columns.map((c) => c.name)
      .join(',')}\n`;
    stream.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  /** Appends one line (ending in \n) whose fields are already in the spec's column order. */
  row(line: string): void {
    this.pending += line;
    this.rows++;
    if (this.pending.length >= PENDING_CHARS) this.copyPending();
  }

  private copyPending(): void {
    const text = this.pending;
    this.pending = '';
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.used + 3 * text.length > this.buffer.length) {
      this.flush();
      if (3 * text.length > this.buffer.length) this.buffer = Buffer.allocUnsafe(3 * text.length);
    }
    this.used += this.buffer.write(text, this.used);
  }

  get blocked(): boolean {
    return this.drained !== undefined;
  }

  private flush(): void {
    if (this.used === 0) return;
    const ok = this.stream.write(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    if (!ok && !this.drained) {
      this.drained = once(this.stream, 'drain').then(
        () => undefined,
        (err: Error) => {
          this.failure ??= err;
        },
      );
    }
  }

  async drain(): Promise<void> {
    const pending = this.drained;
    if (pending) {
      await pending;
      this.drained = undefined;
    }
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.copyPending();
    this.flush();
    await this.drain();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.stream.destroy();
  }
}

export type Writers = Record<TableName, TableWriter>;

/** Opens DIR/NAME.csv for every table; fails at once (not later) when the folder is not writable. */
export async function openWriters(dir: string): Promise<Writers> {
  const writers: Partial<Writers> = {};
  try {
    for (const name of TABLE_NAMES) {
      const path = join(dir, `${name}.csv`);
      const handle = await open(path, 'w');
      const stream = handle.createWriteStream({ highWaterMark: STREAM_BUFFER });
      writers[name] = new TableWriter(name, path, stream);
    }
  } catch (err) {
    for (const w of Object.values(writers)) w?.destroy();
    throw err;
  }
  return writers as Writers;
}

export function anyBlocked(writers: Writers): boolean {
  for (const name of TABLE_NAMES) if (writers[name].blocked) return true;
  return false;
}

export async function drainAll(writers: Writers): Promise<void> {
  for (const name of TABLE_NAMES) await writers[name].drain();
}

export async function closeAll(writers: Writers): Promise<void> {
  for (const name of TABLE_NAMES) await writers[name].close();
}

export function destroyAll(writers: Writers): void {
  for (const name of TABLE_NAMES) writers[name].destroy();
}
