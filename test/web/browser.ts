// What every browser test needs: Chromium or a clear skip (a failure in CI), the dashboard built from the
// current source, pages opened and waited for, the API's JSON, table text and screenshots.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CATALOG } from '../../src/catalog/catalog.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { startServer } from '../../src/server/serve.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';

const root = join(import.meta.dirname, '..', '..');
export const SHOTS = join(root, 'test-results');

/** Whether Chromium is installed; if not, registers a skipped test (a failing one when CI is set). */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests`;
  if (process.env.CI) test('Chromium is installed', () => assert.fail(message));
  else test(what, { skip: message }, () => {});
  return false;
}

/**
 * Builds the dashboard from the current source once per test run, and starts the browser. The browser test
 * files run in parallel, each its own process under the one `node --test` process: a build empties
 * dist/web before writing it, so a second build while another file's pages load would leave them without
 * their scripts. The first file to get the lock builds and stamps dist/web with the run (the parent's pid);
 * the others wait for the lock and find the stamp.
 */
export async function launch(): Promise<Browser> {
  const stamp = join(root, 'dist', 'web', '.built-for-run');
  const run = String(process.ppid);
  const lock = join(root, 'dist', '.web-build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left by a process that died: take it over.
      if (waited > 120_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== run) {
      const build = spawnSync(
        process.execPath,
        [
          join(root, 'node_modules/vite/bin/vite.js'),
          'build',
          '--config',
          'web/vite.config.ts',
          '--logLevel',
          'error',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      assert.equal(build.status, 0, build.stderr);
      writeFileSync(stamp, run);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A new page at `base + path`, once `ready` is shown; an error inside the page, or a resource the
 * Content-Security-Policy refused, fails the test. */
export async function openPage(
  browser: Browser,
  base: string,
  path: string,
  ready: string,
  timeout = 30_000,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => assert.fail(`error in the page at ${path}: ${e.message}`));
  // The server's Content-Security-Policy must not block anything the dashboard itself uses.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
      assert.fail(`the page at ${path} broke its own Content-Security-Policy: ${m.text()}`);
  });
  await page.goto(`${base}${path}`);
  await page.waitForSelector(ready, { timeout });
  return page;
}

/** The API's JSON answer (asserting a 200). */
export async function apiJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** The text of each body row's cells of the table with this test id. */
export const tableText = (page: Page, testid: string) =>
  page.locator(`[data-testid="${testid}"] tbody tr`).evaluateAll((trs) =>
    // (The tests are type-checked without the DOM's types: a row is described by what is read.)
    (trs as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((tr) =>
      Array.from(tr.children, (c) => c.textContent ?? ''),
    ),
  );

/** Saves test-results/dashboard-NAME.png. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`), fullPage: true });

/** A generated company loaded into `dir`/tenure.duckdb and served on loopback with the shipped catalog. */
export async function serveCompany(
  dir: string,
  company: { customers: number; months: number; seed: number },
): Promise<{ engine: DuckDBEngine; server: { app: FastifyInstance; url: string } }> {
  await generateCompany({ ...company, out: join(dir, 'company') });
  const engine = await DuckDBEngine.open(join(dir, 'tenure.duckdb'));
  await ingest(engine, { dataDir: join(dir, 'company') });
  const server = await startServer({
    engine,
    catalog: { definitions: CATALOG, applied: [], custom: [] },
    host: '127.0.0.1',
    port: 0,
  });
  return { engine, server };
}

/**
 * The page's width (what scrolls sideways) and the window's, in CSS pixels: the page overflows when the
 * first is larger. (A string expression: the tests are type-checked without the DOM's types.)
 */
export const pageWidths = (page: Page) =>
  page.evaluate('[document.scrollingElement.scrollWidth, innerWidth]') as Promise<[number, number]>;
