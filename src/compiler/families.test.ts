import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG } from '../catalog/catalog.ts';
import { FAMILIES, familyFor, familyOf, targetsOf } from './families.ts';

test('every KPI of the catalog has exactly one family that computes it', () => {
  for (const def of CATALOG) {
    const owners = FAMILIES.filter((f) => f.kpis.includes(def.id)).map((f) => f.name);
    assert.equal(owners.length, 1, `${def.id}: computed by ${owners.join(', ') || 'nobody'}`);
  }
  const ids = new Set(CATALOG.map((d) => d.id));
  for (const f of FAMILIES)
    for (const k of f.kpis) assert.ok(ids.has(k), `${f.name} computes ${k}, not in the catalog`);
});

test('the registry: every computation tag belongs to exactly one family, which computes every KPI of that tag', () => {
  for (const tag of new Set(FAMILIES.flatMap((f) => f.computations))) {
    const owners = FAMILIES.filter((f) => f.computations.includes(tag)).map((f) => f.name);
    assert.equal(owners.length, 1, `${tag}: claimed by ${owners.join(', ')}`);
  }
  for (const def of CATALOG) {
    const family = familyFor(def);
    assert.ok(
      family?.kpis.includes(def.id),
      `${def.id} (${def.computation}) is not computed by ${family?.name}`,
    );
    assert.equal(family, familyOf(def.id));
  }
});

test('every parameter of every KPI reaches its family (an override is never silently ignored)', () => {
  const lost: string[] = [];
  for (const def of CATALOG) {
    const family = familyOf(def.id);
    for (const name of Object.keys(def.params)) {
      if (family && targetsOf(family, name).length === 0) lost.push(`${def.id}.${name} (${family.name})`);
    }
  }
  assert.deepEqual(lost, []);
});

test("a family's own defaults are the catalog's (the library and the catalog compute the same thing)", () => {
  const drift: string[] = [];
  for (const def of CATALOG) {
    const family = familyOf(def.id);
    if (!family) continue;
    for (const [name, spec] of Object.entries(def.params)) {
      for (const key of targetsOf(family, name)) {
        const own = (family.defaults as Record<string, unknown>)[key];
        if (JSON.stringify(own) !== JSON.stringify(spec.default)) {
          drift.push(
            `${def.id}.${name}: catalog ${JSON.stringify(spec.default)}, ${family.name}.${key} ${JSON.stringify(own)}`,
          );
        }
      }
    }
  }
  assert.deepEqual(drift, []);
});
