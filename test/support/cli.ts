// The `tenure` command run as a user runs it: a child process from the project's root, its output kept.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** Whether `npm run build` compiled the sources after their last change (as `npm ci` does). */
function builtIsFresh(): boolean {
  const built = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) return false;
  const compiled = statSync(built).mtimeMs;
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  return sources.every((f) => statSync(join(root, 'src', f)).mtimeMs < compiled);
}

/**
 * The arguments to `node` that start `tenure`: the compiled CLI (bin/tenure.js, what an installed package
 * runs) when the build is fresh, else the sources through tsx. The compiled one starts about 0.9 s sooner,
 * which each of the suite's CLI runs pays.
 */
export const CLI: readonly string[] = builtIsFresh()
  ? [join(root, 'bin', 'tenure.js')]
  : ['--import', 'tsx', join(root, 'src', 'cli', 'run.ts')];

export function tenure(...args: string[]) {
  return spawnSync(process.execPath, [...CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}
