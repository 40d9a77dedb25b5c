// How many computations the server runs at once by default: one per core, but never so many that DuckDB's
// statements (each holding a thread of Node's pool while it runs) leave no thread for the light lane and a
// load's staging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultParallel } from './context.ts';

test('one computation per core, within the thread pool less two, and at least one', () => {
  // (cores, pool) → min(cores, pool − 2), never below 1.
  assert.equal(defaultParallel(2, 4), 2);
  assert.equal(defaultParallel(8, 4), 2);
  assert.equal(defaultParallel(8, 16), 8);
  assert.equal(defaultParallel(16, 8), 6);
  assert.equal(defaultParallel(1, 4), 1);
  assert.equal(defaultParallel(8, 2), 1);
});
