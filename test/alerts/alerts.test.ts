// Alerts: a webhook against real HTTP receivers on loopback — one that answers, one that fails twice and
// then succeeds, one that never answers (bounded retries, no hang, the alert kept pending) — and the store's
// deduplication, acknowledgement and snoozing, on DuckDB and PostgreSQL. Loopback is a private destination,
// so these webhooks allow 127.0.0.1 (as alerts.webhook_allow would); test/alerts/webhook.test.ts checks the
// refusals.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.ts';
import { webhookAllow } from '../../src/alerts/destination.ts';
import { postWebhook } from '../../src/alerts/notify.ts';
import { listAlerts, markDelivered, recordAlerts, setState } from '../../src/alerts/store.ts';
import { withSmallWarehouse } from '../support/small-warehouse.ts';

const LOOPBACK = webhookAllow(['127.0.0.1']);

const ALERT: Alert = {
  key: 'target|customer_churn_rate|=all|2025-06-01T00:00:00.000Z',
  kind: 'target',
  severity: 'critical',
  kpi: 'customer_churn_rate',
  segment: 'all',
  message: 'Customer Churn Rate is off track: 0.0600 against 0.0400',
  owner: 'Dana',
  why: [],
};

async function receiver(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('a receiver that answers gets the alerts in one POST, in Slack’s shape when asked', async () => {
  const r = await receiver((_req, res) => res.writeHead(200).end('ok'));
  try {
    const d = await postWebhook([ALERT], { url: r.url, format: 'slack', allow: LOOPBACK, backoffMs: 10 });
    assert.deepEqual(d, { delivered: true, attempts: 1 });
    const body = JSON.parse(r.bodies[0] ?? '{}') as { text: string };
    assert.match(body.text, /Customer Churn Rate is off track.*owner: Dana/);
  } finally {
    await r.close();
  }
});

test('a receiver that fails twice and then succeeds gets the alert on the third attempt', async () => {
  let calls = 0;
  const r = await receiver((_req, res) => {
    calls += 1;
    res.writeHead(calls <= 2 ? 503 : 200).end();
  });
  try {
    const d = await postWebhook([ALERT], { url: r.url, format: 'json', allow: LOOPBACK, backoffMs: 10 });
    assert.deepEqual(d, { delivered: true, attempts: 3 });
    assert.equal(r.bodies.length, 3);
    assert.deepEqual((JSON.parse(r.bodies[2] ?? '{}') as { alerts: Alert[] }).alerts, [ALERT]);
  } finally {
    await r.close();
  }
});

test('a receiver that never answers: bounded attempts, each timed out, no hang; the alert stays pending', async () => {
  const r = await receiver(() => undefined); // reads the request, never responds
  try {
    const started = performance.now();
    const d = await postWebhook([ALERT], {
      url: r.url,
      format: 'json',
      allow: LOOPBACK,
      attempts: 3,
      timeoutMs: 150,
      backoffMs: 20,
    });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(d.delivered, false);
    assert.equal(d.attempts, 3);
    assert.equal(d.error, 'no answer in time');
    // 3 × 150 ms timeouts + 20 + 40 ms back-off, far below any hang.
    assert.ok(seconds < 5, `${seconds} s`);
    await withSmallWarehouse(
      { customers: 'customer_id,signed_up_at\n A,2024-01-01T00:00:00Z' },
      async (db) => {
        assert.deepEqual(await recordAlerts(db, [ALERT]), [ALERT]);
        // Not delivered: the next check sends it again.
        assert.deepEqual(await recordAlerts(db, [ALERT]), [ALERT]);
        await markDelivered(db, [ALERT.key]);
        assert.deepEqual(await recordAlerts(db, [ALERT]), []);
      },
      BOOKKEEPING,
    );
  } finally {
    await r.close();
  }
});

/** Alert states are updated in place: Tenure keeps them on DuckDB and PostgreSQL, not on ClickHouse. */
const BOOKKEEPING = { clickhouse: false } as const;

test('the store raises an alert once; acknowledged stays quiet; snoozed wakes when its time comes', async () => {
  await withSmallWarehouse(
    { customers: 'customer_id,signed_up_at\n A,2024-01-01T00:00:00Z' },
    async (db) => {
      const t0 = new Date('2025-07-01T00:00:00Z');
      assert.equal((await recordAlerts(db, [ALERT], t0)).length, 1);
      await markDelivered(db, [ALERT.key]);
      assert.equal((await recordAlerts(db, [ALERT], t0)).length, 0, 'already raised');
      const other = { ...ALERT, key: `${ALERT.key}-b` };
      assert.equal((await recordAlerts(db, [other], t0)).length, 1, 'a new problem is raised');
      await markDelivered(db, [other.key]);
      assert.ok(await setState(db, ALERT.key, 'acknowledged'));
      assert.equal((await recordAlerts(db, [ALERT], t0)).length, 0);
      assert.ok(await setState(db, other.key, 'snoozed', '2025-07-08T00:00:00Z'));
      assert.equal(
        (await recordAlerts(db, [other], new Date('2025-07-05T00:00:00Z'))).length,
        0,
        'still snoozed',
      );
      assert.equal((await recordAlerts(db, [other], new Date('2025-07-09T00:00:00Z'))).length, 1, 'woke up');
      const states = (await listAlerts(db)).map((a) => [a.key === ALERT.key ? 'a' : 'b', a.state]).sort();
      assert.deepEqual(states, [
        ['a', 'acknowledged'],
        ['b', 'open'],
      ]);
      assert.equal(await setState(db, 'no-such-key', 'acknowledged'), false);
    },
    BOOKKEEPING,
  );
});
