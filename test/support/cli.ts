// The `tenure` command run as a user runs it: a child process from the project's root, its output kept.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export function tenure(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}
