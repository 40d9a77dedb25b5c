// The dashboard after a daily load, in real Chromium (issue 17 item 9): `tenure serve` runs on a DuckDB
// file, the MRR page shows the data before; `tenure ingest` of the day's batch goes through the server, and
// the same page, reloaded, shows the new month without the server being restarted.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { loadWarehouse } from '../../src/ingest/load-warehouse.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';
import { chromiumAvailable, launch, openPage, screenshot, tableText } from './browser.ts';

// January: c1, c2, c3 pay 100, 200, 300 (MRR 600); the data ends on Jan 20, so February is after it.
// The day's batch: c4 pays 50 from Feb 3 and c1 goes to 150 on Feb 15: February's MRR is 700, January's
// stays 600.
const FILES: Record<string, string> = {
  'base/customers.csv':
    'customer_id,signed_up_at\nc1,2025-01-05T00:00:00Z\nc2,2025-01-10T00:00:00Z\nc3,2025-01-20T00:00:00Z\n',
  'base/subscription_changes.csv':
    'customer_id,effective_at,mrr\nc1,2025-01-05T00:00:00Z,100\nc2,2025-01-10T00:00:00Z,200\nc3,2025-01-20T00:00:00Z,300\n',
  'day/customers.csv': 'customer_id,signed_up_at\nc4,2025-02-03T00:00:00Z\n',
  'day/subscription_changes.csv':
    'customer_id,effective_at,mrr\nc4,2025-02-03T00:00:00Z,50\nc1,2025-02-15T00:00:00Z,150\n',
};
const PAGE = '/kpi/mrr?from=2025-01-01&to=2025-02-28&grain=month';

function tenure(dir: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], {
    cwd: dir,
    env: { ...process.env, TENURE_PROGRESS: '' },
  });
}

if (chromiumAvailable('the dashboard after a load while serving, in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-load-'));
  const db = join(dir, 'acme.duckdb');
  let browser: Browser;
  let server: ChildProcess;
  let url: string;

  before(async () => {
    mkdirSync(join(dir, 'base'));
    mkdirSync(join(dir, 'day'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    const engine = await DuckDBEngine.open(db);
    await loadWarehouse(engine, { dataDir: join(dir, 'base') });
    await engine.close();
    browser = await launch();
    server = tenure(dir, 'serve', '--db', db, '--port', '0');
    let out = '';
    url = await new Promise<string>((resolve, reject) => {
      server.stdout?.on('data', (d: Buffer) => {
        out += d;
        const found = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (found?.[1]) resolve(found[1]);
      });
      server.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
    });
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The MRR page's value cell per period, as the reader sees it (MRR's own rows, not its sub-results). */
  const values = async (page: Awaited<ReturnType<typeof openPage>>) =>
    (await tableText(page, 'series')).filter((cells) => cells[1] === 'mrr').map((cells) => cells[3] ?? '');

  test('after `tenure ingest` through the running server, the reloaded page shows the new month', async () => {
    const page = await openPage(browser, url, PAGE, '[data-testid="series"]');
    const before = await values(page);
    assert.equal(before.length, 2);
    assert.match(before[0] ?? '', /\b600\b/);
    assert.doesNotMatch(before[1] ?? '', /\b700\b/);

    const load = tenure(dir, 'ingest', '--data', join(dir, 'day'), '--db', db);
    let err = '';
    load.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => load.on('close', resolve));
    assert.equal(code, 0, err);
    assert.match(err, /^loading through `tenure serve`/);

    await page.reload();
    await page.waitForSelector('[data-testid="series"]');
    const after = await values(page);
    assert.match(after[0] ?? '', /\b600\b/);
    assert.match(after[1] ?? '', /\b700\b/);
    await screenshot(page, 'kpi-after-load');
    await page.close();
  });
}
