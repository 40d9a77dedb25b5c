// The result cache: a repeated key is a hit; concurrent requests for one key share one computation; a
// failed computation is shared by its waiters but not kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultCache } from './result-cache.ts';

test('concurrent requests for one key run one computation; later ones are hits', async () => {
  const cache = new ResultCache();
  let runs = 0;
  const compute = async () => {
    runs += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { answer: 42 };
  };
  const [a, b, c] = await Promise.all([
    cache.get('k', compute),
    cache.get('k', compute),
    cache.get('k', compute),
  ]);
  assert.equal(runs, 1);
  assert.deepEqual([a.hit, b.hit, c.hit], [false, true, true]);
  assert.equal(a.value, b.value);
  assert.deepEqual(await cache.get('k', compute), { value: { answer: 42 }, hit: true });
  assert.equal(runs, 1);
});

test('a failure reaches every waiter and is not cached', async () => {
  const cache = new ResultCache();
  let runs = 0;
  const failing = async () => {
    runs += 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
    throw new Error('engine down');
  };
  const results = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.equal(runs, 1);
  assert.deepEqual(await cache.get('k', async () => 'recovered'), { value: 'recovered', hit: false });
});

test('the cache is bounded by the size of its answers: the least recently used go, a huge one is not kept', async () => {
  // A budget of 100 characters; each answer below is a string of 20 characters, whose JSON is 22.
  const cache = new ResultCache({ maxChars: 100 });
  const answer = (c: string) => async () => c.repeat(20);
  for (const k of ['a', 'b', 'c', 'd']) await cache.get(k, answer(k)); // 4 × 22 = 88 ≤ 100
  assert.equal(cache.size, 4);
  assert.equal(cache.chars, 88);
  assert.equal((await cache.get('a', answer('a'))).hit, true); // a is now the most recently used
  await cache.get('e', answer('e')); // 110 > 100: b, the least recently used, goes
  assert.equal(cache.size, 4);
  assert.equal((await cache.get('a', answer('a'))).hit, true);
  assert.equal((await cache.get('b', answer('b'))).hit, false);
  // 30 characters of JSON is more than a quarter of the budget: answered, not kept.
  const big = await cache.get('big', async () => 'x'.repeat(28));
  assert.equal(big.value, 'x'.repeat(28));
  assert.equal((await cache.get('big', async () => 'x'.repeat(28))).hit, false);
});
