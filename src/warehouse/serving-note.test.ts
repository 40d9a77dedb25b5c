// The note beside a served DuckDB file: written for its user only, read back only while its process runs,
// removed only by the process that wrote it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readServingNote, removeServingNote, servingNotePath, writeServingNote } from './serving-note.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-note-'));
const db = join(dir, 'acme.duckdb');
after(() => rmSync(dir, { recursive: true, force: true }));

const note = (pid: number) => ({
  pid,
  url: 'http://127.0.0.1:8787',
  host: '127.0.0.1:8787',
  key: 'tnr_local_x',
  db,
  started_at: '2026-01-01T00:00:00.000Z',
});

test('a running process: its note, readable by its user only', () => {
  writeServingNote(note(process.pid));
  assert.equal(servingNotePath(db), `${db}.serving.json`);
  assert.equal(statSync(servingNotePath(db)).mode & 0o777, 0o600);
  assert.deepEqual(readServingNote(db), note(process.pid));
  // Another process's removal leaves it; the writer's removes it.
  removeServingNote(db, process.pid + 1);
  assert.ok(readServingNote(db));
  removeServingNote(db, process.pid);
  assert.equal(readServingNote(db), undefined);
});

test('a process that is gone, or a note that is not one, reads as no note', () => {
  // A process that has exited: its id names no running process (ids are not reused this fast).
  const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
  writeServingNote(note(gone));
  assert.equal(readServingNote(db), undefined);
  writeFileSync(servingNotePath(db), '{"pid": "12"}');
  assert.equal(readServingNote(db), undefined);
  writeFileSync(servingNotePath(db), 'not json');
  assert.equal(readServingNote(db), undefined);
  rmSync(servingNotePath(db));
  assert.equal(readServingNote(db), undefined);
});
