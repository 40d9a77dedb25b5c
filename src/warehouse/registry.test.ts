import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TenureError } from '../errors/tenure-error.ts';
import { isPostgresUrl, openWarehouse } from './open.ts';
import { asClickHouse, asDuckDB, asPostgres, ENGINES, engineAt, engineOf } from './registry.ts';

test('every location names one engine: a URL by its scheme, anything else a DuckDB file', () => {
  const schemes = ENGINES.flatMap((e) => e.schemes);
  assert.equal(new Set(schemes).size, schemes.length, 'a scheme names two engines');
  assert.deepEqual(
    ENGINES.filter((e) => e.schemes.length === 0).map((e) => e.name),
    ['duckdb'],
  );
  assert.equal(engineAt('./tenure.duckdb').name, 'duckdb');
  assert.equal(engineAt(':memory:').name, 'duckdb');
  assert.equal(engineAt('postgres://u@h/db').name, 'postgres');
  assert.equal(engineAt('POSTGRESQL://u@h/db').name, 'postgres');
  assert.equal(engineAt('clickhouse://h:8123/db').name, 'clickhouse');
  assert.equal(engineAt('chdb://:memory:').name, 'clickhouse');
  assert.equal(isPostgresUrl('postgresql://u@h/db'), true);
  assert.equal(isPostgresUrl('chdb://:memory:'), false);
  assert.equal(isPostgresUrl('mysql://h/db'), false);
  assert.throws(
    () => engineAt('mysql://h/db'),
    (err) =>
      err instanceof TenureError &&
      err.code === 'bad_input' &&
      /not supported: mysql:\/\//.test(err.message) &&
      /DuckDB file/.test(err.hint) &&
      /postgres:\/\/.*clickhouse:\/\/ or chdb:\/\//.test(err.hint),
  );
});

test('each load path is one engine’s; every engine computes; bookkeeping is kept where rows update in place', () => {
  assert.deepEqual(Object.fromEntries(ENGINES.map((e) => [e.name, e.loadPath])), {
    duckdb: 'in-place',
    postgres: 'validated-copy',
    clickhouse: 'tagged-batches',
  });
  assert.deepEqual(
    ENGINES.filter((e) => !e.computes).map((e) => e.name),
    [],
  );
  assert.deepEqual(
    ENGINES.filter((e) => !e.keepsBookkeeping).map((e) => e.name),
    ['clickhouse'],
  );
});

test('an open engine finds its entry and narrows to its own object only', async () => {
  const duck = await openWarehouse(':memory:', { mustExist: true });
  const chdb = await openWarehouse('chdb://:memory:', { mustExist: false, purpose: 'load' });
  try {
    assert.equal(engineOf(duck).name, 'duckdb');
    assert.equal(asDuckDB(duck), duck);
    assert.equal(asPostgres(duck), undefined);
    assert.equal(asClickHouse(duck), undefined);
    assert.equal(engineOf(chdb).name, 'clickhouse');
    assert.equal(asClickHouse(chdb), chdb);
    assert.equal(asDuckDB(chdb), undefined);
    // A warehouse file or chDB folder is this process's alone; the server reads that, not the engine's name.
    assert.equal(duck.dialect.capabilities.singleProcess, true);
    assert.equal(chdb.dialect.capabilities.singleProcess, true);
  } finally {
    await duck.close();
    await chdb.close();
  }
});

test('a DuckDB file that must exist and does not is not_found, naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-registry-'));
  try {
    const missing = join(dir, 'none.duckdb');
    await assert.rejects(
      openWarehouse(missing, { mustExist: true }),
      (err) => err instanceof TenureError && err.code === 'not_found' && err.message.includes(missing),
    );
    const created = await openWarehouse(join(dir, 'new.duckdb'), { mustExist: false });
    await created.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
