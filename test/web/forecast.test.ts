// The forecast on the KPI detail page in real headless Chromium, on a generated company served by the API
// server: with ?forecast=N the page draws the forecast and its shaded bands after the history, the table
// beside the chart shows the API's numbers (formatted with the dashboard's own functions), the choice of
// months ahead lives in the URL, and a KPI without a forecast shows no forecast section. On the same page,
// what a move of the KPI is worth (the impact panel) shows the API's numbers, its move kept in the URL.
// Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { KpiImpact as ImpactAnswer } from '../../src/goals/impact.ts';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { formatDelta, formatTerm, formatValue, periodLabel } from '../../web/src/format.ts';
import {
  apiJson,
  chromiumAvailable,
  launch,
  openPage,
  screenshot,
  serveCompany,
  tableText,
} from './browser.ts';

interface ForecastRow {
  period_start: string;
  value: number | null;
  lower_80: number | null;
  upper_80: number | null;
  lower_95: number | null;
  upper_95: number | null;
}

if (chromiumAvailable('the forecast in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-forecast-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;

  const api = <T>(path: string) => apiJson<T>(server.url, path);
  const open = (path: string, ready: string) => openPage(browser, server.url, path, ready);

  /**
   * Pixels of the forecast chart painted in the bands' translucent amber: the canvas is transparent, so a
   * band pixel reads as the line's colour #d97706 = (217, 119, 6) with the band's alpha (0.14, 0.26, or
   * 0.36 where they overlap: 36–92 of 255), unlike the opaque lines and grid.
   */
  const bandPixels = (page: Page) =>
    page.locator('canvas[aria-label*="forecast"]').evaluate((canvas) => {
      const c = canvas as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]] as [
          number,
          number,
          number,
          number,
        ];
        if (a >= 25 && a <= 120 && Math.abs(r - 217) <= 15 && Math.abs(g - 119) <= 15 && b <= 40) n++;
      }
      return n;
    });

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 1000, months: 14, seed: 6 }));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('MRR with ?forecast=6: bands drawn after the history, and the table shows the API’s numbers', async () => {
    const page = await open('/kpi/mrr?grain=month&forecast=6', '[data-testid="forecast"]');
    const { forecast } = await api<{ forecast: ForecastRow[] }>('/api/kpis/mrr/forecast?horizon=6');
    assert.equal(forecast.length, 6);
    const expected = forecast.map((r) => [
      periodLabel(r.period_start, 'month'),
      ...[r.value, r.lower_80, r.upper_80, r.lower_95, r.upper_95].map((v) => formatValue(v, 'currency')),
    ]);
    assert.deepEqual(await tableText(page, 'forecast'), expected);
    // Money with its symbol: $179,021.90.
    for (const row of expected)
      for (const cell of row.slice(1)) assert.match(cell, /^\$\d{1,3}(,\d{3})*\.\d\d$/, row.join(' | '));
    await page.locator('canvas[aria-label*="forecast"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'forecast-mrr');
    const tinted = await bandPixels(page);
    assert.ok(tinted > 2000, `the bands tint ${tinted} pixels of the forecast chart`);
    await page.locator('canvas[aria-label*="forecast"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'forecast-mrr');
    await page.close();
  });

  test('the months ahead are chosen on the page and kept in the URL', async () => {
    const page = await open('/kpi/customer_churn_rate?grain=month', 'select[name="forecast"]');
    assert.equal(
      await page.locator('[data-testid="forecast"]').count(),
      0,
      'no forecast until one is asked for',
    );
    await page.selectOption('select[name="forecast"]', '3');
    await page.waitForURL(/forecast=3/);
    await page.waitForSelector('[data-testid="forecast"]');
    const { forecast } = await api<{ forecast: ForecastRow[] }>(
      '/api/kpis/customer_churn_rate/forecast?horizon=3',
    );
    const rows = await tableText(page, 'forecast');
    assert.deepEqual(
      rows.map((r) => r.slice(0, 2)),
      forecast.map((r) => [periodLabel(r.period_start, 'month'), formatValue(r.value, 'rate')]),
    );
    // Churn as a percentage: 2.7%, not 0.0265.
    for (const row of rows) assert.match(row[1] ?? '', /^\d+\.\d%$/, row.join(' | '));
    await screenshot(page, 'forecast-churn');
    await page.close();
  });

  test('a KPI without a forecast shows no forecast section', async () => {
    const page = await open('/kpi/stickiness_ratio?grain=month&forecast=6', '[data-testid="series"]');
    assert.equal(await page.locator('select[name="forecast"]').count(), 0);
    assert.equal(await page.locator('[data-testid="forecast"]').count(), 0);
    await page.close();
  });

  test('what a move is worth: churn a point down by default, the API’s numbers, the move in the URL', async () => {
    const page = await open('/kpi/customer_churn_rate?grain=month', '[data-testid="impact-table"]');
    const a = await api<ImpactAnswer>('/api/kpis/customer_churn_rate/impact?change=-0.01');
    const signed = (v: number, unit: string) => formatDelta(v, unit, { digits: unit === 'rate' ? 2 : 0 });
    // Churn falling is the good direction: the first move offered, −1 point.
    assert.equal(await page.locator('select[name="move"]').inputValue(), '-0.01');
    assert.equal(
      (await page.locator('[data-testid="impact-headline"]').textContent())?.replace(/\s+/g, ' ').trim(),
      `Customer Churn Rate -1.0 pt is worth ${signed(a.mrr.change, 'currency')} MRR in 12 months (95%: ${signed(a.mrr.low, 'currency')} to ${signed(a.mrr.high, 'currency')})`,
    );
    // Fewer churned customers: more MRR, a higher NRR and a longer lifetime.
    assert.ok(a.mrr.change > 0 && a.net_revenue_retention.change > 0, JSON.stringify(a.mrr));
    const row = (r: ImpactAnswer['mrr'], unit: string) => [
      formatTerm(r.baseline, unit),
      formatTerm(r.scenario, unit),
      signed(r.change, unit),
    ];
    assert.deepEqual(await tableText(page, 'impact-table'), [
      ['MRR in 12 months', ...row(a.mrr, 'currency')],
      ['Monthly NRR then', ...row(a.net_revenue_retention, 'rate')],
      [
        'Customer lifetime value then',
        ...(a.customer_lifetime_value ? row(a.customer_lifetime_value, 'currency') : ['no value', '', '']),
      ],
    ]);
    await page.locator('[data-testid="impact"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'impact-churn');
    await page.selectOption('select[name="move"]', '0.02');
    await page.waitForURL(/move=0\.02/);
    await page.locator('[data-testid="impact-headline"]', { hasText: '+2.0 pt' }).waitFor();
    const worse = await api<ImpactAnswer>('/api/kpis/customer_churn_rate/impact?change=0.02');
    assert.ok(worse.mrr.change < 0);
    assert.match(
      (await page.locator('[data-testid="impact-headline"]').textContent()) ?? '',
      new RegExp(`is worth ${signed(worse.mrr.change, 'currency').replace(/[$.]/g, '\\$&')} MRR`),
    );
    await page.close();
    // A KPI Tenure does not price has no panel.
    const other = await open('/kpi/stickiness_ratio?grain=month', '[data-testid="series"]');
    assert.equal(await other.locator('[data-testid="impact"]').count(), 0);
    await other.close();
  });
}
