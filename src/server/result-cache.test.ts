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
