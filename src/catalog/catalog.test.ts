// The shipped catalog against its sources: the ids and formulas of KPI-DEFAULTS.md, the activities of the
// seed catalog, the canonical tables, and the synthetic company's event names.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TABLES } from '../schema/tables.ts';
import { FEATURES, FUNNEL_STEPS, KEY_ACTIONS, MILESTONES } from '../synth/truth.ts';
import { buildCatalog, CATALOG, canonicalJson, definitionHash, getDefinition } from './catalog.ts';
import { ACTIVITIES, type KpiDefinition } from './definition.ts';

const shared = join(import.meta.dirname, '..', '..', '..', 'shared');
const DEFAULTS_FILE = join(shared, 'KPI-DEFAULTS.md');
const SEED_FILE = join(shared, 'seeds', 'retention-kpi-catalog.txt');

/** The KPI rows of KPI-DEFAULTS.md: `| Name `id` | default |`. */
function defaultRows(): { name: string; id: string; formula: string }[] {
  const rows: { name: string; id: string; formula: string }[] = [];
  for (const line of readFileSync(DEFAULTS_FILE, 'utf8').split('\n')) {
    const m = /^\| (.+?) `([a-z0-9_]+)` \| (.+) \|$/.exec(line);
    if (m?.[1] && m[2] && m[3] && m[2] !== 'id') rows.push({ name: m[1], id: m[2], formula: m[3] });
  }
  return rows;
}

const byId = new Map(CATALOG.map((d) => [d.id, d]));

test('the catalog holds exactly 45 definitions with unique ids', () => {
  assert.equal(CATALOG.length, 45);
  assert.equal(byId.size, 45);
});

test('the ids are exactly those of KPI-DEFAULTS.md', {
  skip: !existsSync(DEFAULTS_FILE) && `${DEFAULTS_FILE} is absent`,
}, () => {
  const ids = defaultRows().map((r) => r.id);
  assert.equal(ids.length, 45);
  assert.deepEqual([...byId.keys()].sort(), [...ids].sort());
});

test('each formula is the default written in KPI-DEFAULTS.md, and names only its own parameters', {
  skip: !existsSync(DEFAULTS_FILE) && `${DEFAULTS_FILE} is absent`,
}, () => {
  for (const row of defaultRows()) {
    const def = getDefinition(row.id);
    assert.equal(def.formula, row.formula, row.id);
    assert.equal(def.name, row.name.replace(' (gross MRR churn)', ''), row.id);
    // `window_days` (90): the parameter exists and its default is the number in brackets. A name the
    // definition reports beside its value (`also`, e.g. expansion growth's `change`) is not a parameter.
    for (const m of def.formula.matchAll(/`([a-z_]+)`(?: \((\d+(?:\.\d+)?))?/g)) {
      const [, name, value] = m;
      if (value === undefined && def.also?.includes(name ?? '')) continue;
      const spec = def.params[name ?? ''];
      assert.ok(spec, `${row.id}: the formula names \`${name}\`, which is not a parameter`);
      if (value !== undefined) assert.equal(spec.default, Number(value), `${row.id}.${name}`);
    }
  }
});

/** Each activity of the seed with the KPI names listed under it. */
function seedActivities(): Map<string, string[]> {
  const lines = readFileSync(SEED_FILE, 'utf8').split('\n');
  const out = new Map<string, string[]>();
  lines.forEach((line, i) => {
    if (line.trim() !== 'Related KPIs') return;
    let h = i - 1;
    while (h >= 0 && !/^[A-Z][A-Za-z]+( [A-Z][A-Za-z]+)+$/.test(lines[h]?.trim() ?? '')) h--;
    // "Retention Strategy" is the seed's second spelling of "Retention Strategies": one activity.
    const heading = (lines[h] ?? '').trim().replace(/^Retention Strategy$/, 'Retention Strategies');
    const activity = heading.toLowerCase().replaceAll(' ', '_');
    const kpis: string[] = [];
    for (let r = i + 3; r < lines.length && (lines[r] ?? '').trim() !== ''; r++) kpis.push(lines[r] ?? '');
    out.set(activity, [...(out.get(activity) ?? []), ...kpis]);
  });
  return out;
}

test('every seed activity is an activity id, has a KPI, and each seed KPI sits in its activity', {
  skip: (!existsSync(SEED_FILE) || !existsSync(DEFAULTS_FILE)) && 'the seed or KPI-DEFAULTS.md is absent',
}, () => {
  const seed = seedActivities();
  assert.deepEqual([...seed.keys()].sort(), [...ACTIVITIES].sort());
  // Seed rows start with the KPI's name (sometimes without the bracketed part of the defaults' name).
  const names = defaultRows().flatMap((r) => [
    { name: r.name, id: r.id },
    { name: r.name.replace(/ \(.*\)$/, ''), id: r.id },
  ]);
  let rows = 0;
  for (const [activity, lines] of seed) {
    assert.ok(
      CATALOG.some((d) => d.activity === activity),
      `${activity} has no KPI`,
    );
    for (const line of lines) {
      const match = names
        .filter((n) => line.startsWith(`${n.name} `))
        .sort((a, b) => b.name.length - a.name.length)[0];
      assert.ok(match, `no KPI matches seed row: ${line.slice(0, 60)}`);
      assert.equal(getDefinition(match.id).activity, activity, match.id);
      rows++;
    }
  }
  assert.equal(rows, 45);
});

test('descriptions are one or two sentences of our own (no six-word run copied from the seed)', {
  skip: !existsSync(SEED_FILE) && `${SEED_FILE} is absent`,
}, () => {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9/]+/g) ?? [];
  const runs = (text: string) => {
    const w = words(text);
    return w.slice(0, Math.max(0, w.length - 5)).map((_, i) => w.slice(i, i + 6).join(' '));
  };
  const seedRuns = new Set(runs(readFileSync(SEED_FILE, 'utf8')));
  for (const def of CATALOG) {
    const sentences = def.description.split(/(?<=[.!?])\s+(?=[A-Z])/);
    assert.ok(sentences.length <= 2, `${def.id}: ${sentences.length} sentences`);
    const copied = runs(def.description).filter((r) => seedRuns.has(r));
    assert.deepEqual(copied, [], `${def.id} repeats the seed`);
  }
});

