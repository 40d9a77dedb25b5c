import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderDataModel } from './data-model-doc.ts';
import { loadOrder, TABLE_NAMES, tableSpec } from './tables.ts';

test('docs/data-model.md is the contract the code enforces (run `npm run docs` after changing tables.ts)', () => {
  const committed = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');
  assert.equal(committed, renderDataModel());
});

test('every table is documented with its file names, key and columns', () => {
  const doc = renderDataModel();
  for (const name of TABLE_NAMES) {
    assert.match(doc, new RegExp(`## ${name}\\n`));
    assert.ok(doc.includes(`\`${name}.csv\``));
    for (const col of tableSpec(name).columns)
      assert.ok(doc.includes(`| \`${col.name}\` |`), `${name}.${col.name}`);
  }
});

test('load order puts every referenced table before the tables that refer to it', () => {
  const order = loadOrder();
  assert.equal(order.length, TABLE_NAMES.length);
  for (const name of order) {
    for (const col of tableSpec(name).columns) {
      if (col.references && col.references !== name) {
        assert.ok(order.indexOf(col.references) < order.indexOf(name), `${col.references} before ${name}`);
      }
    }
  }
});

test('only customers is required, and every key column exists in its table', () => {
  for (const name of TABLE_NAMES) {
    const spec = tableSpec(name);
    assert.equal(spec.required, name === 'customers');
    for (const k of spec.key)
      assert.ok(
        spec.columns.some((c) => c.name === k),
        `${name}.${k}`,
      );
  }
});
