// How much memory DuckDB may take, and where it spills what does not fit. DuckDB's own default is 80% of
// the machine's memory, which a load or the catalog at a million customers fills (the machine's other work
// then has none); Tenure sets less, and DuckDB writes the rest of a large sort, join, grouping or
// temporary table to the spill directory.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { TenureError } from '../../errors/tenure-error.ts';

/** What a caller may set; each falls back to its environment variable, then to the default. */
export interface DuckDBMemoryOptions {
  /** A size such as '4GB' or '3GiB' (TENURE_MEMORY_LIMIT). */
  readonly memoryLimit?: string;
  /** The folder DuckDB spills into is made inside this one (TENURE_SPILL_DIR). */
  readonly spillDir?: string;
}

export interface DuckDBMemorySettings {
  /** DuckDB's `memory_limit`. */
  readonly memoryLimit: string;
  /** DuckDB's `temp_directory`: made by DuckDB when it first spills, removed by it at close. */
  readonly spillDirectory: string;
}

const SIZE = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * A tenth of the machine's memory, and at least 1 GiB: 2.4 GiB on a 24 GiB machine. The process takes
 * about 0.8 GiB more at a million customers whatever the limit (Node, and what DuckDB's allocator holds
 * beyond its own count): a full load peaked at 3.2 GiB with this limit, 3.8 GiB with an eighth of the
 * machine (10% faster), and the catalog took as long with 18 GB as with 3 GiB.
 */
export function defaultMemoryLimit(machineBytes = totalmem()): string {
  return `${Math.max(1024, Math.floor(machineBytes / 10 / 2 ** 20))}MiB`;
}

function checkedSize(value: string, from: string): string {
  const size = value.trim();
  if (SIZE.test(size)) return size;
  throw new TenureError('bad_config', `${from} is ${JSON.stringify(value)}, not a size`, {
    where: { field: from },
    hint: 'give a number and a unit, such as 4GB or 3GiB (KB, MB, GB, TB or KiB, MiB, GiB, TiB)',
  });
}

/**
 * The settings a warehouse at `path` opens with. A file spills beside itself (`FILE.tmp`, DuckDB's own
 * choice, which one process at a time holds with the file); ':memory:', or any warehouse when a spill folder
 * is given, spills into a folder of its own made inside the OS's temporary folder or the given one, so that
 * two processes (or two in-memory warehouses of one process) never share DuckDB's spill files. A given
 * folder is made if missing.
 */
export function duckdbMemorySettings(
  path: string,
  opts: DuckDBMemoryOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): DuckDBMemorySettings {
  const limit = opts.memoryLimit ?? nonEmpty(env.TENURE_MEMORY_LIMIT);
  const memoryLimit =
    limit === undefined
      ? defaultMemoryLimit()
      : checkedSize(limit, opts.memoryLimit === undefined ? 'TENURE_MEMORY_LIMIT' : 'memory limit');
  const parent = opts.spillDir ?? nonEmpty(env.TENURE_SPILL_DIR);
  if (parent !== undefined)
    madeFolder(parent, opts.spillDir === undefined ? 'TENURE_SPILL_DIR' : 'spill folder');
  const own = `tenure-spill-${process.pid}-${randomUUID().slice(0, 8)}`;
  const spillDirectory =
    parent !== undefined ? join(parent, own) : path === ':memory:' ? join(tmpdir(), own) : `${path}.tmp`;
  return { memoryLimit, spillDirectory };
}

/**
 * DuckDB's configuration for these settings. Its allocator (jemalloc) keeps memory freed by one operator
 * for a while before handing it back; background threads hand it back sooner, which lowers the process's
 * peak by a few hundred MiB at a million customers at no measurable cost.
 */
export function duckdbConfig(settings: DuckDBMemorySettings): Record<string, string> {
  return {
    memory_limit: settings.memoryLimit,
    temp_directory: settings.spillDirectory,
    allocator_background_threads: 'true',
  };
}

/** DuckDB makes its spill folder but not the folders above it. */
function madeFolder(path: string, from: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new TenureError('bad_config', `${from} is ${path}, which cannot be made: ${message}`, {
      where: { field: from },
      hint: 'give a folder this user can write, on a disk with room for what does not fit in memory',
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
