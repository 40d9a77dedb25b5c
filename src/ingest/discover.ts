// Finds the canonical files in a data folder: NAME.csv, NAME.parquet or NAME.ndjson (also .jsonl). Each
// must be a regular file inside the folder: a folder or device under a table's name, a dangling link or a
// link leading out of the folder is refused by name, before anything is read from it (nothing of a file
// outside the folder ever reaches a message).
import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { badInput } from '../errors/tenure-error.ts';
import { type FileFormat, isTableName, loadOrder, type TableName } from '../schema/tables.ts';

export interface SourceFile {
  readonly table: TableName;
  readonly path: string;
  /** The file's name as shown in messages. */
  readonly name: string;
  readonly format: FileFormat;
  readonly bytes: number;
}

export interface Discovery {
  /** In load order: referenced tables before the tables that reference them. */
  readonly files: SourceFile[];
  /** Files in the folder that are not canonical tables; listed so nothing is skipped silently. */
  readonly ignored: string[];
}

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

function splitName(file: string): { base: string; format: FileFormat } | undefined {
  for (const [ext, format] of Object.entries(EXTENSIONS)) {
    if (file.toLowerCase().endsWith(ext)) return { base: file.slice(0, -ext.length), format };
  }
  return undefined;
}

const TABLE_FILES = 'a table is read from a file named NAME.csv, NAME.parquet or NAME.ndjson';

/** The size of a table's file, once it is known to be a readable regular file inside the data folder. */
async function readableFileSize(path: string, name: string, realDir: string): Promise<number> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw badInput(
      missing ? 'the file is a link to a file that does not exist' : 'the file cannot be read',
      { file: name },
      missing
        ? 'point the link at the file, or put the file itself in the data folder'
        : 'let the user running tenure read it',
    );
  }
  const inside = relative(realDir, real);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw badInput(
      'the file is a link to a file outside the data folder, which is not read',
      { file: name },
      'copy the file into the data folder (or give --data the folder that holds it)',
    );
  }
  const info = await stat(real);
  if (info.isDirectory()) {
    throw badInput('this is a folder, not a file', { file: name }, `move or rename it: ${TABLE_FILES}`);
  }
  if (!info.isFile()) {
    throw badInput('this is not a regular file', { file: name }, `replace it with a file: ${TABLE_FILES}`);
  }
  try {
    await access(real, constants.R_OK);
  } catch {
    throw badInput(
      `${name} cannot be read (no permission)`,
      { file: name },
      'let the user running tenure read it',
    );
  }
  return info.size;
}

export async function discoverFiles(dir: string): Promise<Discovery> {
  let names: string[];
  let realDir: string;
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error('not a folder');
    names = (await readdir(dir)).sort();
    realDir = await realpath(dir);
  } catch {
    throw badInput(
      `cannot read the data folder ${dir}`,
      { file: dir },
      'give --data a folder that holds customers.csv and the other tables',
    );
  }
  const byTable = new Map<TableName, SourceFile>();
  const ignored: string[] = [];
  for (const name of names) {
    const parts = splitName(name);
    if (!parts || !isTableName(parts.base)) {
      if (parts || !name.startsWith('.')) ignored.push(name);
      continue;
    }
    const earlier = byTable.get(parts.base);
    if (earlier) {
      throw badInput(
        `${parts.base} is given twice: ${earlier.name} and ${name}`,
        { file: join(dir, name) },
        'keep one file per table',
      );
    }
    const path = join(dir, name);
    const bytes = await readableFileSize(path, name, realDir);
    byTable.set(parts.base, { table: parts.base, path, name, format: parts.format, bytes });
  }
  const files = loadOrder().flatMap((t) => {
    const f = byTable.get(t);
    return f ? [f] : [];
  });
  return { files, ignored };
}
