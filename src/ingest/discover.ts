// Finds the canonical files in a data folder: NAME.csv, NAME.parquet or NAME.ndjson (also .jsonl).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
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

export async function discoverFiles(dir: string): Promise<Discovery> {
  let names: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error('not a folder');
    names = (await readdir(dir)).sort();
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
    const info = await stat(path);
    byTable.set(parts.base, { table: parts.base, path, name, format: parts.format, bytes: info.size });
  }
  const files = loadOrder().flatMap((t) => {
    const f = byTable.get(t);
    return f ? [f] : [];
  });
  return { files, ignored };
}
