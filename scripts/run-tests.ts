// `npm run test:unit`: runs every *.test.ts under src/ and test/ with Node's own test runner.
// (Node 20's --test takes no glob patterns, so the files are listed here.)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const files = ['src', 'test'].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.includes('fixtures'))
    .map((f) => join(dir, f)),
);
const only = process.argv.slice(2);
const chosen = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...chosen.sort()], {
  cwd: root,
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
