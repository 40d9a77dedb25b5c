// Where a webhook may go, against real receivers on 127.0.0.1 only. Every refused destination is refused
// before a socket is opened (counted on node's `net.client.socket` diagnostics channel) and before any
// retry; the addresses are those the host resolves to, never the URL's spelling; the POST goes to the
// address judged (a resolver that changes its answer cannot move it); a redirect is not followed.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.ts';
import { type Resolve, webhookAllow } from '../../src/alerts/destination.ts';
import { postWebhook } from '../../src/alerts/notify.ts';
import { TenureError } from '../../src/errors/tenure-error.ts';

const ALERT: Alert = {
  key: 'target|mrr|=all|2025-06-01T00:00:00.000Z',
  kind: 'target',
  severity: 'warning',
  kpi: 'mrr',
  segment: 'all',
  message: 'MRR is at risk',
  why: [],
};

/** Runs `work` and counts the client sockets it opens. */
async function countingSockets<T>(work: () => Promise<T>): Promise<{ result: T; sockets: number }> {
  let sockets = 0;
  const count = () => {
    sockets += 1;
  };
  subscribe('net.client.socket', count);
  try {
    return { result: await work(), sockets };
  } finally {
    unsubscribe('net.client.socket', count);
  }
}

/** A resolver with fixed answers per host that records what it was asked. */
function fixedResolver(answers: Record<string, readonly (readonly string[])[]>) {
  const asked: string[] = [];
  const resolve: Resolve = async (host) => {
    const round = asked.filter((h) => h === host).length;
    asked.push(host);
    const rounds = answers[host] ?? [];
    const addresses = rounds[Math.min(round, rounds.length - 1)] ?? [];
    if (addresses.length === 0)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

async function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: { host?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      requests.push({ host: req.headers.host, body });
      handle(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Posts to `url` and expects a bad_input refusal naming --webhook and `address`, with no socket opened. */
async function assertRefused(
  url: string,
  address: string,
  why: RegExp,
  opts: { allow?: readonly string[]; resolve?: Resolve } = {},
) {
  const { result, sockets } = await countingSockets(() =>
    postWebhook([ALERT], {
      url,
      format: 'json',
      allow: webhookAllow(opts.allow),
      resolve: opts.resolve ?? (() => assert.fail(`${url}: an IP address in the URL is not looked up`)),
      attempts: 4,
      backoffMs: 1,
    }).then(
      () => assert.fail(`${url} was not refused`),
      (err: unknown) => err,
    ),
  );
  assert.ok(result instanceof TenureError, `${url}: ${String(result)}`);
  assert.equal(result.code, 'bad_input');
  assert.equal(result.exitCode, 2);
  assert.equal(result.where.field, '--webhook');
  assert.ok(result.message.includes(address), `${url}: ${result.message}`);
  assert.match(result.message, why, url);
  assert.match(result.hint, /webhook_allow/);
  assert.equal(sockets, 0, `${url}: refused before any connection`);
}

test('link-local, cloud-metadata, unspecified, multicast and broadcast addresses are refused always', async () => {
  // Everything allowable is allowed here (and the never-reached ranges listed, as the schema would not let
  // a project file do): the refusal does not depend on the allow list.
  const allow = ['10.0.0.0/8', '127.0.0.0/8', 'fc00::/7', '169.254.0.0/16', 'fe80::/10', 'metadata.test'];
  const cases: [string, string, RegExp][] = [
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', /cloud metadata/],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254', /cloud metadata/],
    ['http://100.100.100.200/', '100.100.100.200', /cloud metadata/],
    ['http://169.254.10.20/', '169.254.10.20', /link-local/],
    ['http://[fe80::1]/', 'fe80::1', /link-local/],
    ['http://0.0.0.0:8080/', '0.0.0.0', /unspecified/],
    ['http://[::]/', '::', /unspecified/],
    ['http://224.0.0.251/', '224.0.0.251', /multicast/],
    ['http://[ff02::1]/', 'ff02::1', /multicast/],
    ['http://255.255.255.255/', '255.255.255.255', /broadcast/],
  ];
  for (const [url, address, why] of cases) await assertRefused(url, address, why, { allow });
});

test('169.254.169.254 spelled as a number, in hex, in octal or inside IPv6 is still refused', async () => {
  for (const url of [
    'http://2852039166/', // 169·2²⁴ + 254·2¹⁶ + 169·2⁸ + 254
    'http://0xa9fea9fe/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://0251.0376.0251.0376/',
    'http://169.16689662/', // 254·2¹⁶ + 169·2⁸ + 254 = 16689662
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/', // NAT64
  ])
    await assertRefused(url, '169.254.169.254', /cloud metadata/);
});

test('loopback, private, carrier-grade NAT and unique-local addresses are refused unless allowed', async () => {
  const cases: [string, string, RegExp][] = [
    ['http://127.0.0.1:9/', '127.0.0.1', /loopback/],
    ['http://127.8.9.10/', '127.8.9.10', /loopback/],
    ['http://[::1]/', '::1', /loopback/],
    ['http://10.1.2.3/', '10.1.2.3', /private/],
    ['http://172.16.5.4/', '172.16.5.4', /private/],
    ['http://172.31.255.254/', '172.31.255.254', /private/],
    ['http://192.168.1.1/', '192.168.1.1', /private/],
    ['http://[fd12:3456::1]/', 'fd12:3456::1', /private/],
    ['http://[::ffff:10.0.0.1]/', '10.0.0.1', /private/],
    ['http://0x7f000001/', '127.0.0.1', /loopback/],
    ['http://100.64.0.1/', '100.64.0.1', /carrier-grade NAT/],
  ];
  for (const [url, address, why] of cases) await assertRefused(url, address, why);
  // Allowing one range does not allow another.
  await assertRefused('http://192.168.1.1/', '192.168.1.1', /private/, { allow: ['10.0.0.0/8'] });
});

test('a host name is judged by every address it resolves to, once, and not retried when refused', async () => {
  const { resolve, asked } = fixedResolver({
    'metadata.test': [['169.254.169.254']],
    'mixed.test': [['93.184.216.34', '10.0.0.5']],
    'v6.test': [['::ffff:a9fe:a9fe']],
  });
  await assertRefused('http://metadata.test/', 'metadata.test resolves to 169.254.169.254', /metadata/, {
    resolve,
  });
  await assertRefused('http://mixed.test/', 'mixed.test resolves to 10.0.0.5', /private/, { resolve });
  await assertRefused('http://v6.test/', '169.254.169.254', /metadata/, { resolve });
  // Four attempts were allowed; each refusal stopped at the first.
  assert.deepEqual(asked, ['metadata.test', 'mixed.test', 'v6.test']);
});

test('an allowed loopback receiver gets the POST: by address, by range, by host name', async () => {
  const r = await receiver((_req, res) => res.writeHead(204).end());
  try {
    const { resolve, asked } = fixedResolver({ 'hooks.test': [['127.0.0.1']] });
    const post = (url: string, allow: string[]) =>
      countingSockets(() =>
        postWebhook([ALERT], { url, format: 'json', allow: webhookAllow(allow), resolve }),
      );
    for (const allow of [['127.0.0.1'], ['127.0.0.0/8']]) {
      const { result, sockets } = await post(r.url, allow);
      assert.deepEqual(result, { delivered: true, attempts: 1 });
      assert.equal(sockets, 1);
    }
    const byName = await post(`http://hooks.test:${r.port}/hook`, ['hooks.test']);
    assert.deepEqual(byName.result, { delivered: true, attempts: 1 });
    // One resolution served both the check and the connection.
    assert.deepEqual(asked, ['hooks.test']);
    assert.equal(r.requests.length, 3);
    assert.equal(r.requests[2]?.host, `hooks.test:${r.port}`);
    assert.deepEqual((JSON.parse(r.requests[2]?.body ?? '{}') as { alerts: Alert[] }).alerts, [ALERT]);
  } finally {
    await r.close();
  }
});

test('a name that resolves elsewhere on the next attempt (DNS rebinding) is judged again before connecting', async () => {
  const r = await receiver((_req, res) => res.writeHead(503).end());
  try {
    // Loopback (allowed) for the first attempt, then the metadata address.
    const { resolve, asked } = fixedResolver({ 'rebind.test': [['127.0.0.1'], ['169.254.169.254']] });
    const { result, sockets } = await countingSockets(() =>
      postWebhook([ALERT], {
        url: `http://rebind.test:${r.port}/hook`,
        format: 'json',
        allow: webhookAllow(['rebind.test']),
        resolve,
        backoffMs: 1,
      }).then(
        () => assert.fail('not refused'),
        (err: unknown) => err,
      ),
    );
    assert.ok(result instanceof TenureError);
    assert.match(result.message, /rebind\.test resolves to 169\.254\.169\.254, a cloud metadata address/);
    assert.deepEqual(asked, ['rebind.test', 'rebind.test']);
    assert.equal(sockets, 1, 'only the first attempt connected');
    assert.equal(r.requests.length, 1);
  } finally {
    await r.close();
  }
});

test('a redirect is not followed: a 3xx is a failed delivery, not retried', async () => {
  const target = await receiver((_req, res) => res.writeHead(200).end());
  const r = await receiver((_req, res) => res.writeHead(302, { location: target.url }).end());
  try {
    const d = await postWebhook([ALERT], {
      url: r.url,
      format: 'json',
      allow: webhookAllow(['127.0.0.1']),
      backoffMs: 1,
    });
    assert.equal(d.delivered, false);
    assert.equal(d.attempts, 1);
    assert.match(d.error ?? '', /HTTP 302: a redirect, not followed/);
    assert.equal(r.requests.length, 1);
    assert.equal(target.requests.length, 0);
  } finally {
    await r.close();
    await target.close();
  }
});

test('a lookup that never answers is bounded by the timeout of each attempt', async () => {
  const started = performance.now();
  const d = await postWebhook([ALERT], {
    url: 'http://slow-dns.test/',
    format: 'json',
    resolve: () => new Promise(() => undefined),
    attempts: 2,
    timeoutMs: 100,
    backoffMs: 10,
  });
  assert.deepEqual(d, { delivered: false, attempts: 2, error: 'no answer in time' });
  // 2 × 100 ms + 10 ms back-off.
  assert.ok(performance.now() - started < 2000);
});

test('a name that does not resolve is a failed delivery, retried like any other', async () => {
  const { resolve, asked } = fixedResolver({});
  const d = await postWebhook([ALERT], {
    url: 'http://gone.test/',
    format: 'json',
    resolve,
    attempts: 2,
    backoffMs: 1,
  });
  assert.deepEqual(d, { delivered: false, attempts: 2, error: 'getaddrinfo ENOTFOUND gone.test' });
  assert.equal(asked.length, 2);
});
