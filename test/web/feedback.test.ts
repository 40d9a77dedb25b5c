// The Feedback page in real headless Chromium on a generated company served by the API server: the backlog
// and the themes table equal GET /api/feedback's answer (formatted with the page's own functions), the
// backlog's KPIs link to their pages, and the route is in the OpenAPI document, refuses bad parameters and
// answers from its cache the second time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { backlogCells, type FeedbackAnswer, themeCells } from '../../web/src/pages/feedback-cells.ts';
import {
  apiJson,
  chromiumAvailable,
  launch,
  openPage,
  pageWidths,
  screenshot,
  serveCompany,
  tableText,
} from './browser.ts';

if (chromiumAvailable('the Feedback page in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-feedback-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;

  const get = (path: string) => fetch(`${server.url}${path}`);
  const api = <T>(path: string) => apiJson<T>(server.url, path);

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 1500, months: 18, seed: 8 }));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET /api/feedback is documented, refuses bad parameters and is cached per warehouse version', async () => {
    const openapi = await api<{ paths: Record<string, unknown> }>('/openapi.json');
    assert.ok('/api/feedback' in openapi.paths);
    const bad = await get('/api/feedback?as_of=yesterday');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /as_of/);
    assert.equal((await get('/api/feedback?top=3')).status, 400);
    const first = await get('/api/feedback');
    const second = await get('/api/feedback');
    assert.equal(second.headers.get('x-tenure-cache'), 'hit');
    const r = (await first.json()) as FeedbackAnswer;
    assert.deepEqual(r, await second.json());
    assert.ok(r.themes.length >= 4, `${r.themes.length} themes`);
    assert.ok(r.backlog.length >= 1);
  });

  test('the Feedback page shows the API numbers: the backlog, with links to its KPIs, and every theme', async () => {
    const page = await openPage(browser, server.url, '/feedback', '[data-testid="feedback-themes"]');
    const r = await api<FeedbackAnswer>('/api/feedback');
    assert.deepEqual(
      await tableText(page, 'feedback-backlog'),
      r.backlog.map((b) => backlogCells(b)),
    );
    // The by-month bars are a picture: their cell has no text.
    assert.deepEqual(
      await tableText(page, 'feedback-themes'),
      r.themes.map((t) => {
        const cells = themeCells(t);
        return [...cells.slice(0, 3), '', ...cells.slice(3)];
      }),
    );
    const first = r.backlog[0]?.kpis[0];
    assert.ok(first, 'the first theme of the backlog names a KPI');
    const link = page.locator(`[data-testid="feedback-backlog"] a[href="/kpi/${first.id}"]`).first();
    assert.equal(await link.textContent(), first.name);
    assert.equal(await page.locator('nav a[href^="/feedback"]').getAttribute('class'), 'active');
    await screenshot(page, 'feedback');
    await page.setViewportSize({ width: 390, height: 844 });
    const [scroll, inner] = await pageWidths(page);
    assert.ok(scroll <= inner, `the page scrolls sideways at 390 px: ${scroll} > ${inner}`);
    await screenshot(page, 'feedback-390');
    await page.close();
  });
}
