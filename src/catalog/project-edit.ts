// Changing the project file from the API (editors): a KPI's parameters, or the targets. The change is
// checked exactly as a hand edit would be (applyOverrides collects every problem), then written back with
// the rest of the file — comments included — untouched, through a temporary file and a rename so a crash
// never leaves half a file.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { TenureError } from '../errors/tenure-error.ts';
import { CATALOG, type ResolvedCatalog } from './catalog.ts';
import { parseProjectFile } from './project-file.ts';

export type ProjectPath = readonly (string | number)[];

/** Sets `path` to `value` in the project file (creating it when missing) and returns the new catalog. */
export async function editProjectFile(
  file: string,
  path: ProjectPath,
  value: unknown,
): Promise<ResolvedCatalog> {
  const text = existsSync(file) ? await readFile(file, 'utf8') : 'version: 1\n';
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new TenureError('bad_config', 'the project file does not parse; fix it before editing it here', {
      where: { file },
      hint: 'run `tenure catalog --project FILE` to see the problem',
    });
  if (value === undefined) doc.deleteIn(path);
  else doc.setIn(path, doc.createNode(value));
  const next = doc.toString();
  // Checked before anything is written: a bad change leaves the file as it was.
  const catalog = parseProjectFile(next, file, CATALOG);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, next, 'utf8');
  await rename(temporary, file);
  return catalog;
}
