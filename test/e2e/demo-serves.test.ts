// The main job ends serving: `tenure demo` loads the sample company, prints the catalog, then prints the
// dashboard's URL on 127.0.0.1 and serves both the dashboard and the API there until interrupted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dashboardRoot } from '../../src/server/dashboard.ts';
import { CLI } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tenure-demo-'));

after(() => rmSync(dir, { recursive: true, force: true }));

test('tenure demo prints the dashboard URL, serves it, and stops on SIGINT', async () => {
  const child = spawn(process.execPath, [...CLI, 'demo', '--customers', '150', '--port', '0'], {
    cwd: dir,
    env: { ...process.env, TENURE_PROGRESS: '' },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const found = /the dashboard of the sample company: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    void exited.then((code) => reject(new Error(`demo exited (${code}) before serving:\n${out}\n${err}`)));
  });
  try {
    assert.match(out, /the catalog, month by month/);
    const catalog = (await (await fetch(`${url}/api/catalog`)).json()) as { kpis: unknown[] };
    assert.ok(catalog.kpis.length >= 45);
    assert.ok(dashboardRoot(), 'the dashboard is built into dist/web (npm run build)');
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app">/);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, err);
});
