// A run builds only the command it names; help, no command or an unknown word gets every command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProgram } from './main.ts';

const names = async (word?: string) => (await buildProgram(word)).commands.map((c) => c.name());

test('a command word registers its own module only; anything else registers every command', async () => {
  const all = await names();
  assert.equal(all.length, 22);
  for (const word of [undefined, 'help', '--help', 'bogus']) assert.deepEqual(await names(word), all);
  assert.deepEqual(await names('compute'), ['compute']);
  // Registered by another command's module, and found through it.
  assert.deepEqual(await names('hazards'), ['survival', 'hazards']);
  assert.deepEqual(await names('token'), ['serve', 'token']);
  assert.deepEqual(await names('alerts'), ['alerts']);
  // Every command is reachable by its own word.
  for (const word of all) assert.ok((await names(word)).includes(word), word);
});
