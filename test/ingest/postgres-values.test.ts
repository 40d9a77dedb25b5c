// The value rules of issue 14 (extra values kept without overwriting, repeated keys, time zones, lowercase
// z, sub-microsecond digits) through a PostgreSQL warehouse: the stored JSON text and instants, and the
// quarantine, are what DuckDB keeps. Skipped where no PostgreSQL server is installed.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestInto } from '../../src/ingest/publish-target.ts';
import type { Engine } from '../../src/warehouse/engine.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres-server.ts';
import { NOW, withTempDir } from './helpers.ts';

const unavailable = postgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`PostgreSQL is required in CI: ${unavailable}`);

const OWN = '"{""industry"":""retail"",""company_size"":""11-50""}"';
const FILES: Record<string, string> = {
  'customers.csv': [
    'customer_id,signed_up_at,attributes,industry,company_size,Region',
    `c1,2024-07-01T10:00:00z,${OWN},retail,,EU`,
    `c2,2024-07-01T10:00:00Z,${OWN},software,,EU`,
    'c3,2024-07-01 10:00:00 PST,,,,',
    'c4,2024-07-01T10:00:00.123456789Z,,,,',
    'c5,2024-07-01T10:00:00Z,"{""a"":1,""a"":2}",,,',
    'c6,2024-07-01T10:00:00.123456Z,,,,',
    '',
  ].join('\n'),
  'events.ndjson': [
    '{"event_id":"e1","customer_id":"c1","name":"x","occurred_at":"2024-08-01T00:00:00Z","Plan":"pro","meta":{"k":null},"properties":{"p":1}}',
    '',
  ].join('\n'),
};

describe('ingest into PostgreSQL: values kept, refused or read as given', { skip: unavailable }, () => {
  let server: PostgresServer;
  let pg: Engine;
  before(async () => {
    server = await startPostgres();
    pg = await openWarehouse(await server.createDatabase('values'), { mustExist: true });
    await withTempDir(async (dir) => {
      const data = join(dir, 'data');
      await mkdir(data);
      for (const [name, text] of Object.entries(FILES)) await writeFile(join(data, name), text);
      const report = await ingestInto(pg, { dataDir: data, now: NOW });
      assert.deepEqual(
        { customers: report.tables.customers?.loaded, events: report.tables.events?.loaded },
        { customers: 2, events: 1 },
      );
    });
  });
  after(async () => {
    await pg?.close();
    await server?.stop();
  });

  test('stored rows: attributes as given plus extra columns in their case; lowercase z read as Z', async () => {
    assert.deepEqual(
      await pg.query(
        `SELECT customer_id, attributes::text AS attributes, to_char(signed_up_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t
         FROM customers ORDER BY customer_id`,
      ),
      [
        {
          customer_id: 'c1',
          attributes: '{"industry":"retail","company_size":"11-50","Region":"EU"}',
          t: '2024-07-01 10:00:00.000000',
        },
        { customer_id: 'c6', attributes: null, t: '2024-07-01 10:00:00.123456' },
      ],
    );
    assert.deepEqual(await pg.query('SELECT properties::text AS p FROM events'), [
      { p: '{"p":1,"Plan":"pro","meta":{"k":null}}' },
    ]);
  });

  test('the quarantine: the conflicting extra column, the zone name, the nanoseconds, the repeated key', async () => {
    assert.deepEqual(
      await pg.query(`SELECT line, column_name, value, reason_code FROM tenure_quarantine ORDER BY line`),
      [
        { line: 3, column_name: 'industry', value: 'software', reason_code: 'extra_column_conflict' },
        {
          line: 4,
          column_name: 'signed_up_at',
          value: '2024-07-01 10:00:00 PST',
          reason_code: 'time_zone_name',
        },
        {
          line: 5,
          column_name: 'signed_up_at',
          value: '2024-07-01T10:00:00.123456789Z',
          reason_code: 'sub_microsecond',
        },
        { line: 6, column_name: 'attributes', value: '{"a":1,"a":2}', reason_code: 'duplicate_json_key' },
      ],
    );
  });
});
