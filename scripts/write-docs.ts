// `npm run docs`: writes the generated reference docs.
import { writeFileSync } from 'node:fs';
import { renderDataModel } from '../src/schema/data-model-doc.ts';

writeFileSync(new URL('../docs/data-model.md', import.meta.url), renderDataModel());
