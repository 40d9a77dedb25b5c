// The Cohorts page in real headless Chromium on a generated company served by the API server: each view
// (logo retention, revenue retention, conversion from signup, activation) equals the API's cohorts as the
// page's own functions write them; choosing a grain changes the columns (week 0…, quarter 0…) and goes
// into the URL; the CSV download parses and holds the API's cells; screenshots in test-results/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { formatNumber, formatPercent, periodLabel } from '../../web/src/format.ts';
import {
  type ActivationCohorts,
  type PayingCohorts,
  payingRows,
  type SignupCohorts,
  signupRows,
} from '../../web/src/pages/cohort-rows.ts';
import { defaultRange, type Range } from '../../web/src/range.ts';
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

if (chromiumAvailable('the Cohorts page in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-cohorts-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;
  let range: Range;

  const api = <T>(path: string) => apiJson<T>(server.url, path);
  const open = (path: string) => openPage(browser, server.url, path, '[data-testid="heatmap"]');
  const q = (grain: string) => new URLSearchParams({ from: range.from, to: range.to, grain }).toString();
  const heads = (page: Page) => page.locator('[data-testid="heatmap"] thead th').allTextContents();
  const rowText = (row: { label: string; size: string; cells: ({ text: string } | null)[] }) => [
    row.label,
    row.size,
    ...row.cells.map((c) => c?.text ?? ''),
  ];

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 400, months: 14, seed: 5 }));
    browser = await launch();
    range = defaultRange((await api<{ as_of: string }>('/api/health/data')).as_of);
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('logo retention: cohorts of first payments from 100%, the weighted average, as the API gives them', async () => {
    const page = await open('/cohorts');
    const { rows } = await api<{ rows: PayingCohorts }>(`/api/views/paying-cohorts?${q('month')}`);
    const want = payingRows(rows, false);
    assert.deepEqual(await tableText(page, 'heatmap'), want.body.map(rowText));
    assert.ok(want.average);
    assert.deepEqual(
      await page.locator('[data-testid="average"] tr').first().locator('th, td').allTextContents(),
      rowText(want.average),
    );
    // Only cohorts that start in the range, the first in its first month; every one at 100.0% at month 0,
    // its first cell (aligned left, none cut).
    assert.equal(rows.cohorts[0]?.cohort, range.from.slice(0, 7));
    for (const row of await tableText(page, 'heatmap')) assert.equal(row[2], '100.0%', row.join(' | '));
    assert.deepEqual((await heads(page)).slice(0, 4), ['cohort', 'customers', 'month 0', 'month 1']);
    await screenshot(page, 'cohorts');
    await page.close();
  });

  test('the grain changes the columns: quarter 0…, week 0…, kept in the URL', async () => {
    const page = await open('/cohorts');
    await page.selectOption('select[name="grain"]', 'quarter');
    await page.waitForURL(/grain=quarter/);
    await page.locator('[data-testid="heatmap"] thead th', { hasText: 'quarter 0' }).waitFor();
    const quarters = await api<{ rows: PayingCohorts }>(`/api/views/paying-cohorts?${q('quarter')}`);
    assert.deepEqual(await tableText(page, 'heatmap'), payingRows(quarters.rows, false).body.map(rowText));
    assert.deepEqual(
      (await heads(page)).slice(2),
      Array.from({ length: (await heads(page)).length - 2 }, (_, i) => `quarter ${i}`),
    );
    assert.match(quarters.rows.cohorts[0]?.cohort ?? '', /^\d{4}-Q[1-4]$/);

    await page.selectOption('select[name="grain"]', 'week');
    await page.waitForURL(/grain=week/);
    await page.locator('[data-testid="heatmap"] thead th', { hasText: 'week 0' }).waitFor();
    const weeks = await api<{ rows: PayingCohorts }>(`/api/views/paying-cohorts?${q('week')}`);
    assert.deepEqual(await tableText(page, 'heatmap'), payingRows(weeks.rows, false).body.map(rowText));
    assert.ok(weeks.rows.cohorts.length > 40, `${weeks.rows.cohorts.length} weekly cohorts in a year`);
    // The table scrolls inside its box: the page itself does not widen.
    const [scroll, inner] = await pageWidths(page);
    assert.ok(scroll <= inner, `page ${scroll} px wide in a ${inner} px window`);
    await screenshot(page, 'cohorts-weeks');
    await page.close();
  });

  test('revenue retention, conversion from signup and activation equal the API', async () => {
    const revenue = await open('/cohorts?view=revenue');
    await revenue.locator('caption', { hasText: 'Revenue retention' }).waitFor();
    const paying = await api<{ rows: PayingCohorts }>(`/api/views/paying-cohorts?${q('month')}`);
    assert.deepEqual(await tableText(revenue, 'heatmap'), payingRows(paying.rows, true).body.map(rowText));
    // Money in dollars without cents; retention can pass 100%.
    for (const row of await tableText(revenue, 'heatmap')) assert.match(row[1] ?? '', /^\$\d{1,3}(,\d{3})*$/);
    assert.ok(
      paying.rows.cohorts.some((c) => c.cells.some((x) => (x.revenue_retention ?? 0) > 0)),
      'some revenue kept',
    );
    await screenshot(revenue, 'cohorts-revenue');
    await revenue.close();

    const conversion = await open('/cohorts?view=conversion');
    const signup = await api<{ rows: SignupCohorts }>(`/api/views/signup-cohorts?${q('month')}`);
    assert.deepEqual(await tableText(conversion, 'heatmap'), signupRows(signup.rows).body.map(rowText));
    // Conversion only grows with age.
    for (const c of signup.rows.cohorts)
      for (const [i, cell] of c.cells.entries())
        if (i > 0) assert.ok((cell.conversion ?? 0) >= (c.cells[i - 1]?.conversion ?? 0), c.cohort);
    await screenshot(conversion, 'cohorts-conversion');
    await conversion.close();

    const activation = await open('/cohorts?view=activation');
    const act = await api<{ rows: ActivationCohorts }>(`/api/views/activation-cohorts?${q('month')}`);
    const days = [...new Set(act.rows.cohorts.flatMap((c) => c.cells.map((x) => x.n)))].sort((a, b) => a - b);
    assert.deepEqual(
      await tableText(activation, 'heatmap'),
      act.rows.cohorts.map((c) => [
        periodLabel(c.cohort_start, 'month'),
        formatNumber(c.size),
        ...days.map((n) => {
          const x = c.cells.find((y) => y.n === n);
          return x ? formatPercent(x.rate) : '';
        }),
      ]),
    );
    await screenshot(activation, 'cohorts-activation');
    await activation.close();
  });

  test('the CSV download parses and holds every cell of the API’s cohorts', async () => {
    const page = await open('/cohorts?grain=quarter');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="csv"]')]);
    assert.match(download.suggestedFilename(), /^logo-retention-.*\.csv$/);
    const file = await download.path();
    const records = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
    const { rows } = await api<{ rows: PayingCohorts }>(`/api/views/paying-cohorts?${q('quarter')}`);
    const cells = rows.cohorts.flatMap((c) => c.cells.map((x) => ({ cohort: c.cohort, ...x })));
    assert.equal(records.length, cells.length);
    for (const [i, cell] of cells.entries()) {
      const r = records[i];
      assert.equal(r?.cohort, cell.cohort);
      assert.equal(Number(r?.age), cell.age);
      assert.equal(Number(r?.customers), cell.customers);
      assert.equal(Number(r?.retention), cell.retention);
    }
    await page.close();
  });
}
