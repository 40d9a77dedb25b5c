// The Experiments page in real headless Chromium, on a generated company whose experiment carries the full
// example plan (registered through the API as an amendment): the list is the registry's; the detail page's
// headline, effect, interval and sample-ratio check, its effects, guardrails and segments tables and the
// revenue per year equal GET /api/experiments/ID/results formatted with the page's own functions; `?as_of=`
// reads the results at another time; an unknown id shows the API's message; at 1440 and 390 px wide the
// page is screenshotted into test-results/, nothing widens the page at 390 px, and the console has no error.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import type { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import {
  type ExperimentRow,
  guardrailCells,
  headline,
  headlineEffectText,
  headlineIntervalText,
  listCells,
  maturityText,
  outcomeCells,
  primaryOf,
  type Results,
  revenueText,
  segmentCells,
  srmText,
} from '../../web/src/pages/experiment-data.ts';
import { apiJson, chromiumAvailable, launch, screenshot, serveCompany, tableText } from './browser.ts';

const ID = 'onboarding_checklist';
const PLAN = join(import.meta.dirname, '..', '..', 'examples', 'experiments', 'onboarding-checklist.yaml');

if (chromiumAvailable('the Experiments page in Chromium')) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-web-experiments-'));
  let engine: DuckDBEngine;
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;
  const api = <T>(path: string) => apiJson<T>(server.url, path);

  /** A page at `width` × 900 once `ready` shows; every console error and page error is kept. */
  async function open(path: string, ready: string, width = 1440): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector(ready, { timeout: 60_000 });
    return { page, errors };
  }

  const text = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .textContent()
      .then((t) => t ?? '');

  before(async () => {
    ({ engine, server } = await serveCompany(dir, { customers: 1500, months: 12, seed: 12 }));
    const plan = parse(readFileSync(PLAN, 'utf8')) as Record<string, unknown>;
    const put = await fetch(`${server.url}/api/experiments/${ID}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        plan,
        reason: 'The full plan: outcomes, guardrail, segments, sequential analysis',
      }),
    });
    assert.equal(put.status, 200, await put.text());
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.app.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the list shows the registry's experiments, with the nav link to it", async () => {
    const { page, errors } = await open('/experiments', '[data-testid="experiments-list"]');
    const { experiments } = await api<{ experiments: ExperimentRow[] }>('/api/experiments');
    assert.ok(experiments.length >= 1);
    assert.deepEqual(await tableText(page, 'experiments-list'), experiments.map(listCells));
    const row = (await tableText(page, 'experiments-list'))[0];
    assert.deepEqual(
      [row?.[0], row?.[1], row?.[3], row?.[4]],
      ['Onboarding checklist', 'Growth team', 'no', '1'],
    );
    assert.equal(await page.locator('nav a[href^="/experiments"]').getAttribute('class'), 'active');
    await page.setViewportSize({ width: 390, height: 900 });
    await screenshot(page, 'experiments-390');
    // A click opens the experiment in place.
    await page.locator('[data-testid="experiments-list"] a').first().click();
    await page.waitForSelector('[data-testid="experiment-headline"]', { timeout: 60_000 });
    assert.equal(new URL(page.url()).pathname, `/experiments/${ID}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the detail page's headline, effect, interval, SRM and tables equal the API's answer", async () => {
    const { page, errors } = await open(`/experiments/${ID}`, '[data-testid="experiment-headline"]');
    const r = await api<Results>(`/api/experiments/${ID}/results`);
    const money = { currency: 'USD' };
    assert.equal(await text(page, '[data-testid="experiment-headline"]'), headline(r, money));
    // The sentence leads with the primary effect and its interval.
    assert.match(
      headline(r, money),
      /^Treatment (lowered|raised) churn within 90 days by [\d.]+% \(95% always-valid CI -?[\d.]+% to -?[\d.]+%(, which includes no change)?\), from [\d.]+% to [\d.]+%; sample ratio OK/,
    );
    const cards = await page
      .locator('[data-testid="experiment-summary"] .card')
      .evaluateAll((els) =>
        (els as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((c) =>
          Array.from(c.children, (x) => x.textContent ?? ''),
        ),
      );
    assert.deepEqual(cards[0], ['effect on churn within 90 days', headlineEffectText(r, money)]);
    assert.deepEqual(cards[1], ['95% always-valid CI', headlineIntervalText(r, money)]);
    assert.deepEqual(cards[2], ['sample ratio', r.srm?.mismatch ? 'MISMATCH' : 'OK']);
    assert.equal(await text(page, '[data-testid="experiment-srm"]'), `${srmText(r)}.`);
    // The effects table: every outcome's cells (the drawn interval's cell holds no text).
    const arms = r.arms.length;
    const outcomes = (await tableText(page, 'experiment-outcomes')).map((row) => [
      ...row.slice(0, 4 + arms),
      ...row.slice(5 + arms),
    ]);
    assert.deepEqual(
      outcomes,
      r.outcomes.map((o) => outcomeCells(o, money)),
    );
    assert.equal(
      await page.locator('[data-testid="experiment-outcomes"] svg.ci-bar').count(),
      r.outcomes.length,
    );
    assert.deepEqual(
      await tableText(page, 'experiment-guardrails'),
      r.outcomes.filter((o) => o.guardrail).map((o) => guardrailCells(o, money)),
    );
    // Segments, labelled exploratory.
    const primary = primaryOf(r);
    assert.ok(primary);
    assert.match(await text(page, '[data-testid="experiment-segments"] .exploratory'), /^Exploratory:/);
    for (const b of r.segments.breakdowns)
      assert.deepEqual(
        await tableText(page, `experiment-segments-${b.by}`),
        b.segments.map((s): string[] => segmentCells(s, primary, r.segments.difference ?? 'relative', money)),
      );
    assert.equal(
      await text(page, '[data-testid="experiment-revenue"] .revenue'),
      `${revenueText(r, money)}.`,
    );
    assert.match(
      revenueText(r, money),
      /^Treatment is worth -?\$[\d,]+ a year \(95% always-valid CI -?\$[\d,]+ to -?\$[\d,]+\) at today's [\d,]+ paying customers \(ARPA \$[\d,]+\.\d\d\)$/,
    );
    // Charts: retention (active, paying) and survival, each with its data as a table.
    assert.equal(await page.locator('[data-testid="experiment-retention"] canvas').count(), 2);
    assert.equal(await page.locator('[data-testid="experiment-survival"] canvas').count(), 1);
    assert.match(
      await text(page, '[data-testid="experiment-rmst"]'),
      /^RMST difference to day \d+, treatment − control: /,
    );
    // The plan and its amendment with the reason.
    assert.match(await text(page, '[data-testid="experiment-plan"]'), /Hypothesis/);
    assert.match(await text(page, '[data-testid="experiment-amendments"]'), /Version 2.*The full plan/s);
    await screenshot(page, 'experiment-1440');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('at 390 px nothing widens the page; screenshots of both widths', async () => {
    const { page, errors } = await open(`/experiments/${ID}`, '[data-testid="experiment-headline"]', 390);
    await page.locator('[data-testid="experiment-retention"] canvas').first().waitFor();
    // (Type-checked without the DOM's types: the page's globals are described by what is read.)
    const widths = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { scrollingElement: { scrollWidth: number } | null };
        innerWidth: number;
      };
      return { scroll: g.document.scrollingElement?.scrollWidth ?? 0, inner: g.innerWidth };
    });
    assert.ok(
      widths.scroll <= widths.inner,
      `the page is ${widths.scroll} px wide in a ${widths.inner} px window`,
    );
    await screenshot(page, 'experiment-390');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('?as_of= reads the results at that time; an unknown id shows the API message', async () => {
    const asOf = '2025-09-01';
    const { page, errors } = await open(
      `/experiments/${ID}?as_of=${asOf}`,
      '[data-testid="experiment-headline"]',
    );
    const r = await api<Results>(`/api/experiments/${ID}/results?as_of=${asOf}`);
    assert.equal(r.as_of, '2025-09-01T00:00:00.000Z');
    assert.equal(await text(page, '[data-testid="experiment-headline"]'), headline(r, { currency: 'USD' }));
    // Then, the latest customers' 90-day windows were open: the page says how many are left out.
    const primary = primaryOf(r);
    assert.ok(primary && primary.maturity.excluded > 0);
    assert.match(headline(r), /; [\d,]+ customers? still in their window\.$/);
    assert.equal(await text(page, '[data-testid="experiment-maturity"] li'), maturityText(primary));
    await page.close();
    assert.deepEqual(errors, []);
    const missing = await open('/experiments/no_such_experiment', '[data-testid="error-message"]');
    assert.match(
      await text(missing.page, '[data-testid="error-message"]'),
      /no experiment 'no_such_experiment'/,
    );
    await missing.page.close();
  });

  test('a decision shows with its learning on the page and in the list', async () => {
    const learning = 'Checklists help new accounts; try it for accounts that downgrade next.';
    const post = await fetch(`${server.url}/api/experiments/${ID}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'iterate', learning }),
    });
    assert.equal(post.status, 200, await post.text());
    const { page, errors } = await open(`/experiments/${ID}`, '[data-testid="experiment-decision"]');
    assert.match(await text(page, '[data-testid="experiment-decision"]'), /Decision: Iterate/);
    assert.ok((await text(page, '[data-testid="experiment-decision"]')).includes(learning));
    const cards = page.locator('[data-testid="experiment-summary"] .card .value');
    assert.equal(await cards.last().textContent(), 'Iterate');
    await page.goto(`${server.url}/experiments`);
    await page.waitForSelector('[data-testid="experiments-list"]');
    assert.equal((await tableText(page, 'experiments-list'))[0]?.[5], 'Iterate');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
