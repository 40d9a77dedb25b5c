// The dashboard in real headless Chromium, on a generated company served by the API server: each page
// opens, the numbers it shows equal the API's (fetched here and formatted with the dashboard's own
// functions), a breakdown can be chosen and the URL then reproduces the view in a new page, an API error
// shows its message, and every page leaves a screenshot in test-results/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { CATALOG } from '../../src/catalog/catalog.ts';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { formatChange, formatNumber, formatValue, periodLabel } from '../../web/src/format.ts';
import { latestComplete } from '../../web/src/pages/series.ts';
import { defaultRange, type Range } from '../../web/src/range.ts';
import {
  apiJson,
  chromiumAvailable,
  launch,
  openPage,
  screenshot,
  serveCompany,
  tableText,
} from './browser.ts';

interface Row {
  kpi: string;
  period_start: string;
  segment: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  n: number | null;
  flags: string[];
}

// In CI a missing browser is a failure; on a developer's machine the rest of the suite still runs.
if (chromiumAvailable('the dashboard in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;
  let range: Range;
  let catalogUnits: Map<string, string>;

  const api = <T>(path: string) => apiJson<T>(server.url, path);
  const q = (extra: Record<string, string> = {}) => new URLSearchParams({ ...range, ...extra }).toString();

  const open = (path: string, ready: string) => openPage(browser, server.url, path, ready);
  const shot = screenshot;

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 300, months: 14, seed: 5 }));
    browser = await launch();
    const health = await api<{ as_of: string }>('/api/health/data');
    range = defaultRange(health.as_of);
    catalogUnits = new Map(CATALOG.map((d) => [d.id, d.unit]));
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('overview: every card shows the latest complete value and its change as the API gives them, over the default range', async () => {
    const page = await open('/', '[data-testid="overview"]');
    const { results } = await api<{ results: Row[] }>(`/api/kpis?${q({ ids: 'all' })}`);
    assert.equal(await page.locator('[data-kpi]').count(), CATALOG.length);
    for (const def of CATALOG) {
      const rows = results.filter((r) => r.kpi === def.id && r.segment === 'all');
      const { latest, previous } = latestComplete(rows);
      const card = page.locator(`[data-kpi="${def.id}"]`);
      assert.equal(
        await card.getByTestId('value').textContent(),
        formatValue(latest?.value, def.unit),
        def.id,
      );
      const change = latest && previous ? formatChange(latest.value, previous.value, def.unit) : null;
      assert.equal(await card.getByTestId('change').textContent(), change ?? '', `${def.id}: change`);
    }
    // The formats as a reader sees them: LTV to CAC is a multiple (it showed "6,987.1%"), money carries
    // the project's symbol (dollars here), rates are percentages moving in points.
    const shown = async (kpi: string, what: string) =>
      (await page.locator(`[data-kpi="${kpi}"]`).getByTestId(what).textContent()) ?? '';
    assert.match(await shown('ltv_to_cac_ratio', 'value'), /^\d{1,3}(,\d{3})*\.\d×$/);
    assert.match(await shown('ltv_to_cac_ratio', 'change'), /^([+-]\d+\.\d|0\.0)%$/);
    assert.match(await shown('mrr', 'value'), /^\$\d{1,3}(,\d{3})*\.\d\d$/);
    assert.match(await shown('customer_lifetime_value', 'value'), /^\$\d{1,3}(,\d{3})*\.\d\d$/);
    assert.match(await shown('customer_churn_rate', 'value'), /^\d+\.\d%$/);
    assert.match(await shown('customer_churn_rate', 'change'), /^([+-]\d+\.\d|0\.0) pt$/);
    assert.match(await shown('net_promoter_score', 'value'), /^(-?\d+\.\d pt|—)$/);
    await shot(page, 'overview');
    // The kind toggle filters the cards and is kept in the URL.
    await page.click('button[data-kind="leading"]');
    await page.waitForURL(/kind=leading/);
    const leading = CATALOG.filter((d) => d.kind === 'leading').length;
    assert.equal(await page.locator('[data-kpi]').count(), leading);
    // The cards sit in folded groups: the page is ready once the groups are shown.
    const again = await open(
      new URL(page.url()).pathname + new URL(page.url()).search,
      '[data-testid="overview"]',
    );
    assert.equal(await again.locator('[data-kpi]').count(), leading);
    await shot(again, 'overview-leading');
    await page.close();
    await again.close();
  });

  test('KPI detail: the series equals the API; a breakdown goes into the URL and the URL reproduces it', async () => {
    const page = await open('/kpi/net_revenue_retention', '[data-testid="series"]');
    const unit = catalogUnits.get('net_revenue_retention') as string;
    const expectRows = (rows: Row[]) =>
      rows.map((r) => [
        periodLabel(r.period_start, range.grain),
        r.kpi,
        r.segment,
        r.kpi === 'net_revenue_retention' ? formatValue(r.value, unit) : formatNumber(r.value),
        formatNumber(r.numerator),
        formatNumber(r.denominator),
        formatNumber(r.n),
        r.flags.join(', '),
      ]);
    const plain = await api<{ results: Row[] }>(`/api/kpis/net_revenue_retention/series?${q()}`);
    assert.deepEqual(await tableText(page, 'series'), expectRows(plain.results));
    assert.ok(((await page.textContent('[data-testid="formula"]')) ?? '').length > 0);
    assert.ok((await page.locator('[data-testid="lineage"] li').count()) > 0);
    // The SQL is engineering detail, folded under the definition.
    await page.click('details.engineering > summary:has-text("SQL")');
    await page.waitForSelector('[data-testid="sql"]');
    assert.match((await page.textContent('[data-testid="sql"]')) ?? '', /SELECT/);
    await shot(page, 'kpi');

    await page.selectOption('select[name="by"]', 'plan');
    await page.waitForURL(/by=plan/);
    await page
      .locator('[data-testid="series"] tbody td:nth-child(3)')
      .filter({ hasNotText: /^all$/ })
      .first()
      .waitFor();
    const byPlan = await api<{ results: Row[] }>(
      `/api/kpis/net_revenue_retention/series?${q({ by: 'plan' })}`,
    );
    const shown = await tableText(page, 'series');
    assert.deepEqual(shown, expectRows(byPlan.results));
    assert.ok(new Set(byPlan.results.map((r) => r.segment)).size > 1, 'several plans');

    const url = new URL(page.url());
    const copy = await open(url.pathname + url.search, '[data-testid="series"]');
    assert.equal(await copy.inputValue('select[name="by"]'), 'plan');
    assert.deepEqual(await tableText(copy, 'series'), shown);
    await shot(copy, 'kpi-by-plan');
    await page.close();
    await copy.close();
  });

  test('KPI detail of an unknown KPI shows the API error message', async () => {
    const page = await open('/kpi/no_such_kpi', '[data-state="error"]');
    const res = await fetch(`${server.url}/api/catalog/no_such_kpi`);
    const body = (await res.json()) as { error: { message: string } };
    assert.equal(res.status, 404);
    assert.equal(await page.textContent('[data-testid="error-message"]'), body.error.message);
    await shot(page, 'error');
    await page.close();
  });

  test('revenue: the bridge table equals the API, period by period', async () => {
    const page = await open('/revenue', '[data-testid="bridge"]');
    const { rows } = await api<{ rows: Record<string, number | string>[] }>(`/api/views/mrr-bridge?${q()}`);
    const steps = [
      ['start_mrr', 1],
      ['new_mrr', 1],
      ['reactivation_mrr', 1],
      ['expansion_mrr', 1],
      ['contraction_mrr', -1],
      ['churn_mrr', -1],
      ['end_mrr', 1],
    ] as const;
    const expected = rows.map((r) => [
      periodLabel(String(r.period_start), range.grain),
      ...steps.map(([k, sign]) => formatValue(sign * Number(r[k]), 'currency')),
    ]);
    assert.equal(rows.length, 12);
    assert.deepEqual(await tableText(page, 'bridge'), expected);
    await page.waitForSelector('canvas[aria-label^="MRR per period"]');
    // The bridge's amounts are money: $12,345.60, and the outflows negative (-$1,204.50).
    for (const row of await tableText(page, 'bridge'))
      for (const cell of row.slice(1)) assert.match(cell, /^-?\$\d{1,3}(,\d{3})*\.\d\d$/, row.join(' | '));
    await shot(page, 'revenue');
    await page.close();
  });

  test('data: loads, rows per table and quarantine equal the API', async () => {
    const page = await open('/data', '[data-testid="tables"]');
    const health = await api<{
      as_of: string;
      tables: { table_name: string; row_count: number }[];
      loads: { load_id: number; rows_read: number; rows_loaded: number }[];
      quarantine: unknown[];
    }>('/api/health/data');
    assert.equal(await page.textContent('[data-testid="as-of"]'), health.as_of);
    assert.deepEqual(
      await tableText(page, 'tables'),
      health.tables.map((t) => [t.table_name, formatNumber(t.row_count)]),
    );
    const loads = await tableText(page, 'loads');
    assert.deepEqual(
      loads.map((l) => [l[0], l[3], l[4]]),
      health.loads.map((l) => [String(l.load_id), formatNumber(l.rows_read), formatNumber(l.rows_loaded)]),
    );
    assert.equal(
      health.quarantine.length === 0,
      (await page.locator('[data-testid="quarantine"]').count()) === 0,
    );
    await shot(page, 'data');
    await page.close();
  });

  test('the server answers a browser page with index.html, and scripts and /api with the JSON 404', async () => {
    const html = await fetch(`${server.url}/kpi/mrr?by=plan`, { headers: { accept: 'text/html' } });
    assert.equal(html.status, 200);
    assert.match(await html.text(), /<div id="app">/);
    const script = await fetch(`${server.url}/no/such/file.js`);
    assert.equal(script.status, 404);
    const unknownApi = await fetch(`${server.url}/api/no_such_route`, { headers: { accept: 'text/html' } });
    assert.equal(unknownApi.status, 404);
    assert.equal(((await unknownApi.json()) as { error: { code: string } }).error.code, 'not_found');
  });
}
