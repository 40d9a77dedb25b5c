// Values beyond the contract (extra CSV columns, extra NDJSON keys) are kept in the table's JSON column
// (customers.attributes, events.properties) without changing or losing anything the file gave: a value
// at odds with the row's own JSON refuses the row, and so does a key given twice in one JSON object.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { counts, load, type quarantined, withWarehouse } from './helpers.ts';

async function folder(dir: string, files: Record<string, string>): Promise<string> {
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(data, name), text);
  return data;
}

const reasonsOf = async (db: Parameters<typeof quarantined>[0]) =>
  db.query<{ line: number; column: string | null; value: string | null; code: string; reason: string }>(
    `SELECT line, column_name AS "column", value, reason_code AS code, reason FROM tenure_quarantine ORDER BY line`,
  );

describe('ingest: values beyond the contract', () => {
  test('CSV: an extra column never overwrites or erases a key of the row’s own attributes; names keep their case', async () => {
    await withWarehouse(async (db, dir) => {
      const own = '"{""industry"":""retail"",""company_size"":""11-50""}"';
      const data = await folder(dir, {
        'customers.csv': [
          'customer_id,signed_up_at,attributes,industry,company_size,Region',
          `c1,2024-01-05,${own},software,,EU`, // industry disagrees: refused
          `c2,2024-01-05,${own},retail,,`, // agrees; the empty cells add and erase nothing
          'c3,2024-01-05,,saas,,APAC', // no own JSON: the extra columns make it
          '',
        ].join('\n'),
      });
      const report = await load(db, data);
      // 3 read = 2 loaded + 1 quarantined.
      assert.deepEqual(counts(report).customers, { read: 3, loaded: 2, quarantined: 1, duplicates: 0 });
      assert.deepEqual(await db.query('SELECT customer_id, attributes FROM customers ORDER BY customer_id'), [
        { customer_id: 'c2', attributes: '{"industry":"retail","company_size":"11-50"}' },
        { customer_id: 'c3', attributes: '{"industry":"saas","Region":"APAC"}' },
      ]);
      const [q] = await reasonsOf(db);
      assert.deepEqual(
        [q?.line, q?.column, q?.value, q?.code],
        [2, 'industry', 'software', 'extra_column_conflict'],
      );
      assert.match(q?.reason ?? '', /"industry" is given twice with different values.*make them agree/);
    });
  });

  test('a key given twice in a JSON object (at any depth) is refused, naming the key', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'customers.csv': [
          'customer_id,signed_up_at,attributes',
          'c1,2024-01-05,"{""tier"":""gold"",""tier"":""silver""}"',
          'c2,2024-01-05,"{""plan"":{""seats"":3,""seats"":4}}"',
          'c3,2024-01-05,"{""plan"":{""seats"":3},""tier"":""gold""}"',
          '',
        ].join('\n'),
      });
      const report = await load(db, data);
      assert.deepEqual(counts(report).customers, { read: 3, loaded: 1, quarantined: 2, duplicates: 0 });
      const q = await reasonsOf(db);
      assert.deepEqual(
        q.map((r) => [r.line, r.column, r.code]),
        [
          [2, 'attributes', 'duplicate_json_key'],
          [3, 'attributes', 'duplicate_json_key'],
        ],
      );
      assert.match(q[0]?.reason ?? '', /key "tier" more than once/);
      assert.match(q[1]?.reason ?? '', /key "seats" more than once/);
    });
  });

  test('NDJSON: keys beyond the contract go to attributes and properties; null adds nothing; conflicts and repeated keys are refused', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'customers.ndjson': [
          '{"customer_id":"c1","signed_up_at":"2024-01-05","Tier":"gold","gone":null,"attributes":{"a":1}}',
          '{"customer_id":"c2","signed_up_at":"2024-01-05","a":2,"attributes":{"a":1}}',
          '{"customer_id":"c3","signed_up_at":"2024-01-05","a":"1","attributes":{"a":1}}',
          '{"customer_id":"c4","customer_id":"c5","signed_up_at":"2024-01-05"}',
          '',
        ].join('\n'),
        'events.ndjson': [
          '{"event_id":"e1","customer_id":"c1","name":"x","occurred_at":"2024-02-01T00:00:00Z","plan":"pro","properties":{"p":1}}',
          '',
        ].join('\n'),
      });
      const report = await load(db, data);
      // c1 and c3 load; c2 (a: 2 against a: 1) and c4 (customer_id twice) are refused.
      assert.deepEqual(counts(report).customers, { read: 4, loaded: 2, quarantined: 2, duplicates: 0 });
      assert.deepEqual(await db.query('SELECT customer_id, attributes FROM customers ORDER BY customer_id'), [
        { customer_id: 'c1', attributes: '{"a":1,"Tier":"gold"}' },
        { customer_id: 'c3', attributes: '{"a":1}' },
      ]);
      assert.deepEqual(await db.query('SELECT event_id, properties FROM events'), [
        { event_id: 'e1', properties: '{"p":1,"plan":"pro"}' },
      ]);
      const q = await reasonsOf(db);
      assert.deepEqual(
        q.map((r) => [r.line, r.column, r.value, r.code]),
        [
          [2, 'a', '2', 'extra_column_conflict'],
          [4, null, null, 'duplicate_json_key'],
        ],
      );
      assert.match(q[1]?.reason ?? '', /key "customer_id" more than once/);
    });
  });
  test('NDJSON: a key repeated inside an extra value is refused; a key repeated at the top never crashes the file', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'customers.ndjson': [
          '{"customer_id":"c1","signed_up_at":"2024-01-05","meta":{"x":1,"x":2}}',
          '{"customer_id":"c2","signed_up_at":"2024-01-05","x":1,"x":2}',
          '{"customer_id":"c3","signed_up_at":"2024-01-05","x":1,"x":2,"attributes":{"x":1}}',
          '{"customer_id":"c4","signed_up_at":"2024-01-05","meta":{"x":1}}',
          '',
        ].join('\n'),
      });
      const report = await load(db, data);
      // 4 read = 1 loaded (c4) + 3 quarantined.
      assert.deepEqual(counts(report).customers, { read: 4, loaded: 1, quarantined: 3, duplicates: 0 });
      const q = await reasonsOf(db);
      assert.deepEqual(
        q.map((r) => [r.line, r.column, r.code]),
        [
          [1, 'attributes', 'duplicate_json_key'],
          [2, null, 'duplicate_json_key'],
          [3, null, 'duplicate_json_key'],
        ],
      );
      for (const r of q) assert.match(r.reason, /key "x" more than once/);
    });
  });

  test('nulls inside an added value are kept (a JSON merge patch would drop them)', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'customers.ndjson':
          '{"customer_id":"c1","signed_up_at":"2024-01-05","meta":{"x":null,"y":[null]},"attributes":{"a":1}}\n',
      });
      await load(db, data);
      assert.deepEqual(await db.query('SELECT attributes FROM customers'), [
        { attributes: '{"a":1,"meta":{"x":null,"y":[null]}}' },
      ]);
    });
  });

  test('Segment: fields not read as columns (anonymousId, context beyond groupId, a messageId beside event_id) are kept in properties', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await folder(dir, {
        'customers.csv': 'customer_id,signed_up_at\nc1,2024-01-05\n',
        'events.ndjson': [
          '{"type":"track","messageId":"m1","userId":"u1","event":"X","timestamp":"2024-04-01T00:00:00Z","context":{"groupId":"c1","ip":"1.2.3.4"},"anonymousId":"a1","properties":{"p":1}}',
          '{"type":"track","messageId":"m2","event":"X","timestamp":"2024-04-01T00:00:00Z","context":{"groupId":"c1"}}',
          '{"event_id":"e3","messageId":"m3","customer_id":"c1","name":"X","occurred_at":"2024-04-01T00:00:00Z"}',
          '',
        ].join('\n'),
      });
      const report = await load(db, data);
      assert.deepEqual(counts(report).events, { read: 3, loaded: 3, quarantined: 0, duplicates: 0 });
      assert.deepEqual(
        await db.query('SELECT event_id, customer_id, properties FROM events ORDER BY event_id'),
        [
          { event_id: 'e3', customer_id: 'c1', properties: '{"messageId":"m3"}' },
          {
            event_id: 'm1',
            customer_id: 'c1',
            properties: '{"p":1,"context":{"groupId":"c1","ip":"1.2.3.4"},"anonymousId":"a1"}',
          },
          // A context holding only the groupId read as customer_id adds nothing.
          { event_id: 'm2', customer_id: 'c1', properties: null },
        ],
      );
    });
  });
});
