// The generated files follow the data contract of src/schema/tables.ts to the letter (headers, types, keys,
// references, ranges, row rules) and hold together as a company (users, sessions, spells, referrals).
import assert from 'node:assert/strict';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TABLE_NAMES, tableSpec } from '../schema/tables.ts';
import { type GenerateSummary, generateCompany } from './generate.ts';
import { CompanyDb, makeTempDir } from './test-helpers.ts';

let dir: string;
let db: CompanyDb;
let summary: GenerateSummary;
const END = '2025-07-01';

before(async () => {
  dir = await makeTempDir();
  summary = await generateCompany({ customers: 600, months: 18, seed: 3, out: dir, end: END });
  db = await CompanyDb.open(dir);
});

after(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

async function firstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
  } finally {
    await handle.close();
  }
}

const count = (sql: string) => db.number(`SELECT count(*) FROM (${sql})`);

test('every table is written with the header of the spec, and truth.json beside them', async () => {
  const files = (await readdir(dir)).sort();
  assert.deepEqual(files, [...TABLE_NAMES.map((n) => `${n}.csv`), 'truth.json'].sort());
  for (const name of TABLE_NAMES) {
    const header = tableSpec(name).columns.map((c) => c.name);
    assert.deepEqual((await firstLine(join(dir, `${name}.csv`))).split(','), header, name);
    assert.ok(summary.tables[name] > 0, `${name} is empty`);
  }
});

test('every file parses strictly with the column types of the spec, row counts as reported', async () => {
  for (const name of TABLE_NAMES) {
    assert.equal(await db.number(`SELECT count(*) FROM ${name}`), summary.tables[name], name);
  }
});

test('keys are unique and required columns are set', async () => {
  for (const name of TABLE_NAMES) {
    const spec = tableSpec(name);
    const dupes = await count(`SELECT ${spec.key.join(', ')} FROM ${name} GROUP BY ALL HAVING count(*) > 1`);
    assert.equal(dupes, 0, `${name}: duplicate keys`);
    for (const c of spec.columns.filter((col) => col.required)) {
      assert.equal(
        await count(`SELECT 1 FROM ${name} WHERE ${c.name} IS NULL`),
        0,
        `${name}.${c.name} is empty`,
      );
    }
  }
});

test('references name existing rows', async () => {
  for (const name of TABLE_NAMES) {
    for (const c of tableSpec(name).columns.filter((col) => col.references)) {
      const target = tableSpec(c.references as (typeof TABLE_NAMES)[number]);
      const key = target.key[0] as string;
      const missing = await count(
        `SELECT 1 FROM ${name} WHERE ${c.name} IS NOT NULL AND ${c.name} NOT IN (SELECT ${key} FROM ${target.name})`,
      );
      assert.equal(missing, 0, `${name}.${c.name} names a missing ${target.name}`);
    }
  }
});

test('values are in range: no observed time after the end, money ≥ 0, allowed values, row rules', async () => {
  for (const name of TABLE_NAMES) {
    const spec = tableSpec(name);
    for (const c of spec.columns) {
      const bad: string[] = [];
      if (c.kind === 'timestamp' && !c.scheduled) bad.push(`${c.name} >= TIMESTAMP '${END}'`);
      if (c.min !== undefined) bad.push(`${c.name} < ${c.min}`);
      if (c.max !== undefined) bad.push(`${c.name} > ${c.max}`);
      if (c.oneOf) bad.push(`${c.name} NOT IN (${c.oneOf.map((v) => `'${v}'`).join(', ')})`);
      if (c.pattern) bad.push(`NOT regexp_full_match(${c.name}, '${c.pattern}')`);
      for (const cond of bad)
        assert.equal(await count(`SELECT 1 FROM ${name} WHERE ${cond}`), 0, `${name}: ${cond}`);
    }
    for (const rule of spec.rules ?? []) {
      const cond =
        rule.kind === 'order'
          ? `${rule.later} < ${rule.earlier}`
          : rule.kind === 'scale'
            ? `${rule.when.column} = '${rule.when.equals}' AND ${rule.column} NOT BETWEEN ${rule.min} AND ${rule.max}`
            : rule.columns.map((col) => `${col} IS NULL`).join(' AND ');
      assert.equal(await count(`SELECT 1 FROM ${name} WHERE ${cond}`), 0, `${name}: ${JSON.stringify(rule)}`);
    }
  }
});

