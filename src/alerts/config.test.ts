// The alerts: section of tenure.yaml: no private destination by default, an allow list read, and every bad
// entry reported at once with its path and line — including one that names an address a webhook never reaches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigProblemsError, formatPath } from '../catalog/problems.ts';
import { parseProjectFile } from '../catalog/project-file.ts';
import { refusal, webhookAllow } from './destination.ts';

test('without the section no private address is allowed', () => {
  const allow = webhookAllow(parseProjectFile('targets: []\n', 'tenure.yaml').alerts?.webhook_allow);
  assert.equal(refusal('10.0.0.1', '10.0.0.1', allow)?.what, 'a private address');
  assert.equal(refusal('127.0.0.1', 'localhost', allow)?.what, 'a loopback address');
  assert.equal(refusal('93.184.216.34', 'example.com', allow), undefined, 'public addresses need no entry');
});

test('host names, addresses and ranges open exactly what they name', () => {
  const config = parseProjectFile(
    'alerts:\n  webhook_allow: ["10.0.0.0/8", "::1", "Hooks.Internal.", "fd00::/8"]\n',
    'tenure.yaml',
  ).alerts;
  const allow = webhookAllow(config?.webhook_allow);
  assert.equal(refusal('10.20.30.40', '10.20.30.40', allow), undefined);
  assert.equal(refusal('::ffff:10.0.0.1', '::ffff:a00:1', allow), undefined, 'IPv4-mapped, judged as IPv4');
  assert.equal(refusal('::1', '::1', allow), undefined);
  assert.equal(refusal('127.0.0.1', '127.0.0.1', allow)?.what, 'a loopback address', '::1 is not 127.0.0.1');
  assert.equal(
    refusal('192.168.0.9', 'hooks.internal', allow),
    undefined,
    'by host name, case and dot aside',
  );
  assert.equal(refusal('192.168.0.9', 'other.internal', allow)?.what, 'a private address');
  assert.equal(refusal('fd12::1', 'fd12::1', allow), undefined);
  // Nothing opens a never-reached class, not even a host name listed.
  assert.equal(refusal('169.254.169.254', 'hooks.internal', allow)?.allowable, false);
});

test('every bad entry at once, with its path and line', () => {
  const text = `alerts:
  webhook_allow:
    - 10.0.0.0/8
    - 169.254.169.254
    - "hooks internal"
    - 10.0.0.0/40
    - "2852039166"
    - fe80::/10
  retries: 3
`;
  assert.throws(
    () => parseProjectFile(text, 'tenure.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigProblemsError);
      const found = err.problems.map((p) => [formatPath(p.path), p.line]);
      // An unknown key is reported at the section's map, which starts on line 2.
      assert.deepEqual(found, [
        ['alerts', 2],
        ['alerts.webhook_allow[1]', 4],
        ['alerts.webhook_allow[2]', 5],
        ['alerts.webhook_allow[3]', 6],
        ['alerts.webhook_allow[4]', 7],
        ['alerts.webhook_allow[5]', 8],
      ]);
      const message = (i: number) => err.problems[i]?.message ?? '';
      assert.match(message(0), /retries/);
      assert.match(message(1), /a cloud metadata address, which a webhook never reaches/);
      assert.match(message(2), /not a host name, an IP address or a CIDR range/);
      assert.match(message(3), /not a host name/);
      // 2852039166 is how a URL may spell 169.254.169.254: refused as a host name.
      assert.match(message(4), /'2852039166' is not a host name/);
      assert.match(message(5), /a link-local address/);
      return true;
    },
  );
});
