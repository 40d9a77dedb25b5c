// DuckDB's refusal of a file another process holds, read for the process it names (DuckDB 1.x's wording).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLockConflict, lockHolder } from './file-lock.ts';

const REFUSAL =
  'IO Error: Could not set lock on file "/srv/acme.duckdb": Conflicting lock is held in /usr/bin/node (PID 20654). See also https://duckdb.org/docs/stable/connect/concurrency';

test('the holder of a locked file: its PID and program', () => {
  assert.equal(isLockConflict(REFUSAL), true);
  assert.deepEqual(lockHolder(REFUSAL), { pid: 20654, program: '/usr/bin/node' });
});

test('a refusal that names no process, and other failures', () => {
  const unnamed = 'IO Error: Could not set lock on file "/srv/acme.duckdb": Resource temporarily unavailable';
  assert.equal(isLockConflict(unnamed), true);
  assert.equal(lockHolder(unnamed), undefined);
  const notDuckDB =
    'IO Error: The file "/srv/acme.duckdb" exists, but it is not a valid DuckDB database file!';
  assert.equal(isLockConflict(notDuckDB), false);
  assert.equal(lockHolder(notDuckDB), undefined);
});