test('people and activity belong together: users, events, feedback, referrals', async () => {
  const checks: Record<string, string> = {
    'user created before signup': `SELECT 1 FROM users u JOIN customers c USING (customer_id) WHERE u.created_at < c.signed_up_at`,
    'event by a user of another account': `SELECT 1 FROM events e JOIN users u USING (user_id) WHERE u.customer_id <> e.customer_id`,
    'event before its user existed': `SELECT 1 FROM events e JOIN users u USING (user_id) WHERE e.occurred_at < u.created_at`,
    'feedback by a user of another account': `SELECT 1 FROM feedback f JOIN users u USING (user_id) WHERE u.customer_id <> f.customer_id`,
    'referrer signed up later': `SELECT 1 FROM customers c JOIN customers r ON r.customer_id = c.referred_by WHERE r.signed_up_at >= c.signed_up_at`,
    'referral without referrer': `SELECT 1 FROM customers WHERE (channel = 'referral') <> (referred_by IS NOT NULL)`,
    'cancel with mrr or mrr 0 without cancel': `SELECT 1 FROM subscription_changes WHERE (mrr = 0) <> (reason = 'cancel')`,
    'payment before signup': `SELECT 1 FROM subscription_changes s JOIN customers c USING (customer_id) WHERE s.effective_at < c.signed_up_at`,
    // Only the term running at the end has no renewal outcome yet, and its end lies past the data's end.
    'open renewal on a term that ended': `SELECT 1 FROM contracts WHERE (renewed IS NULL) <> (end_at > TIMESTAMP '${END}')`,
    'term starting after the end': `SELECT 1 FROM contracts WHERE start_at >= TIMESTAMP '${END}'`,
  };
  for (const [what, sql] of Object.entries(checks)) assert.equal(await count(sql), 0, what);
});

test('sessions: one user each, gaps inside ≤ 30 minutes, over 30 minutes between a user’s sessions', async () => {
  const inside = await db.one(`
    WITH s AS (
      SELECT session_id, count(DISTINCT user_id) AS users,
        max(occurred_at) - min(occurred_at) AS span, count(*) AS n FROM events GROUP BY 1
    ) SELECT max(users)::INTEGER AS users, count(*)::INTEGER AS sessions, sum(n)::INTEGER AS events FROM s`);
  assert.equal(inside.users, 1);
  const gaps = await db.one(`
    WITH e AS (
      SELECT user_id, session_id, occurred_at,
        lag(occurred_at) OVER (PARTITION BY user_id ORDER BY occurred_at, event_id) AS prev_at,
        lag(session_id) OVER (PARTITION BY user_id ORDER BY occurred_at, event_id) AS prev_session
      FROM events
    )
    SELECT
      count(*) FILTER (WHERE session_id = prev_session AND occurred_at - prev_at > INTERVAL 30 MINUTE)::INTEGER AS long_inside,
      count(*) FILTER (WHERE session_id <> prev_session AND occurred_at - prev_at <= INTERVAL 30 MINUTE)::INTEGER AS short_between
    FROM e WHERE prev_at IS NOT NULL`);
  assert.deepEqual(gaps, { long_inside: 0, short_between: 0 });
  const perCustomer = Number(inside.events) / summary.tables.customers;
  assert.ok(perCustomer > 40 && perCustomer < 200, `${perCustomer} events per customer`);
});
