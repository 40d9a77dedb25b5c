// Row-level problems: each fixture folder under test/fixtures/bad/ is loaded into a fresh warehouse and the
// counts and quarantine rows are compared with what was worked out by hand from the files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Counts,
  counts,
  fixture,
  load,
  loadAgainChangesNothing,
  ok,
  type QRow,
  quarantined,
  rowsOf,
  withWarehouse,
} from './helpers.ts';

type Q = [table: string, line: number, column: string | null, value: string | null, code: string];

interface Case {
  readonly folder: string;
  readonly what: string;
  readonly counts: Record<string, Counts>;
  readonly quarantine: readonly Q[];
}

const c = (read: number, loaded: number, quarantined: number, duplicates = 0): Counts => ({
  read,
  loaded,
  quarantined,
  duplicates,
});

const rows = (qs: readonly Q[]): QRow[] =>
  qs.map(([table, line, column, value, code]) => ({ table, line, column, value, code }));

const CASES: readonly Case[] = [
  {
    folder: 'empty-required',
    what: 'an empty (or blank) required value is refused as required, in every table',
    counts: { customers: ok(3), contracts: c(2, 1, 1), events: c(2, 1, 1), orders: c(5, 1, 4) },
    quarantine: [
      ['contracts', 3, 'end_at', null, 'required'],
      ['events', 3, 'name', null, 'required'],
      ['orders', 3, 'amount', null, 'required'],
      ['orders', 4, 'customer_id', null, 'required'],
      ['orders', 5, 'order_id', null, 'required'],
      // A value of only spaces is empty, but the quarantine keeps it as the file wrote it.
      ['orders', 6, 'ordered_at', '   ', 'required'],
    ],
  },
  {
    folder: 'bad-timestamp',
    what: 'timestamps that are not ISO 8601 are refused as bad_timestamp',
    counts: { customers: ok(3), subscription_changes: c(2, 1, 1), events: c(2, 1, 1), orders: c(4, 1, 3) },
    quarantine: [
      ['events', 3, 'occurred_at', '31.01.2024 10:00', 'bad_timestamp'],
      ['orders', 3, 'ordered_at', '01/31/2024', 'bad_timestamp'],
      ['orders', 4, 'ordered_at', '2024-13-01T00:00:00Z', 'bad_timestamp'],
      ['orders', 5, 'ordered_at', 'yesterday', 'bad_timestamp'],
      ['subscription_changes', 3, 'effective_at', 'Feb 10 2024', 'bad_timestamp'],
    ],
  },
  {
    folder: 'timestamp-offset',
    what: 'timestamps with an offset are accepted (and stored in UTC, checked below)',
    counts: { customers: ok(3), orders: ok(4) },
    quarantine: [],
  },
  {
    folder: 'bad-date',
    what: 'dates that are not YYYY-MM-DD (or do not exist) are refused as bad_date',
    counts: { customers: ok(3), acquisition_spend: c(3, 1, 2), costs: c(2, 1, 1) },
    quarantine: [
      ['acquisition_spend', 3, 'period_start', '2024-02-30', 'bad_date'],
      ['acquisition_spend', 4, 'period_end', '01/02/2024', 'bad_date'],
      ['costs', 3, 'period_start', '2024-13-01', 'bad_date'],
    ],
  },
  {
    folder: 'bad-money',
    what: 'amounts with currency signs, thousands separators or words are refused as bad_number',
    counts: { customers: ok(3), subscription_changes: c(2, 1, 1), orders: c(5, 1, 4) },
    quarantine: [
      ['orders', 3, 'amount', '$12', 'bad_number'],
      ['orders', 4, 'amount', '1,234.50', 'bad_number'],
      ['orders', 5, 'amount', 'abc', 'bad_number'],
      ['orders', 6, 'amount', '12 USD', 'bad_number'],
      ['subscription_changes', 3, 'mrr', '€29', 'bad_number'],
    ],
  },
  {
    folder: 'negative-money',
    what: 'negative amounts are refused as negative in every money column; 0 is fine',
    counts: {
      customers: ok(3),
      subscription_changes: c(3, 2, 1),
      contracts: c(1, 0, 1),
      orders: c(2, 1, 1),
      acquisition_spend: c(1, 0, 1),
      costs: c(1, 0, 1),
      content: c(2, 1, 1),
      content_revenue: c(2, 1, 1),
    },
    quarantine: [
      ['acquisition_spend', 2, 'amount', '-1', 'negative'],
      ['content', 3, 'cost', '-3', 'negative'],
      ['content_revenue', 3, 'amount', '-4', 'negative'],
      ['contracts', 2, 'value', '-100', 'negative'],
      ['costs', 2, 'amount', '-2', 'negative'],
      ['orders', 3, 'amount', '-5.00', 'negative'],
      ['subscription_changes', 4, 'mrr', '-10', 'negative'],
    ],
  },
  {
    folder: 'integer-range',
    what: 'NPS above 10, CSAT outside 1–5, negative and non-numeric integers are refused',
    counts: {
      customers: ok(3),
      subscription_changes: c(1, 0, 1),
      feedback: c(8, 3, 5),
      loyalty_activity: c(2, 1, 1),
    },
    quarantine: [
      ['feedback', 3, 'score', '11', 'out_of_range'],
      ['feedback', 4, 'score', '0', 'out_of_scale'],
      ['feedback', 5, 'score', '6', 'out_of_scale'],
      ['feedback', 8, 'score', '-1', 'negative'],
      ['feedback', 9, 'score', 'seven', 'bad_integer'],
      ['loyalty_activity', 3, 'points', 'ten', 'bad_integer'],
      ['subscription_changes', 2, 'seats', '-1', 'negative'],
    ],
  },
  {
    folder: 'not-allowed',
    what: 'values outside a fixed list are refused as not_allowed, after case folding',
    counts: { customers: ok(3), feedback: c(3, 2, 1), loyalty_activity: c(2, 1, 1) },
    quarantine: [
      ['feedback', 3, 'kind', 'ces', 'not_allowed'],
      ['loyalty_activity', 3, 'kind', 'transfer', 'not_allowed'],
    ],
  },
  {
    folder: 'bad-currency',
    what: 'currency codes that are not three letters are refused as bad_pattern; lower case is folded',
    counts: { customers: ok(3), subscription_changes: c(1, 0, 1), orders: c(5, 2, 3) },
    quarantine: [
      ['orders', 3, 'currency', 'US$', 'bad_pattern'],
      ['orders', 4, 'currency', 'EURO', 'bad_pattern'],
      ['orders', 6, 'currency', 'E1R', 'bad_pattern'],
      ['subscription_changes', 2, 'currency', 'dollars', 'bad_pattern'],
    ],
  },
  {
    folder: 'bad-json',
    what: 'invalid JSON in attributes, properties and pre_registration is refused as bad_json',
    counts: { customers: c(3, 2, 1), events: c(2, 1, 1), experiments: c(2, 1, 1) },
    quarantine: [
      ['customers', 3, 'attributes', '{not json}', 'bad_json'],
      ['events', 3, 'properties', '{"rows":', 'bad_json'],
      ['experiments', 3, 'pre_registration', '{alpha: 0.05}', 'bad_json'],
    ],
  },
  {
    folder: 'end-before-start',
    what: 'an end before its start is refused as out_of_order, on the end column; equal is fine',
    counts: {
      customers: ok(3),
      contracts: c(3, 2, 1),
      acquisition_spend: c(1, 0, 1),
      costs: c(1, 0, 1),
      promotions: c(2, 1, 1),
      experiments: c(1, 0, 1),
    },
    quarantine: [
      ['acquisition_spend', 2, 'period_end', '2024-01-01', 'out_of_order'],
      ['contracts', 3, 'end_at', '2024-01-10T00:00:00Z', 'out_of_order'],
      ['costs', 2, 'period_end', '2024-01-01', 'out_of_order'],
      ['experiments', 2, 'ended_at', '2024-02-01T00:00:00Z', 'out_of_order'],
      ['promotions', 3, 'redeemed_at', '2024-03-01T00:00:00Z', 'out_of_order'],
    ],
  },
  {
    folder: 'costs-no-owner',
    what: 'a cost with neither customer nor segment is refused as no_owner',
    counts: { customers: ok(3), costs: c(3, 2, 1) },
    quarantine: [['costs', 4, 'customer_id+segment', null, 'no_owner']],
  },
  {
    folder: 'duplicate-within-file',
    what: 'the same row twice in a file (even spelled differently) is kept once and counted as a duplicate',
    counts: { customers: ok(3), events: c(2, 1, 0, 1), orders: c(4, 2, 0, 2) },
    quarantine: [],
  },
  {
    folder: 'conflict-within-file',
    what: 'one key with different content in a file: every version is refused as conflict',
    counts: { customers: ok(3), subscription_changes: c(3, 1, 2), orders: c(6, 1, 5) },
    quarantine: [
      ['orders', 3, 'order_id', 'o2', 'conflict'],
      ['orders', 4, 'order_id', 'o2', 'conflict'],
      ['orders', 5, 'order_id', 'o3', 'conflict'],
      ['orders', 6, 'order_id', 'o3', 'conflict'],
      ['orders', 7, 'order_id', 'o3', 'conflict'],
      ['subscription_changes', 2, 'customer_id', 'c1', 'conflict'],
      ['subscription_changes', 3, 'customer_id', 'c1', 'conflict'],
    ],
  },
  {
    folder: 'unknown-reference',
    what: 'rows naming an unknown customer, experiment or content piece are refused as unknown_reference',
    counts: {
      customers: ok(3),
      subscription_changes: c(2, 1, 1),
      orders: c(2, 1, 1),
      content: ok(1),
      content_revenue: c(2, 1, 1),
      experiments: ok(1),
      assignments: c(3, 1, 2),
    },
    quarantine: [
      ['assignments', 3, 'experiment_id', 'x9', 'unknown_reference'],
      ['assignments', 4, 'customer_id', 'c9', 'unknown_reference'],
      ['content_revenue', 3, 'content_id', 'k9', 'unknown_reference'],
      ['orders', 3, 'customer_id', 'c9', 'unknown_reference'],
      ['subscription_changes', 3, 'customer_id', 'c9', 'unknown_reference'],
    ],
  },
  {
    folder: 'unknown-referrer',
    what: 'referred_by may name a customer later in the same file, but not an unknown one',
    counts: { customers: c(4, 3, 1) },
    quarantine: [['customers', 5, 'referred_by', 'c99', 'unknown_reference']],
  },
  {
    folder: 'event-customer',
    what: 'events get their customer from users (or the user is the customer); otherwise no_customer',
    counts: { customers: ok(3), users: ok(2), events: c(6, 3, 3) },
    quarantine: [
      ['events', 5, 'customer_id', null, 'no_customer'],
      ['events', 6, 'customer_id', null, 'no_customer'],
      ['events', 7, 'customer_id', 'c9', 'unknown_reference'],
    ],
  },
  {
    folder: 'future-timestamp',
    what: 'timestamps more than a day (the default tolerance) after now are refused as future',
    counts: { customers: ok(3), events: c(2, 1, 1), orders: c(4, 2, 2) },
    quarantine: [
      ['events', 3, 'occurred_at', '2027-01-01T00:00:00Z', 'future'],
      ['orders', 3, 'ordered_at', '2026-06-02T00:00:01Z', 'future'],
      ['orders', 5, 'ordered_at', '2030-01-01T00:00:00Z', 'future'],
    ],
  },
  {
    folder: 'wrong-encoding',
    what: 'a line that is not UTF-8 (Latin-1 é) is refused as bad_encoding; real UTF-8 is kept',
    counts: { customers: ok(3), content: c(3, 2, 1) },
    quarantine: [['content', 3, 'title', null, 'bad_encoding']],
  },
  {
    folder: 'truncated-last-line',
    what: 'a last line cut short, or cut inside an open quote, is refused; earlier lines load',
    counts: { customers: ok(3), orders: c(3, 2, 1), checkins: c(3, 2, 1) },
    quarantine: [
      ['checkins', 4, 'kind', null, 'bad_quote'],
      ['orders', 4, 'amount', null, 'missing_fields'],
    ],
  },
  {
    folder: 'too-many-fields',
    what: 'a line with an unquoted comma is refused as extra_fields, and later lines keep their numbers',
    counts: { customers: ok(3), orders: c(4, 2, 2) },
    quarantine: [
      ['orders', 3, null, null, 'extra_fields'],
      ['orders', 4, 'amount', '-3.00', 'negative'],
    ],
  },
  {
    folder: 'header-only',
    what: 'a file with only its header (with or without a final newline) is 0 rows, not an error',
    counts: { customers: ok(3), events: ok(0), orders: ok(0), checkins: ok(0) },
    quarantine: [],
  },
  {
    folder: 'crlf',
    what: 'CRLF line endings (CSV and JSON lines) read like LF ones',
    counts: { customers: ok(3), events: ok(2), orders: c(3, 2, 1) },
    quarantine: [['orders', 4, 'amount', '-1', 'negative']],
  },
];

