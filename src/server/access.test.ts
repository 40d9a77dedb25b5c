// Access: only known tokens are remembered (60,000 random tokens used to cost 41 MB and a warehouse query
// each, forever); a remembered token is forgotten when one is revoked; over PostgreSQL nothing is remembered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { Access } from './access.ts';
import { createToken, ensureTokenTable, revokeToken } from './tokens.ts';

/** An Access over a real (in-memory) warehouse, counting the lookups it makes. */
async function access(remember: boolean) {
  const engine = await DuckDBEngine.open(':memory:');
  await ensureTokenTable(engine);
  let lookups = 0;
  const a = new Access({
    requireTokens: true,
    rememberTokens: remember,
    failedAuthLimit: 1_000_000,
    lookup: (work) => {
      lookups += 1;
      return work(engine);
    },
  });
  return { a, engine, lookups: () => lookups };
}

const request = (token: string) =>
  ({
    routeOptions: { config: {} },
    is404: false,
    headers: { authorization: `Bearer ${token}` },
    ip: '127.0.0.1',
  }) as unknown as FastifyRequest;

test('unknown tokens are never remembered; a known one is, until a token is revoked', async () => {
  const { a, engine, lookups } = await access(true);
  const good = await createToken(engine, 'viewer');
  for (let i = 0; i < 1000; i++) await assert.rejects(a.authorize(request(`tnr_random${i}`)), /not known/);
  assert.equal(a.remembered, 0);
  assert.equal(lookups(), 1000);
  await a.authorize(request(good.token));
  await a.authorize(request(good.token));
  assert.equal(lookups(), 1001); // the second was remembered
  assert.equal(a.remembered, 1);
  await revokeToken(engine, good.token_id);
  a.forget();
  await assert.rejects(a.authorize(request(good.token)), /not known/);
  await engine.close();
});

test('over PostgreSQL (changed by other processes) every request asks the warehouse', async () => {
  const { a, engine, lookups } = await access(false);
  const good = await createToken(engine, 'editor');
  await a.authorize(request(good.token));
  await a.authorize(request(good.token));
  assert.equal(lookups(), 2);
  assert.equal(a.remembered, 0);
  await engine.close();
});
