// The overview's headline, the drill-down, the time and segment controls and the MRR waterfall in real
// headless Chromium, on a generated company served by the API server (one server for the file): every
// number is the API's for the same query, formatted with the dashboard's own functions and compared as
// text; a card's customers are as many as its numerator; CSV downloads parse to the JSON's rows; presets
// and filters live in the URL; the waterfall's axis is zoomed and its bars end where the bridge says.
// Screenshots at 1440 and 390 px go to test-results/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { SEGMENT_COLORS, TARGET_COLORS } from '../../web/src/components/series-colors.ts';
import { formatChange, formatNumber, formatValue, NO_VALUE } from '../../web/src/format.ts';
import { type BridgeRow, headlinePaths, headlineValues } from '../../web/src/pages/headline.ts';

import { BRIDGE_STEPS, waterfall } from '../../web/src/pages/waterfall.ts';
import { presetRange } from '../../web/src/presets.ts';
import { defaultRange, type Range } from '../../web/src/range.ts';
import { apiJson, chromiumAvailable, launch, openPage, SHOTS, serveCompany, tableText } from './browser.ts';

interface ResultRow {
  kpi: string;
  period_start: string;
  segment: string;
  value: number | null;
  numerator: number | null;
  flags: string[];
}

/** axe-core, run as every-page.test.ts runs it (its source evaluated: the page's CSP refuses inline scripts). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_RUN = `axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
}).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`;

/** Saves test-results/dashboard-NAME-WIDTH.png at 1440 and 390 px wide. */
async function shots(page: Page, name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    // No part of the page may be wider than the screen.
    const wide = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
        .document;
      return d.documentElement.scrollWidth;
    });
    assert.ok(wide <= width, `${name} at ${width} px is ${wide} px wide`);
    await page.screenshot({ path: join(SHOTS, `dashboard-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

if (chromiumAvailable('the overview, drill-down and controls in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-board-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;
  let range: Range;
  let asOf: string;

  const api = <T>(path: string) => apiJson<T>(server.url, path);
  const open = (path: string, ready: string) => openPage(browser, server.url, path, ready);
  const q = (params: Record<string, string | undefined>) =>
    new URLSearchParams(
      Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();

  /** The headline as the API gives it for the range (and a filter), computed as the page does. */
  async function expectedHeadline(filter?: string) {
    const paths = headlinePaths(range, filter);
    const kpis = await api<{ results: ResultRow[] }>(paths.kpis);
    const bridge = await api<{ rows: BridgeRow[] }>(paths.bridge);
    return headlineValues(kpis.results, bridge.rows, range);
  }

  async function checkHeadline(page: Page, filter?: string) {
    const values = await expectedHeadline(filter);
    assert.ok(values.length >= 10, `${values.length} headline numbers`);
    for (const v of values) {
      const card = page.locator(`[data-headline="${v.spec.id}"]`);
      const text = async (id: string) => (await card.getByTestId(id).textContent()) ?? '';
      assert.equal(await text('value'), formatValue(v.current, v.spec.unit), `${v.spec.id} value`);
      assert.equal(
        await text('vs-previous'),
        formatChange(v.current, v.previous, v.spec.unit) ?? NO_VALUE,
        `${v.spec.id} vs previous`,
      );
      assert.equal(
        await text('vs-last-year'),
        formatChange(v.current, v.lastYear, v.spec.unit) ?? NO_VALUE,
        `${v.spec.id} vs a year ago`,
      );
    }
    return values;
  }

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 1000, months: 26, seed: 6 }));
    browser = await launch();
    asOf = (await api<{ as_of: string }>('/api/health/data')).as_of;
    range = defaultRange(asOf);
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the headline: each number, its previous period and a year ago, as the API gives them', async () => {
    const page = await open('/', '[data-testid="headline"]');
    const values = await checkHeadline(page);
    // Money with its symbol and cents, rates as percentages moving in points, a year ago known (26 months).
    assert.match(
      (await page.locator('[data-headline="mrr"] [data-testid="value"]').textContent()) ?? '',
      /^\$[\d,]+\.\d\d$/,
    );
    assert.match(
      (await page.locator('[data-headline="nrr"] [data-testid="vs-previous"]').textContent()) ?? '',
      / pt$/,
    );
    assert.ok(
      values.every((v) => v.lastYear !== null || v.spec.id.endsWith('12m')),
      'a year ago is in the data',
    );
    // The catalog is below, one collapsible group per activity, Retention Strategy folded into Strategies.
    const groups = await page
      .locator('details.activity')
      .evaluateAll((ds) =>
        ds.map((d) => (d as unknown as { dataset: { activity: string } }).dataset.activity),
      );
    assert.equal(new Set(groups).size, groups.length);
    assert.ok(!groups.includes('retention_strategy'));
    await page.locator('details[data-activity="retention_strategies"] > summary').click();
    await page
      .locator('details[data-activity="retention_strategies"] [data-kpi="referral_churn_rate"]')
      .waitFor();
    await shots(page, 'overview');
    await page.close();
  });

  test('from the logo churn card to its customers: as many as the churn rate counts, in the page and the API', async () => {
    const page = await open('/', '[data-testid="headline"]');
    const [churn] = (await expectedHeadline()).filter((v) => v.spec.id === 'logo_churn');
    assert.ok(churn?.period);
    const series = await api<{ results: ResultRow[] }>(
      `/api/kpis/customer_churn_rate/series?${q({ ...range })}`,
    );
    const numerator = series.results.find((r) => r.period_start === churn.period)?.numerator;
    assert.ok(numerator !== null && numerator !== undefined && numerator > 0, 'some customers churned');
    await page.locator('[data-headline="logo_churn"] [data-testid="drill"]').click();
    await page.waitForURL(/\/drill\?/);
    await page.locator('[data-testid="drill-rows"]').waitFor();
    assert.equal(await page.textContent('[data-testid="drill-total"]'), formatNumber(numerator));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('result'), 'customer_churn_rate');
    assert.equal(url.searchParams.get('period'), churn.period.slice(0, 10));
    const rows = await api<{ total: number; rows: { customer_id: string; churn_risk: number | null }[] }>(
      `/api/explain/rows?${q({ result: 'customer_churn_rate', period: churn.period.slice(0, 10), grain: 'month', limit: '50' })}`,
    );
    assert.equal(rows.total, numerator);
    const shown = await tableText(page, 'drill-rows');
    assert.deepEqual(
      shown.map((r) => r[0]),
      rows.rows.map((r) => r.customer_id),
    );
    assert.ok(shown.every((r) => r[4] === 'churn'));
    // The drill-down is not in the navigation, so every-page.test.ts does not reach it: axe here.
    await page.evaluate(AXE);
    assert.deepEqual(await page.evaluate(AXE_RUN), []);
    await shots(page, 'drill');

    // The CSV download is every row of the list, as the JSON gives them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="csv"]')]);
    const csv = parse(readFileSync((await download.path()) as string, 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    const all = await api<{ rows: Record<string, unknown>[] }>(
      `/api/explain/rows?${q({ result: 'customer_churn_rate', period: churn.period.slice(0, 10), grain: 'month', limit: '10000' })}`,
    );
    assert.equal(csv.length, numerator);
    assert.deepEqual(
      csv.map((r) => [r.customer_id, r.mrr_start, r.plan]),
      all.rows.map((r) => [r.customer_id, String(r.mrr_start), r.plan]),
    );
    await page.close();
  });

  test('presets set from and to in the URL; a filter equals the API’s filtered answer', async () => {
    const page = await open('/', '[data-testid="headline"]');
    for (const preset of ['last_6_months', 'year_to_date', 'last_year'] as const) {
      await page.click(`button[data-preset="${preset}"]`);
      const expected = presetRange(preset, asOf);
      await page.waitForURL(
        (u) => u.searchParams.get('from') === expected.from && u.searchParams.get('to') === expected.to,
      );
      assert.equal(await page.inputValue('input[name="from"]'), expected.from);
      assert.equal(await page.inputValue('input[name="to"]'), expected.to);
      assert.equal(await page.getAttribute(`button[data-preset="${preset}"]`, 'aria-pressed'), 'true');
    }
    await page.click('button[data-preset="last_12_months"]');
    await page.waitForURL((u) => u.searchParams.get('from') === range.from);
    await page.locator('select[name="filter-plan"] option:nth-child(2)').waitFor({ state: 'attached' });
    const plan = await page.locator('select[name="filter-plan"] option:nth-child(2)').textContent();
    assert.ok(plan);
    await page.selectOption('select[name="filter-plan"]', plan);
    await page.waitForURL((u) => u.searchParams.get('filter') === `plan:${plan}`);
    await page.locator('[data-testid="active-filters"]').waitFor();
    await page.locator('[data-testid="headline"]').waitFor();
    const filtered = await checkHeadline(page, `plan:${plan}`);
    const whole = await expectedHeadline();
    const mrr = (vs: typeof whole) => vs.find((v) => v.spec.id === 'mrr')?.current ?? 0;
    assert.ok(mrr(filtered) < mrr(whole), 'one plan has less MRR than everyone');
    // No status badge judges a slice against the whole company's target.
    assert.equal(await page.locator('[data-testid="headline"] [data-status]').count(), 0);
    await page.locator('[data-testid="overview"]').waitFor({ state: 'attached' });
    await shots(page, 'overview-filtered');
    await page.close();
  });

  test('revenue: the waterfall’s axis is zoomed and its bars end where the bridge says', async () => {
    const page = await open('/revenue', '[data-testid="waterfall"] canvas');
    const { rows } = await api<{ rows: BridgeRow[] }>(`/api/views/mrr-bridge?${q({ ...range })}`);
    const last = rows.at(-1) as BridgeRow;
    const min = Number(await page.getAttribute('[data-testid="waterfall"]', 'data-axis-min'));
    const max = Number(await page.getAttribute('[data-testid="waterfall"]', 'data-axis-max'));
    assert.ok(min > 0, `the axis starts at ${min}, not 0`);
    assert.ok(min < Math.min(last.start_mrr, last.end_mrr) && max > Math.max(last.start_mrr, last.end_mrr));
    assert.deepEqual({ min, max }, waterfall(last).axis);
    // The bars as the chart's own data table lists them, against the bridge worked step by step.
    let level = 0;
    const ends = BRIDGE_STEPS.map(([key, label, sign]) => {
      const from = sign === 0 ? 0 : level;
      level = sign === 0 ? last[key] : level + sign * last[key];
      return [label, `${formatValue(from, 'currency')} → ${formatValue(level, 'currency')}`];
    });
    assert.equal(level, last.end_mrr);
    const shown = await page
      .locator('[data-testid="waterfall"] [data-testid="chart-data"] tbody tr')
      .evaluateAll((trs) =>
        (trs as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((tr) =>
          Array.from(tr.children, (c) => c.textContent ?? ''),
        ),
      );
    assert.deepEqual(shown, ends);
    // The sentence above the chart signs the net move, written out from the bridge's start and end.
    const net = last.end_mrr - last.start_mrr;
    const signed = `${net < 0 ? '-' : '+'}${formatValue(Math.abs(net), 'currency')}`;
    assert.ok(
      (await page.textContent('[data-testid="bridge-sentence"]'))?.includes(
        `${formatValue(last.start_mrr, 'currency')} to ${formatValue(last.end_mrr, 'currency')} (${signed})`,
      ),
    );
    await shots(page, 'revenue');

    // The bridge table downloads as CSV with the API's rows; a bar's amount opens its customers.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="bridge-csv"]'),
    ]);
    const csv = parse(readFileSync((await download.path()) as string, 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(
      csv.map((r) => [r.period_start, Number(r.churn_mrr), Number(r.end_mrr)]),
      rows.map((r) => [r.period_start, r.churn_mrr, r.end_mrr]),
    );
    await page.locator('[data-testid="bridge"] tbody tr:last-child td:nth-child(7) a').click();
    await page.waitForURL(/result=mrr_bridge.churn_mrr/);
    await page.locator('[data-testid="drill-total"]').waitFor();
    const drill = await api<{ numerator: number; total: number }>(
      `/api/explain/rows?${q({ result: 'mrr_bridge.churn_mrr', period: last.period_start.slice(0, 10), grain: 'month' })}`,
    );
    assert.equal(drill.numerator, last.churn_mrr);
    assert.equal(await page.textContent('[data-testid="drill-total"]'), formatNumber(drill.total));
    await page.close();
  });

  test('KPI detail: a breakdown keeps the total line; compare draws the previous range; colours apart', async () => {
    const page = await open(`/kpi/mrr?${q({ by: 'plan', compare: 'previous' })}`, '[data-testid="series"]');
    const whole = await api<{ results: ResultRow[] }>(`/api/kpis/mrr/series?${q({ ...range })}`);
    const table = page.locator('[data-testid="chart-data"] table').first();
    await table.locator('th', { hasText: 'total' }).waitFor({ state: 'attached' });
    await table.locator('th', { hasText: 'previous 12 months' }).waitFor({ state: 'attached' });
    const heads = await table.locator('thead th').allTextContents();
    const column = heads.indexOf('total');
    const cells = await table.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents();
    assert.deepEqual(
      cells,
      whole.results.filter((r) => r.kpi === 'mrr').map((r) => formatValue(r.value, 'currency')),
    );
    assert.equal(new URL(page.url()).searchParams.get('compare'), 'previous');
    assert.equal(await page.isChecked('input[name="compare"]'), true);
    await shots(page, 'kpi-breakdown');
    await page.close();
    // No segment is ever drawn in a target's colour.
    for (const c of Object.values(TARGET_COLORS))
      assert.ok(!(SEGMENT_COLORS as readonly string[]).includes(c));
  });

  test('a cohort cell opens its customers: as many as the cell counts', async () => {
    const page = await open('/cohorts', '[data-testid="heatmap"]');
    type Cohort = { cohort_start: string; cells: { age: number; customers: number }[] };
    const { rows } = await api<{ rows: { cohorts: Cohort[] } }>(
      `/api/views/paying-cohorts?${q({ from: range.from, to: range.to, grain: 'month' })}`,
    );
    const first = rows.cohorts[0] as Cohort;
    const cell = first.cells.find((c) => c.age === 1);
    assert.ok(cell, 'the first cohort reached age 1');
    await page.locator('[data-testid="heatmap"] tbody tr:first-child td:nth-child(4) a').click();
    await page.waitForURL(/result=paying_cohorts.retention/);
    await page.locator('[data-testid="drill-total"]').waitFor();
    assert.equal(await page.textContent('[data-testid="drill-total"]'), formatNumber(cell.customers));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('age'), '1');
    assert.equal(url.searchParams.get('period'), first.cohort_start.slice(0, 10));
    const drill = await api<{ total: number; denominator: number }>(`/api/explain/rows?${url.searchParams}`);
    assert.equal(drill.total, cell.customers);
    await page.close();
  });
}