test('lineage names only canonical tables and their columns', () => {
  for (const def of CATALOG)
    for (const { table, columns } of def.lineage) {
      const spec = TABLES.get(table);
      assert.ok(spec, `${def.id}: no table ${table}`);
      for (const c of columns)
        assert.ok(
          spec.columns.some((s) => s.name === c),
          `${def.id}: ${table} has no column ${c}`,
        );
    }
});

test('event-name defaults follow the synthetic company', () => {
  const def = (id: string, param: string) => getDefinition(id).params[param]?.default;
  assert.deepEqual(def('activation_milestone_completion', 'activation_milestones'), [...MILESTONES]);
  assert.deepEqual(def('drop_off_rate', 'steps'), [...FUNNEL_STEPS]);
  assert.deepEqual(def('meaningful_session_frequency', 'key_actions'), [...KEY_ACTIONS]);
  assert.deepEqual(
    def('feature_adoption_rate', 'features'),
    FEATURES.map((f) => `use_${f}`),
  );
  // The defaults of list parameters that depend on the company say they can be overridden.
  for (const d of CATALOG)
    for (const [name, spec] of Object.entries(d.params))
      if (spec.type === 'string[]' && spec.default.length > 0)
        assert.match(`${spec.description} ${d.description}`, /overrid/, `${d.id}.${name}`);
});

test('definitions are frozen and validated: a duplicate id or a bad definition throws', () => {
  const mrr = getDefinition('mrr');
  assert.ok(Object.isFrozen(mrr));
  assert.throws(() => buildCatalog([mrr, mrr]), /duplicate KPI id mrr/);
  assert.throws(() => buildCatalog([{ ...mrr, id: 'Bad-Id' }]), /snake_case/);
  assert.throws(
    () => buildCatalog([{ ...mrr, lineage: [{ table: 'events', columns: ['nope'] }] }]),
    /events has no column 'nope'/,
  );
  assert.throws(
    () =>
      buildCatalog([{ ...mrr, params: { x: { type: 'integer', default: 0, min: 1, description: 'x' } } }]),
    /default must be ≥ 1/,
  );
});

test('getDefinition: an unknown id is not_found, with close ids in the hint', () => {
  assert.equal(getDefinition('customer_churn_rate').unit, 'rate');
  assert.throws(
    () => getDefinition('customer_churn'),
    (err: unknown) => {
      const e = err as { code: string; hint: string };
      assert.equal(e.code, 'not_found');
      assert.match(e.hint, /customer_churn_rate/);
      return true;
    },
  );
});

test('hashes are canonical (key order does not matter), stable, and change with a default', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
  const def = getDefinition('downgrade_to_churn_conversion_rate');
  const reordered = Object.fromEntries(Object.entries(def).reverse()) as KpiDefinition;
  assert.equal(definitionHash(reordered), definitionHash(def));
  assert.match(definitionHash(def), /^[0-9a-f]{64}$/);
  const changed = structuredClone(def) as KpiDefinition;
  const windowDays = changed.params.window_days;
  assert.ok(windowDays);
  windowDays.default = 60;
  assert.notEqual(definitionHash(changed), definitionHash(def));
  // Every definition hashes differently.
  assert.equal(new Set(CATALOG.map(definitionHash)).size, 45);
});
