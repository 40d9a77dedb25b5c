// Every page of the dashboard in real headless Chromium, at 1440 px (light) and 390 px (a phone, dark): the
// page never scrolls sideways (its wide tables scroll inside their boxes), logs no console error, has no
// failed request (the favicon included), shows no API error, and axe-core finds no serious or critical
// accessibility violation (WCAG 2.1 A and AA: contrast, names, keyboard-reachable scrolling regions…).
// The pages are the navigation's own links, so a page added to it is covered. Then the shell: keyboard
// navigation and the folded menu on a phone, dark mode from the system setting, and a wrong token that says
// so and can be forgotten. A screenshot of every page at both widths goes to test-results/.
//
// axe-core is injected with page.evaluate of its source: the server's Content-Security-Policy refuses inline
// scripts (script-src 'self'), so addScriptTag({content}) would be blocked, while an evaluation from the
// test harness is not subject to it; the page keeps its real CSP throughout.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { chromiumAvailable, launch, pageWidths, SHOTS, serveCompany } from './browser.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_RUN = `axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
}).then((r) => r.violations.map((v) => ({
  id: v.id,
  impact: v.impact,
  help: v.help,
  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
})))`;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** A page of the dashboard with what went wrong while it loaded. */
interface Opened {
  page: Page;
  problems: string[];
}

if (chromiumAvailable('every dashboard page in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-every-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;
  let pages: string[];

  /** Opens `path` in `context`, waits until nothing is loading, and collects errors and failed requests. */
  async function openQuietly(context: BrowserContext, path: string): Promise<Opened> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`error in the page: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
    });
    await page.goto(`${server.url}${path}`);
    await settle(page).catch((e: Error) =>
      problems.push(`never finished loading: ${e.message.split('\n')[0]}`),
    );
    return { page, problems };
  }

  /** Waits for the page's title, then until nothing is loading (pages load in steps: a model trained on
   * first use, then its tables). */
  async function settle(page: Page): Promise<void> {
    await page.locator('main h1').first().waitFor({ timeout: 60_000 });
    const loading = page.locator('[data-state="loading"]');
    for (let settled = 0; settled < 2; ) {
      await loading.first().waitFor({ state: 'detached', timeout: 120_000 });
      await page.waitForTimeout(250);
      settled = (await loading.count()) === 0 ? settled + 1 : 0;
    }
  }

  const nameOf = (path: string) => (path === '/' ? 'overview' : path.slice(1).replace(/\W+/g, '-'));

  /** Every page at one width: layout, errors, requests, accessibility, and a screenshot. */
  async function checkEveryPage(width: number, colorScheme: 'light' | 'dark'): Promise<void> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
    const failures: string[] = [];
    try {
      for (const path of pages) {
        const { page, problems } = await openQuietly(context, path);
        const [scrollWidth, innerWidth] = await pageWidths(page);
        if (scrollWidth > innerWidth)
          problems.push(`the page is ${scrollWidth} px wide in a ${innerWidth} px window`);
        const errors = await page.locator('[data-state="error"]').allTextContents();
        for (const e of errors) problems.push(`shows an error: ${e}`);
        await page.evaluate(AXE);
        const violations = (await page.evaluate(AXE_RUN)) as Violation[];
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
          problems.push(`axe ${v.impact} ${v.id} (${v.help}): ${v.nodes.join(', ')}`);
        await page.screenshot({
          path: join(SHOTS, `dashboard-${width}-${nameOf(path)}.png`),
          fullPage: true,
        });
        for (const p of problems) failures.push(`${path} at ${width} px: ${p}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(failures, []);
  }

  before(async () => {
    // Enough customers for the churn-risk model's 20 churns in its training months.
    ({ engine, server } = await serveCompany(dir, { customers: 700, months: 14, seed: 5 }));
    browser = await launch();
    // The pages are the navigation's links, and the detail page of a KPI.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const links = await page
      .locator('nav a')
      .evaluateAll((as) =>
        (as as unknown as { getAttribute(n: string): string | null }[]).map(
          (a) => a.getAttribute('href') ?? '',
        ),
      );
    pages = [...new Set(links.map((href) => href.split('?')[0] ?? href)), '/kpi/mrr'];
    await context.close();
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the navigation lists the pages', () => {
    for (const p of [
      '/',
      '/revenue',
      '/cohorts',
      '/targets',
      '/tree',
      '/alerts',
      '/risk',
      '/survival',
      '/data',
    ])
      assert.ok(pages.includes(p), `${p} in ${pages.join(', ')}`);
  });

  test('every page at 1440 px (light): no sideways scroll, no console error, no failed request, no serious accessibility violation', async () => {
    await checkEveryPage(1440, 'light');
  });

  test('every page at 390 px (dark): no sideways scroll, no console error, no failed request, no serious accessibility violation', async () => {
    await checkEveryPage(390, 'dark');
  });

  test('on a phone the navigation folds behind a Menu button that the keyboard opens; the Token button is on screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const { page, problems } = await openQuietly(context, '/');
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await page.locator('nav a').first().isVisible(), false, 'folded');
    const token = await page.getByTestId('token-button').boundingBox();
    assert.ok(
      token && token.x >= 0 && token.x + token.width <= 390,
      `Token button at ${JSON.stringify(token)}`,
    );
    // The first Tab reaches the skip link, which moves the focus to the page.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to the page');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    // The menu opens from the keyboard, its links are reachable and go to their page.
    await menu.focus();
    await page.keyboard.press('Enter');
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    const cohorts = page.locator('nav a', { hasText: 'Cohorts' });
    assert.equal(await cohorts.isVisible(), true);
    await cohorts.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/cohorts/);
    await page.getByTestId('heatmap').waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'closed once a page is chosen');
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Cohorts');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('dark mode follows the system setting', async () => {
    const background = async (colorScheme: 'light' | 'dark') => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.url}/data`);
      await page.locator('main h1').waitFor();
      const color = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
      await context.close();
      return color;
    };
    assert.equal(await background('light'), 'rgb(248, 250, 252)');
    assert.equal(await background('dark'), 'rgb(11, 17, 32)');
  });

  test('the favicon is served, as /favicon.svg and /favicon.ico', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml', path);
      assert.match(await res.text(), /^<svg /, path);
    }
  });

  test('a token the server refuses says so and can be forgotten; the pages then load', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // A token that no server knows, stored once as a user would have saved it.
    await context.addInitScript(
      "if (!sessionStorage.getItem('seeded')) { localStorage.setItem('tenure.token', 'not-a-token'); sessionStorage.setItem('seeded', '1'); }",
    );
    const page = await context.newPage();
    await page.goto(`${server.url}/revenue`);
    const banner = page.getByTestId('token-refused');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /refused this browser's API token/);
    assert.equal(await page.getByTestId('token-button').textContent(), 'Token refused');
    await page.getByTestId('forget-token').click();
    await page.waitForLoadState('load');
    await settle(page);
    assert.equal(await banner.count(), 0);
    assert.equal(await page.locator('[data-state="error"]').count(), 0);
    assert.equal(await page.getByTestId('token-button').textContent(), 'Token');
    assert.equal(await page.evaluate("localStorage.getItem('tenure.token')"), null);
    await context.close();
  });
}
