// `npx tsx src/catalog/write-schema.ts`: writes tenure.schema.json, the JSON Schema of the project file,
// beside this script. A test checks the committed file equals what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectFileJsonSchema } from './project-file.ts';

export const SCHEMA_FILE = join(import.meta.dirname, 'tenure.schema.json');

export const schemaText = (): string => `${JSON.stringify(projectFileJsonSchema(), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
