// Timestamps follow ISO 8601 / RFC 3339 and are stored as the instant the file gave, or refused with the
// reason: a time-zone name is ambiguous (DuckDB read PST as Los Angeles time, daylight saving included),
// a lowercase t or z is RFC 3339 (it was refused), and digits past the microsecond would be lost (they were
// dropped silently).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { counts, load, quarantined, withWarehouse } from './helpers.ts';

async function customers(dir: string, rows: string[], format: 'csv' | 'ndjson' = 'csv'): Promise<string> {
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  const text =
    format === 'csv'
      ? `customer_id,signed_up_at\n${rows.map((r, i) => `c${i + 1},${r}`).join('\n')}\n`
      : `${rows.map((r, i) => JSON.stringify({ customer_id: `c${i + 1}`, signed_up_at: r })).join('\n')}\n`;
  await writeFile(join(data, `customers.${format}`), text);
  return data;
}

const stored = (db: Parameters<typeof quarantined>[0]) =>
  db.query<{ customer_id: string; signed_up_at: string }>(
    'SELECT customer_id, signed_up_at FROM customers ORDER BY customer_id',
  );

describe('ingest: time values', () => {
  test('a time-zone name (PST, America/New_York, Etc/GMT+8) is refused, naming the offset to write instead', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await customers(dir, [
        '2024-07-01 10:00:00 PST', // was stored as 17:00Z: Los Angeles in July is UTC−7, not PST's UTC−8
        '2024-07-01 10:00:00 America/New_York',
        '2024-07-01 10:00:00 Etc/GMT+8',
        '2024-07-01 10:00:00 cet',
        '2024-07-01T10:00:00-08:00',
      ]);
      const report = await load(db, data);
      assert.deepEqual(counts(report).customers, { read: 5, loaded: 1, quarantined: 4, duplicates: 0 });
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.line, q.column, q.code]),
        [2, 3, 4, 5].map((line) => [line, 'signed_up_at', 'time_zone_name']),
      );
      const [reason] = await db.query<{ reason: string }>('SELECT reason FROM tenure_quarantine LIMIT 1');
      assert.match(reason?.reason ?? '', /ambiguous.*write the offset, like 2025-07-01T10:00:00-08:00/);
      assert.deepEqual(await stored(db), [{ customer_id: 'c5', signed_up_at: '2024-07-01T18:00:00.000Z' }]);
    });
  });

  test('a lowercase t and z (RFC 3339) read as T and Z; a trailing UTC or GMT is UTC', async () => {
    await withWarehouse(async (db, dir) => {
      const data = await customers(dir, [
        '2024-07-01T10:00:00z',
        '2024-07-01t10:00:00Z',
        '2024-07-01t10:00:00.5z',
        '2024-07-01 10:00:00 UTC',
        '2024-07-01 10:00:00 gmt',
        '2024-07-01t10:00:00+02:00',
      ]);
      const report = await load(db, data);
      assert.deepEqual(await quarantined(db), []);
      assert.deepEqual(counts(report).customers, { read: 6, loaded: 6, quarantined: 0, duplicates: 0 });
      assert.deepEqual(
        (await stored(db)).map((r) => r.signed_up_at),
        [
          '2024-07-01T10:00:00.000Z',
          '2024-07-01T10:00:00.000Z',
          '2024-07-01T10:00:00.500Z',
          '2024-07-01T10:00:00.000Z',
          '2024-07-01T10:00:00.000Z',
          '2024-07-01T08:00:00.000Z',
        ],
      );
    });
  });

  test('digits past the microsecond are refused, not dropped; zeros past it change nothing and load (CSV and NDJSON)', async () => {
    for (const format of ['csv', 'ndjson'] as const) {
      await withWarehouse(async (db, dir) => {
        const data = await customers(
          dir,
          [
            '2024-07-01T10:00:00.123456789Z', // was stored as .123456
            '2024-07-01T10:00:00.1234567+02:00',
            '2024-07-01T10:00:00.123456000Z',
            '2024-07-01T10:00:00.123456Z',
          ],
          format,
        );
        const report = await load(db, data);
        assert.deepEqual(counts(report).customers, { read: 4, loaded: 2, quarantined: 2, duplicates: 0 });
        const offset = format === 'csv' ? 1 : 0; // the CSV header is line 1
        assert.deepEqual(
          (await quarantined(db)).map((q) => [q.line, q.value, q.code]),
          [
            [1 + offset, '2024-07-01T10:00:00.123456789Z', 'sub_microsecond'],
            [2 + offset, '2024-07-01T10:00:00.1234567+02:00', 'sub_microsecond'],
          ],
        );
        // Microseconds are kept exactly (read back as text: JavaScript dates hold milliseconds).
        assert.deepEqual(
          await db.query('SELECT customer_id, signed_up_at::VARCHAR AS t FROM customers ORDER BY 1'),
          [
            { customer_id: 'c3', t: '2024-07-01 10:00:00.123456+00' },
            { customer_id: 'c4', t: '2024-07-01 10:00:00.123456+00' },
          ],
        );
      });
    }
  });
});