describe('ingest: row-level problems in the bad-input corpus', { concurrency: 2 }, () => {
  for (const k of CASES) {
    test(`${k.folder}: ${k.what}`, async (t) => {
      await withWarehouse(async (db) => {
        const report = await load(db, fixture(k.folder));
        assert.deepEqual(counts(report), k.counts);
        assert.deepEqual(await quarantined(db), rows(k.quarantine));
        await t.test('a second load of the same folder changes nothing', async () => {
          const again = await loadAgainChangesNothing(db, fixture(k.folder));
          for (const [table, n] of Object.entries(counts(again))) {
            const first = k.counts[table];
            assert.ok(first);
            assert.deepEqual(
              n,
              {
                read: first.read,
                loaded: 0,
                quarantined: first.quarantined,
                duplicates: first.loaded + first.duplicates,
              },
              `${table}: refused rows are refused again, loaded rows are duplicates now`,
            );
          }
        });
      });
    });
  }
});

describe('ingest: what the good rows look like once stored', () => {
  test('timestamp-offset: offsets are normalised to UTC; no offset means UTC', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('timestamp-offset'));
      assert.deepEqual(await db.query('SELECT order_id, ordered_at FROM orders ORDER BY order_id'), [
        { order_id: 'o1', ordered_at: '2024-04-01T04:30:00.000Z' },
        { order_id: 'o2', ordered_at: '2024-04-01T01:30:00.000Z' },
        { order_id: 'o3', ordered_at: '2024-04-01T12:00:00.000Z' },
        { order_id: 'o4', ordered_at: '2024-04-01T12:00:00.250Z' },
      ]);
      const [row] = await db.query(
        `SELECT strftime(ordered_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS utc FROM orders WHERE order_id = 'o1'`,
      );
      assert.equal(row?.utc, '2024-04-01 04:30:00');
    });
  });

  test('not-allowed and bad-currency: text is stored after case folding', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('not-allowed'));
      assert.deepEqual(await db.query('SELECT response_id, kind FROM feedback ORDER BY response_id'), [
        { response_id: 'f1', kind: 'nps' },
        { response_id: 'f3', kind: 'nps' },
      ]);
      assert.deepEqual(await db.query('SELECT kind FROM loyalty_activity'), [{ kind: 'earn' }]);
    });
    await withWarehouse(async (db) => {
      await load(db, fixture('bad-currency'));
      assert.deepEqual(await db.query('SELECT order_id, currency FROM orders ORDER BY order_id'), [
        { order_id: 'o1', currency: 'USD' },
        { order_id: 'o4', currency: null },
      ]);
    });
  });

  test('duplicate-within-file: the first delivery is the one kept', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('duplicate-within-file'));
      assert.deepEqual(await rowsOf(db, 'orders', 'order_id'), [
        {
          order_id: 'o1',
          customer_id: 'c1',
          ordered_at: '2024-04-01T10:00:00.000Z',
          amount: 19.99,
          currency: 'USD',
        },
        {
          order_id: 'o2',
          customer_id: 'c2',
          ordered_at: '2024-04-02T10:00:00.000Z',
          amount: 5,
          currency: 'USD',
        },
      ]);
    });
  });

  test('event-customer: a missing customer_id is resolved from users.csv, or the user is the customer', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('event-customer'));
      assert.deepEqual(
        await db.query('SELECT event_id, user_id, customer_id FROM events ORDER BY event_id'),
        [
          { event_id: 'e1', user_id: 'u1', customer_id: 'c1' },
          { event_id: 'e2', user_id: 'u2', customer_id: 'c2' },
          { event_id: 'e3', user_id: 'c3', customer_id: 'c3' },
        ],
      );
    });
  });

  test('bad-json: valid JSON is stored as JSON', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('bad-json'));
      assert.deepEqual(
        await db.query(`SELECT customer_id, attributes->>'tier' AS tier FROM customers ORDER BY customer_id`),
        [
          { customer_id: 'c1', tier: 'gold' },
          { customer_id: 'c3', tier: null },
        ],
      );
      assert.deepEqual(await db.query(`SELECT (properties->>'rows')::INT AS n FROM events`), [{ n: 12 }]);
    });
  });

  test('wrong-encoding: UTF-8 text on the other lines is kept intact', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('wrong-encoding'));
      assert.deepEqual(await db.query('SELECT content_id, title FROM content ORDER BY content_id'), [
        { content_id: 'k1', title: 'Churn playbook' },
        { content_id: 'k3', title: 'Crème de la crème' },
      ]);
      const [q] = await db.query<{ raw: string }>('SELECT raw FROM tenure_quarantine');
      assert.match(q?.raw ?? '', /^k2,Caf/, 'the raw line is kept so the row is not lost');
    });
  });

  test('crlf: no carriage return is left in the last column or in JSON lines', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('crlf'));
      assert.deepEqual(await db.query('SELECT customer_id, country FROM customers ORDER BY customer_id'), [
        { customer_id: 'c1', country: 'US' },
        { customer_id: 'c2', country: 'DE' },
        { customer_id: 'c3', country: 'FR' },
      ]);
      assert.deepEqual(await db.query('SELECT order_id, currency FROM orders ORDER BY order_id'), [
        { order_id: 'o1', currency: 'USD' },
        { order_id: 'o2', currency: 'EUR' },
      ]);
      assert.deepEqual(await db.query('SELECT event_id, name FROM events ORDER BY event_id'), [
        { event_id: 'e1', name: 'login' },
        { event_id: 'e2', name: 'logout' },
      ]);
    });
  });

  test('header-only: other files in the folder are reported as ignored, not loaded', async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('header-only'));
      assert.deepEqual(report.ignored, ['notes.txt']);
    });
  });

  test('quarantine rows keep the reason text and the raw row', async () => {
    await withWarehouse(async (db) => {
      await load(db, fixture('bad-money'));
      const [row] = await db.query<{ reason: string; raw: string; file: string; load_id: number }>(
        `SELECT reason, raw, file, load_id FROM tenure_quarantine WHERE table_name = 'orders' AND line = 3`,
      );
      assert.ok(row);
      assert.match(row.reason, /not a number/);
      assert.deepEqual(JSON.parse(row.raw), {
        order_id: 'o2',
        customer_id: 'c1',
        ordered_at: '2024-04-02T10:00:00Z',
        amount: '$12',
        currency: 'USD',
      });
      assert.match(row.file, /bad-money[/\\]orders\.csv$/);
      assert.equal(row.load_id, 1);
    });
  });
});

