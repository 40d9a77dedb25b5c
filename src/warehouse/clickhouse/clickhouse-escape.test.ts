// The escaper's text, value by value, and its refusals; the placeholder scanner; the URL forms; the
// capabilities by version. (Round trips through real engines: test/warehouse/clickhouse-engine.test.ts.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TenureError } from '../../errors/tenure-error.ts';
import { capabilitiesOf, requireCapability } from './clickhouse-capabilities.ts';
import { calendarDate, inlineValue, stringLiteral } from './clickhouse-escape.ts';
import { replacePlaceholders } from './clickhouse-placeholders.ts';
import { parseClickHouseUrl } from './clickhouse-url.ts';

const refused = (value: unknown, pattern: RegExp, opts = { subSeconds: false }) =>
  assert.throws(
    () => inlineValue(value, opts),
    (err) => err instanceof TenureError && pattern.test(err.message) && /ClickHouse/.test(err.message),
  );

describe('inlineValue', () => {
  test('strings: quote and backslash escaped, control characters as escapes, unicode as it is', () => {
    assert.equal(stringLiteral(''), "''");
    assert.equal(inlineValue("it's"), "'it\\'s'");
    assert.equal(inlineValue('a\\b'), "'a\\\\b'");
    // A backslash before a quote must not be able to end the literal: both are escaped.
    assert.equal(inlineValue("\\'; DROP TABLE events; --"), "'\\\\\\'; DROP TABLE events; --'");
    assert.equal(inlineValue('line1\nline2\r\ttab'), "'line1\\nline2\\r\\ttab'");
    assert.equal(inlineValue('nul\0here'), "'nul\\0here'");
    assert.equal(inlineValue('\b\f\u0001\u001f\u007f'), "'\\b\\f\\x01\\x1f\\x7f'");
    assert.equal(inlineValue('héllo 😀 中文 "q" `b`'), '\'héllo 😀 中文 "q" `b`\'');
  });

  test('strings holding a lone surrogate are refused (no character to write)', () => {
    refused('a\uD800b', /lone UTF-16 surrogate/);
    refused('\uDC00', /lone UTF-16 surrogate/);
  });

  test('numbers: finite and exact only', () => {
    assert.equal(inlineValue(0), '0');
    assert.equal(inlineValue(-0), '0');
    assert.equal(inlineValue(42), '42');
    assert.equal(inlineValue(-7.25), '-7.25');
    assert.equal(inlineValue(1e-7), '1e-7');
    assert.equal(inlineValue(Number.MAX_SAFE_INTEGER), '9007199254740991');
    refused(Number.NaN, /only finite numbers/);
    refused(Number.POSITIVE_INFINITY, /only finite numbers/);
    refused(Number.NEGATIVE_INFINITY, /only finite numbers/);
    // 2^53 + 2 is an integer no longer exact as a double's neighbours; 1e300 is an integer too.
    refused(2 ** 53 + 2, /beyond ±2\^53/);
    refused(1e300, /beyond ±2\^53/);
    refused(-1e20, /beyond ±2\^53/);
  });

  test('bigints within Int64; beyond refused', () => {
    assert.equal(inlineValue(9223372036854775807n), '9223372036854775807');
    assert.equal(inlineValue(-9223372036854775808n), '-9223372036854775808');
    refused(9223372036854775808n, /outside Int64/);
    refused(-(10n ** 30n), /outside Int64/);
  });

  test('booleans as 0 and 1, null as NULL, arrays element by element', () => {
    assert.equal(inlineValue(true), '1');
    assert.equal(inlineValue(false), '0');
    assert.equal(inlineValue(null), 'NULL');
    assert.equal(inlineValue([1, 2, 3]), '[1, 2, 3]');
    assert.equal(inlineValue(["a'", null]), "['a\\'', NULL]");
    assert.equal(inlineValue([]), '[]');
    refused([1, undefined], /type undefined/);
  });

  test('instants in UTC; fractions of a second only with DateTime64', () => {
    assert.equal(inlineValue(new Date('2024-01-05T10:00:00Z')), "toDateTime('2024-01-05 10:00:00', 'UTC')");
    assert.equal(
      inlineValue(new Date('2024-06-30T23:59:59.123+02:00'), { subSeconds: true }),
      "toDateTime64('2024-06-30 21:59:59.123', 3, 'UTC')",
    );
    refused(new Date('2024-06-30T23:59:59.123Z'), /fraction of a second/);
    refused(new Date('not a date'), /names no instant/);
  });

  test('calendar dates: YYYY-MM-DD and a real day', () => {
    assert.equal(inlineValue(calendarDate('2024-02-29')), "toDate('2024-02-29')");
    refused(calendarDate('2023-02-29'), /real calendar day/);
    refused(calendarDate("2024-01-01'); DROP"), /real calendar day/);
  });

  test('anything else is refused by name', () => {
    refused(undefined, /type undefined/);
    refused({ a: 1 }, /an object/);
    refused({ kind: 'date', value: '2024-01-01', extra: 1 }, /an object/);
    refused(() => 1, /type function/);
    refused(Symbol('s'), /type symbol/);
    refused(new Map(), /an object/);
  });
});

