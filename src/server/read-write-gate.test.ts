// The gate between computations (readers) and a load's writes (writers): readers run side by side up to the
// bound, a writer waits for the readers running and holds back those asked after it, work starts in the
// order asked, and a failure frees its place. Each step is observed through promises the test resolves,
// never through time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadWriteGate } from './read-write-gate.ts';

/** A promise and its resolve, to hold a piece of work until the test lets it finish. */
function held(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

/** Work that records its start and end in `log` and finishes when released. */
function step(log: string[], name: string) {
  const gate = held();
  const started = held();
  return {
    release: gate.release,
    started: started.promise,
    work: async () => {
      log.push(`${name} start`);
      started.release();
      await gate.promise;
      log.push(`${name} end`);
      return name;
    },
  };
}

/** Lets every promise callback already queued run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('up to `readers` readers run at once; the next starts when one ends', async () => {
  const gate = new ReadWriteGate(2);
  const log: string[] = [];
  const [a, b, c] = [step(log, 'a'), step(log, 'b'), step(log, 'c')];
  const runs = [gate.read(a.work), gate.read(b.work), gate.read(c.work)];
  await Promise.all([a.started, b.started]);
  await settle();
  assert.deepEqual(log, ['a start', 'b start']);
  assert.deepEqual(gate.running, { readers: 2, writer: false, waiting: 1 });
  b.release();
  await c.started;
  assert.deepEqual(log, ['a start', 'b start', 'b end', 'c start']);
  a.release();
  c.release();
  assert.deepEqual(await Promise.all(runs), ['a', 'b', 'c']);
  assert.deepEqual(gate.running, { readers: 0, writer: false, waiting: 0 });
});

test('a writer waits for the readers running and holds back the readers asked after it', async () => {
  const gate = new ReadWriteGate(4);
  const log: string[] = [];
  const [r1, r2, w, r3] = [step(log, 'r1'), step(log, 'r2'), step(log, 'w'), step(log, 'r3')];
  const runs = [gate.read(r1.work), gate.read(r2.work), gate.write(w.work), gate.read(r3.work)];
  await Promise.all([r1.started, r2.started]);
  await settle();
  // r3 has a free place but was asked after the writer: it waits with it.
  assert.deepEqual(gate.running, { readers: 2, writer: false, waiting: 2 });
  r1.release();
  await settle();
  assert.deepEqual(log, ['r1 start', 'r2 start', 'r1 end']);
  r2.release();
  await w.started;
  await settle();
  assert.deepEqual(gate.running, { readers: 0, writer: true, waiting: 1 });
  w.release();
  await r3.started;
  r3.release();
  await Promise.all(runs);
  assert.deepEqual(log, [
    'r1 start',
    'r2 start',
    'r1 end',
    'r2 end',
    'w start',
    'w end',
    'r3 start',
    'r3 end',
  ]);
});

test('writers run one at a time, in the order asked', async () => {
  const gate = new ReadWriteGate(3);
  const log: string[] = [];
  const [w1, w2] = [step(log, 'w1'), step(log, 'w2')];
  const runs = [gate.write(w1.work), gate.write(w2.work)];
  await w1.started;
  await settle();
  assert.deepEqual(gate.running, { readers: 0, writer: true, waiting: 1 });
  w1.release();
  await w2.started;
  w2.release();
  await Promise.all(runs);
  assert.deepEqual(log, ['w1 start', 'w1 end', 'w2 start', 'w2 end']);
});

test('a failing reader or writer frees its place and its failure reaches its caller', async () => {
  const gate = new ReadWriteGate(1);
  const failing = gate.read(async () => {
    throw new Error('engine down');
  });
  const next = gate.write(async () => 'written');
  await assert.rejects(failing, /engine down/);
  assert.equal(await next, 'written');
  await assert.rejects(
    gate.write(async () => {
      throw new Error('load refused');
    }),
    /load refused/,
  );
  assert.equal(await gate.read(async () => 'read'), 'read');
  assert.deepEqual(gate.running, { readers: 0, writer: false, waiting: 0 });
});

test('a gate needs at least one reader', () => {
  assert.throws(() => new ReadWriteGate(0), RangeError);
  assert.throws(() => new ReadWriteGate(1.5), RangeError);
});