describe('ingest: future tolerance', () => {
  test('futureToleranceDays 0 refuses anything after now; 30 lets a late-dated order through', async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('future-timestamp'), { futureToleranceDays: 0 });
      assert.deepEqual(counts(report).orders, c(4, 0, 4));
      assert.deepEqual(counts(report).events, c(2, 1, 1));
    });
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('future-timestamp'), { futureToleranceDays: 30 });
      assert.deepEqual(counts(report).orders, c(4, 3, 1));
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.table, q.line, q.code]),
        [
          ['events', 3, 'future'],
          ['orders', 5, 'future'],
        ],
      );
    });
  });
});

describe('ingest: Segment-shaped NDJSON events', () => {
  test('track calls load; identify/page calls and non-JSON lines are refused; blank lines are not rows', async () => {
    await withWarehouse(async (db) => {
      const report = await load(db, fixture('segment-ndjson'));
      assert.deepEqual(counts(report), { customers: ok(3), users: ok(2), events: c(7, 3, 4) });
      assert.deepEqual(
        (await quarantined(db)).map((q) => [q.table, q.line, q.value, q.code]),
        [
          ['events', 4, null, 'not_track_call'],
          ['events', 5, null, 'bad_json_line'],
          ['events', 7, null, 'no_customer'],
          ['events', 9, null, 'not_track_call'],
        ],
      );
      const [noCustomer] = (await quarantined(db)).filter((q) => q.code === 'no_customer');
      assert.equal(noCustomer?.column, 'customer_id');
      assert.deepEqual(
        await db.query(
          `SELECT event_id, user_id, customer_id, occurred_at, name, properties->>'rows' AS rows FROM events ORDER BY event_id`,
        ),
        [
          {
            event_id: 'e6',
            user_id: null,
            customer_id: 'c3',
            occurred_at: '2024-04-02T00:00:00.000Z',
            name: 'Exported',
            rows: null,
          },
          {
            event_id: 'm1',
            user_id: 'u1',
            customer_id: 'c1',
            occurred_at: '2024-04-01T10:00:00.123Z',
            name: 'Report Created',
            rows: '12',
          },
          {
            event_id: 'm2',
            user_id: 'u2',
            customer_id: 'c2',
            occurred_at: '2024-04-01T10:00:00.000Z',
            name: 'Signed In',
            rows: null,
          },
        ],
      );
      const raws = await db.query<{ line: number; raw: string }>(
        'SELECT line, raw FROM tenure_quarantine WHERE line IN (4, 5) ORDER BY line',
      );
      assert.deepEqual(
        raws.map((r) => r.raw.slice(0, 30)),
        ['{"type":"identify","messageId"', 'this line is not JSON'],
      );
    });
  });
});