describe('replacePlaceholders', () => {
  const render = (n: number) => `<${n}>`;
  test('replaces $n in code, not in literals, quoted names or comments', () => {
    const sql = `SELECT $1, '$2 it''s \\' $2', "$2", \`$2\` -- $2
      /* $2 */ FROM t WHERE a = $2 AND b = $3`;
    assert.equal(
      replacePlaceholders(sql, 3, render),
      `SELECT <1>, '$2 it''s \\' $2', "$2", \`$2\` -- $2
      /* $2 */ FROM t WHERE a = <2> AND b = <3>`,
    );
    // $12 is the twelfth value, not the first followed by a 2.
    const twelve = Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(',');
    assert.equal(
      replacePlaceholders(twelve, 12, render),
      '<1>,<2>,<3>,<4>,<5>,<6>,<7>,<8>,<9>,<10>,<11>,<12>',
    );
  });

  test('a placeholder without a value, or a value without a placeholder, is refused', () => {
    assert.throws(() => replacePlaceholders('SELECT $2', 1, render), /names \$2 but has 1 values/);
    assert.throws(() => replacePlaceholders('SELECT $1', 2, render), /values given for no placeholder: \$2/);
  });
});

describe('parseClickHouseUrl', () => {
  test('a server, its defaults, its cluster and nodes; the password redacted', () => {
    const t = parseClickHouseUrl(
      'clickhouse://ana:s3cret@db.example:8123/tenure?cluster=c1&nodes=h1:8123,h2:8124',
    );
    assert.deepEqual(t, {
      kind: 'server',
      url: 'http://db.example:8123',
      username: 'ana',
      password: 's3cret',
      database: 'tenure',
      cluster: 'c1',
      nodes: ['http://h1:8123', 'http://h2:8124'],
      location: 'clickhouse://ana:***@db.example:8123/tenure?cluster=c1&nodes=h1:8123,h2:8124',
    });
    const plain = parseClickHouseUrl('clickhouse://localhost');
    assert.equal(plain.kind === 'server' && plain.url, 'http://localhost:8123');
    assert.equal(plain.kind === 'server' && plain.database, 'default');
    const secure = parseClickHouseUrl('clickhouse://h/db?secure=1');
    assert.equal(secure.kind === 'server' && secure.url, 'https://h:8443');
  });

  test('chDB folders and a throwaway one', () => {
    assert.deepEqual(parseClickHouseUrl('chdb:///var/lib/tenure'), {
      kind: 'chdb',
      path: '/var/lib/tenure',
      location: 'chdb:///var/lib/tenure',
    });
    assert.deepEqual(parseClickHouseUrl('chdb://./data'), {
      kind: 'chdb',
      path: './data',
      location: 'chdb://./data',
    });
    assert.deepEqual(parseClickHouseUrl('chdb://:memory:'), {
      kind: 'chdb',
      path: undefined,
      location: 'chdb://:memory:',
    });
  });

  test('bad URLs are refused with what to write, the password never shown', () => {
    const bad = (url: string, why: RegExp) =>
      assert.throws(
        () => parseClickHouseUrl(url),
        (err) =>
          err instanceof TenureError &&
          err.code === 'bad_input' &&
          why.test(err.message) &&
          !err.message.includes('s3cret') &&
          /clickhouse:\/\/USER/.test(err.hint),
      );
    bad('clickhouse://u:s3cret@h/db-name', /not a plain name/);
    bad('clickhouse://u:s3cret@h/db?cluster=a;b', /not a plain name/);
    bad('clickhouse://u:s3cret@h/db?nodes=h:1', /only read with cluster/);
    bad('clickhouse://u:s3cret@h/db?cluster=c&nodes=h', /not HOST:PORT/);
    bad('clickhouse://u:s3cret@h/db?user=x', /unknown parameter user/);
    bad('chdb://', /needs a folder/);
  });
});

describe('capabilities', () => {
  test('18.16 has none of them; 26.7 has all; thresholds in between', () => {
    const old = capabilitiesOf('18.16.1');
    assert.ok(Object.values(old).every((v) => v === false));
    const current = capabilitiesOf('26.7.2.1');
    assert.ok(Object.values(current).every((v) => v === true));
    const mid = capabilitiesOf('20.3.4');
    assert.equal(mid.dateTime64, true);
    assert.equal(mid.boundParameters, true);
    assert.equal(mid.windowFunctions, false);
    assert.equal(mid.commonTableExpressions, false);
    assert.throws(() => capabilitiesOf('unknown'), /cannot read/);
  });

  test('a missing capability is refused naming the engine, its version and the feature', () => {
    const engine = { name: 'ClickHouse', version: '18.16.1', capabilities: capabilitiesOf('18.16.1') };
    assert.throws(
      () => requireCapability(engine, 'windowFunctions', 'the DAU/WAU/MAU query'),
      (err) =>
        err instanceof TenureError &&
        err.message === 'ClickHouse 18.16.1 has no window functions, which the DAU/WAU/MAU query needs' &&
        /21\.9 or later/.test(err.hint),
    );
    assert.doesNotThrow(() =>
      requireCapability(
        { ...engine, version: '26.7', capabilities: capabilitiesOf('26.7') },
        'windowFunctions',
        'x',
      ),
    );
  });
});
