// The survival page in real headless Chromium, on a generated company served by the API server: the
// summary (medians, RMST), the log-rank line, every month of every curve with its band, and the sBG table
// equal /api/survival and /api/sbg formatted with the dashboard's own functions; the breakdown chosen in
// the page is in the URL, and a new page at that URL shows it; screenshots land in test-results/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { formatNumber, formatPercent } from '../../web/src/format.ts';
import {
  formatMedian,
  formatPValue,
  type SbgReport,
  type SurvivalReport,
  sbgCells,
} from '../../web/src/pages/survival-data.ts';
import {
  apiJson,
  chromiumAvailable,
  launch,
  openPage,
  screenshot,
  serveCompany,
  tableText,
} from './browser.ts';

if (chromiumAvailable('the survival page in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-survival-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;

  const api = <T>(path: string) => apiJson<T>(server.url, path);
  const open = (path: string, ready: string) => openPage(browser, server.url, path, ready);

  /** What the page must show for a survival report. */
  const expectedCurves = (r: SurvivalReport) => ({
    summary: r.segments.map((s) => [
      s.segment,
      formatNumber(s.n),
      formatNumber(s.events),
      formatMedian(s.median),
      formatNumber(s.rmst.rmst),
      formatNumber(s.rmst.standard_error),
    ]),
    steps: r.segments.flatMap((s) =>
      s.steps.map((step) => [
        s.segment,
        String(step.time),
        formatNumber(step.at_risk),
        formatNumber(step.events),
        formatNumber(step.censored),
        formatPercent(step.survival),
        formatPercent(step.lower),
        formatPercent(step.upper),
      ]),
    ),
  });

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 1500, months: 14, seed: 8 }));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('survival page: curves, summary and sBG equal the API; the breakdown lives in the URL', async () => {
    const page = await open('/survival', '[data-testid="survival-summary"]');
    const all = await api<SurvivalReport>('/api/survival');
    const want = expectedCurves(all);
    assert.deepEqual(await tableText(page, 'survival-summary'), want.summary);
    assert.deepEqual(await tableText(page, 'survival-table'), want.steps);
    assert.equal(await page.locator('[data-testid="log-rank"]').count(), 0, 'one segment: no log-rank test');
    assert.equal(await page.locator('canvas[aria-label^="Kaplan"]').count(), 1);

    const sbg = await api<SbgReport>('/api/sbg');
    await page.waitForSelector('[data-testid="sbg"]');
    const sbgRows = await tableText(page, 'sbg');
    assert.deepEqual(sbgRows, sbg.cohorts.map(sbgCells));
    // A degenerate fit reads as a sentence, never as α in the billions or an infinite lifetime.
    for (const row of sbgRows) {
      for (const cell of row) assert.doesNotMatch(cell, /\d{1,3}(,\d{3}){3,}|∞/, row.join(' | '));
    }
    for (const [i, c] of sbg.cohorts.entries()) {
      if (!c.flags.includes('no_heterogeneity')) continue;
      assert.match(
        sbgRows[i]?.[7] ?? '',
        /^no heterogeneity between customers: a constant churn of \d+\.\d% a month fits as well/,
      );
      assert.deepEqual(sbgRows[i]?.slice(3, 5), ['—', '—']);
    }
    // A median not reached is said in words.
    for (const [i, s] of all.segments.entries())
      if (s.median === null) assert.equal((await tableText(page, 'survival-summary'))[i]?.[3], 'not reached');

    // Choose the plan breakdown in the page: the URL carries it, and the numbers are /api/survival?by=plan's.
    await page.selectOption('select[name="by"]', 'plan');
    await page.waitForURL(/[?&]by=plan/);
    await page.waitForSelector('[data-testid="log-rank"]');
    const byPlan = await api<SurvivalReport>('/api/survival?by=plan');
    assert.equal(byPlan.segments.length, 3);
    const lr = byPlan.log_rank;
    assert.ok(lr);
    assert.equal(
      (await page.locator('[data-testid="log-rank"]').textContent())?.replace(/\s+/g, ' '),
      `Log-rank test: χ² = ${formatNumber(lr.chi_square)} on ${lr.df} df, p = ${formatPValue(lr.p_value)}`,
    );
    const reopened = await open(
      new URL(page.url()).pathname + new URL(page.url()).search,
      '[data-testid="log-rank"]',
    );
    const wantPlan = expectedCurves(byPlan);
    assert.deepEqual(await tableText(reopened, 'survival-summary'), wantPlan.summary);
    assert.deepEqual(await tableText(reopened, 'survival-table'), wantPlan.steps);
    await screenshot(reopened, 'survival-by-plan');
    await screenshot(page, 'survival');
  });
}