describe('ingest: a new version of an already-loaded row (two loads)', () => {
  test('conflict-existing: same content is a duplicate, other content is conflict_existing, the old row stays', async () => {
    await withWarehouse(async (db) => {
      const first = await load(db, fixture('conflict-existing/first'));
      assert.deepEqual(counts(first), { customers: ok(3), orders: ok(2) });
      const second = await load(db, fixture('conflict-existing/second'));
      assert.deepEqual(counts(second), { customers: c(3, 0, 0, 3), orders: c(3, 1, 1, 1) });
      assert.deepEqual(await quarantined(db), rows([['orders', 3, 'order_id', 'o2', 'conflict_existing']]));
      assert.deepEqual(await db.query('SELECT order_id, amount, _load_id FROM orders ORDER BY order_id'), [
        { order_id: 'o1', amount: 10, _load_id: 1 },
        { order_id: 'o2', amount: 20, _load_id: 1 },
        { order_id: 'o3', amount: 30, _load_id: 2 },
      ]);
      const [q] = await db.query<{ load_id: number; file: string }>(
        'SELECT load_id, file FROM tenure_quarantine',
      );
      assert.equal(q?.load_id, 2);
      assert.match(q?.file ?? '', /second[/\\]orders\.csv$/);
    });
  });
});
