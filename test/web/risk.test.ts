// The Risk page in real headless Chromium on a generated company served by the API server: the summary,
// the customers most at risk, the reliability table and the coefficients equal GET /api/risk's answer
// (formatted with the page's own functions); choosing how many customers to list goes into the URL; the
// route is in the OpenAPI document, refuses bad parameters and answers from its cache the second time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import {
  coefficientCells,
  customerCells,
  modelCells,
  type RiskAnswer,
  reliabilityCells,
  summaryCells,
} from '../../web/src/pages/risk-cells.ts';
import {
  apiJson,
  chromiumAvailable,
  launch,
  openPage,
  screenshot,
  serveCompany,
  tableText,
} from './browser.ts';

if (chromiumAvailable('the Risk page in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-risk-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;

  const get = (path: string) => fetch(`${server.url}${path}`);
  const api = <T>(path: string) => apiJson<T>(server.url, path);
  // Training the model on a first visit takes a while on a busy machine.
  const open = (path: string, ready: string) => openPage(browser, server.url, path, ready, 60_000);

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 2500, months: 24, seed: 8 }));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET /api/risk is documented, refuses bad parameters and is cached per warehouse version', async () => {
    const openapi = await api<{ paths: Record<string, unknown> }>('/openapi.json');
    assert.ok('/api/risk' in openapi.paths);
    const bad = await get('/api/risk?horizon_days=0');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /horizon_days/);
    const first = await get('/api/risk?top=5');
    const second = await get('/api/risk?top=7');
    assert.equal(second.headers.get('x-tenure-cache'), 'hit');
    const [a, b] = [(await first.json()) as RiskAnswer, (await second.json()) as RiskAnswer];
    assert.equal(a.customers.length, 5);
    assert.equal(b.customers.length, 7);
    assert.deepEqual(a.customers, b.customers.slice(0, 5));
    assert.ok(a.model.auc > a.model.baseline_auc, `AUC ${a.model.auc} vs ${a.model.baseline_auc}`);
  });

  test('the Risk page shows the API numbers: summary, customers at risk, calibration, coefficients', async () => {
    const page = await open('/risk', '[data-testid="risk-customers"]');
    const r = await api<RiskAnswer>('/api/risk?top=20');
    const summary = await page
      .locator('[data-testid="risk-summary"] .card')
      .evaluateAll((cards) =>
        (cards as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((c) =>
          Array.from(c.children, (x) => x.textContent ?? ''),
        ),
      );
    assert.deepEqual(summary, summaryCells(r));
    // The model's quality is folded below the customers, with the same numbers as the API's.
    const model = await page
      .locator('[data-testid="risk-model-summary"] .card')
      .evaluateAll((cards) =>
        (cards as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((c) =>
          Array.from(c.children, (x) => x.textContent ?? ''),
        ),
      );
    assert.deepEqual(model, modelCells(r));
    assert.equal(await page.locator('[data-testid="risk-model"]').getAttribute('open'), null);
    // Scored at the data's end, the date the overview's range ends on — not the next day's midnight.
    const health = await api<{ as_of: string }>('/api/health/data');
    assert.match(
      (await page.textContent('[data-testid="risk-lede"]')) ?? '',
      new RegExp(`at the data's end \\(${health.as_of.slice(0, 10)}\\)`),
    );
    assert.equal(r.as_of, health.as_of);
    assert.equal(r.customers.length, 20);
    assert.deepEqual(
      await tableText(page, 'risk-customers'),
      r.customers.map((c) => customerCells(c)),
    );
    // Money in the project's currency (dollars by default): the MRR column reads $1,234.50.
    for (const row of await tableText(page, 'risk-customers'))
      assert.match(row[2] ?? '', /^\$\d{1,3}(,\d{3})*\.\d\d$/, row.join(' | '));
    assert.deepEqual(await tableText(page, 'risk-reliability'), r.model.reliability.map(reliabilityCells));
    assert.deepEqual(await tableText(page, 'risk-coefficients'), r.model.coefficients.map(coefficientCells));
    await screenshot(page, 'risk');
    // The nav links to the page.
    assert.equal(await page.locator('nav a[href^="/risk"]').getAttribute('class'), 'active');
    await page.close();
  });

  test('choosing how many customers to list goes into the URL, which reproduces the view', async () => {
    const page = await open('/risk', '[data-testid="risk-customers"]');
    await page.selectOption('select[name="top"]', '50');
    await page.waitForURL(/top=50/);
    // A locator, not waitForFunction: the page's Content-Security-Policy refuses the eval that a string
    // predicate needs.
    const rows = page.locator('[data-testid="risk-customers"] tbody tr');
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50);
    const url = page.url();
    await page.close();
    const again = await open(new URL(url).pathname + new URL(url).search, '[data-testid="risk-customers"]');
    const r = await api<RiskAnswer>('/api/risk?top=50');
    assert.deepEqual(
      await tableText(again, 'risk-customers'),
      r.customers.map((c) => customerCells(c)),
    );
    await again.close();
  });

  test('the customers can be listed by MRR at stake (risk × MRR), kept in the URL', async () => {
    const page = await open('/risk', '[data-testid="risk-customers"]');
    await page.selectOption('select[name="sort"]', 'mrr_at_stake');
    await page.waitForURL(/sort=mrr_at_stake/);
    await page.getByRole('heading', { name: 'Customers with the most MRR at stake' }).waitFor();
    const bySize = await api<RiskAnswer>('/api/risk?top=20&sort=mrr_at_stake');
    assert.equal(bySize.sort, 'mrr_at_stake');
    assert.deepEqual(
      await tableText(page, 'risk-customers'),
      bySize.customers.map((c) => customerCells(c)),
    );
    // Ordered by what each churn would cost, and no smaller than the riskiest-first list's stake.
    const stakes = bySize.customers.map((c) => c.expected_mrr_lost);
    assert.deepEqual(
      stakes,
      [...stakes].sort((x, y) => y - x),
    );
    const byRisk = await api<RiskAnswer>('/api/risk?top=20');
    const total = (r: RiskAnswer) => r.customers.reduce((sum, c) => sum + c.expected_mrr_lost, 0);
    assert.ok(total(bySize) >= total(byRisk), `${total(bySize)} ≥ ${total(byRisk)}`);
    await screenshot(page, 'risk-by-mrr-at-stake');
    await page.close();
  });
}
