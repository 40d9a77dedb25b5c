// The generator's entry point: validates the options, streams every customer through the per-customer
// steps into the table writers, adds the company-wide tables, converts to Parquet if asked, and writes
// truth.json.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { badInput, TenureError } from '../errors/tenure-error.ts';
import { TABLE_NAMES, type TableName } from '../schema/tables.ts';
import { generateActivity } from './activity.ts';
import { generateCommerce } from './commerce.ts';
import { Context } from './context.ts';
import { drawProfile, writeCustomer } from './customers.ts';
import { generateFeedback } from './feedback.ts';
import { writeCompanyTables } from './marketing.ts';
import { type GenerateOptions, type ResolvedOptions, resolveOptions, type SynthFormat } from './options.ts';
import { convertToParquet } from './parquet.ts';
import { Rng, STREAM } from './random.ts';
import { simulateSubscription, writeSubscription } from './subscriptions.ts';
import { buildTruth } from './truth.ts';
import { anyBlocked, closeAll, destroyAll, drainAll, openWriters, type Writers } from './writer.ts';

export type { GenerateOptions } from './options.ts';

export interface GenerateSummary {
  out: string;
  format: SynthFormat;
  /** The window [start, end) as dates. */
  start: string;
  end: string;
  tables: Record<TableName, number>;
  seconds: number;
}

/**
 * One customer, start to finish; what it writes depends only on (seed, index) and the id counters. Each step
 * has its own random stream, so changing how events are drawn leaves the subscriptions as they were.
 */
function generateCustomer(ctx: Context, index: number, w: Writers): void {
  const rng = Rng.stream(ctx.seed, STREAM.customer, index);
  const profile = drawProfile(ctx, index, rng);
  const timeline = simulateSubscription(ctx, profile, rng);
  writeCustomer(ctx, profile, timeline, w);
  writeSubscription(ctx, profile, timeline, w);
  const users = generateActivity(ctx, profile, timeline, Rng.stream(ctx.seed, STREAM.activity, index), w);
  const extras = Rng.stream(ctx.seed, STREAM.extras, index);
  const words = Rng.stream(ctx.seed, STREAM.comments, index);
  generateFeedback(ctx, profile, timeline, users, { extras, words }, w);
  generateCommerce(ctx, profile, timeline, extras, w);
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

async function ensureFolder(dir: string): Promise<void> {
  const hint = 'choose a folder you can write to with --out';
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw badInput(`${dir} is not a folder`, { file: dir }, hint);
  } catch (err) {
    if (err instanceof TenureError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw badInput(`cannot create the output folder (${code})`, { file: dir }, hint);
  }
}

function writeFailure(err: unknown, dir: string): TenureError {
  if (err instanceof TenureError) return err;
  const e = err as NodeJS.ErrnoException;
  return new TenureError('bad_input', `cannot write the generated files (${e.code ?? e.message})`, {
    where: { file: e.path ?? dir },
    hint: 'check that the folder is writable and the disk has room',
    cause: err,
  });
}

async function writeCsv(
  ctx: Context,
  opts: ResolvedOptions,
  dir: string,
  onProgress: GenerateOptions['onProgress'],
) {
  let writers: Writers;
  try {
    writers = await openWriters(dir);
  } catch (err) {
    throw writeFailure(err, dir);
  }
  try {
    for (let i = 0; i < opts.customers; i++) {
      generateCustomer(ctx, i, writers);
      if (anyBlocked(writers)) await drainAll(writers);
      if ((i & 1023) === 1023) {
        await yieldToIo();
        onProgress?.(i + 1, opts.customers);
      }
    }
    writeCompanyTables(ctx, writers);
    await closeAll(writers);
    onProgress?.(opts.customers, opts.customers);
  } catch (err) {
    destroyAll(writers);
    throw writeFailure(err, dir);
  }
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, writers[name].rows])) as Record<
    TableName,
    number
  >;
}

/** Generates a synthetic company into options.out; the same options always give the same bytes. */
export async function generateCompany(options: GenerateOptions): Promise<GenerateSummary> {
  const opts = resolveOptions(options);
  const began = performance.now();
  await ensureFolder(opts.out);
  const ctx = new Context(opts);
  const csvDir = opts.format === 'csv' ? opts.out : await mkdtemp(join(tmpdir(), 'tenure-synth-'));
  let tables: Record<TableName, number>;
  try {
    tables = await writeCsv(ctx, opts, csvDir, options.onProgress);
    if (opts.format === 'parquet') {
      await convertToParquet(csvDir, opts.out).catch((err: Error) => {
        throw new TenureError('engine_failure', `could not write Parquet files: ${err.message}`, {
          where: { file: opts.out },
          hint: 'check that the folder is writable and the disk has room, or use --format csv',
          cause: err,
        });
      });
    }
  } finally {
    if (csvDir !== opts.out) await rm(csvDir, { recursive: true, force: true });
  }
  const start = ctx.clock.date(ctx.start);
  const truthOptions = {
    customers: opts.customers,
    months: opts.months,
    seed: opts.seed,
    start,
    end: opts.end,
    format: opts.format,
  };
  const realized = { ...ctx.realized, ...tables };
  const truth = buildTruth(truthOptions, realized);
  try {
    await writeFile(join(opts.out, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  } catch (err) {
    throw writeFailure(err, opts.out);
  }
  const seconds = Math.round((performance.now() - began) / 10) / 100;
  return { out: opts.out, format: opts.format, start, end: opts.end, tables, seconds };
}
