// The dashboard's overview as a visitor meets it on a running server (issue 17): `tenure serve` warms up
// once listening (the overview's requests computed into the result cache, src/server/warm-up.ts); then
// the time from opening `/` in Chromium to the headline and every card on screen, five visits, each in a
// fresh page. The warm-up's own length is what a visit right after a load would wait at most.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CATALOG } from '../src/catalog/catalog.ts';
import { startServer } from '../src/server/serve.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/web/chromium.ts';
import { companyWarehouse } from './company-warehouse.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const VISITS = 5;

export async function overviewBench(opts: {
  customers: number;
  workDir: string;
  db?: string;
}): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`the overview bench needs Chromium at ${CHROMIUM}`);
  const company = await companyWarehouse({ ...opts, name: 'overview' });
  const catalog = { definitions: CATALOG, applied: [], custom: [] };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const started = performance.now();
    server = await startServer({ engine: company.engine, catalog, host: '127.0.0.1', port: 0, warm: true });
    await server.warmed;
    const warmUp = (performance.now() - started) / 1000;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const times: number[] = [];
    try {
      for (let i = 0; i < VISITS; i++) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        const start = performance.now();
        await page.goto(`${server.url}/`);
        await page.waitForSelector('[data-testid="headline"]', { timeout: 600_000 });
        await page.waitForSelector('[data-testid="overview"]', { timeout: 600_000 });
        times.push((performance.now() - start) / 1000);
        await page.close();
      }
    } finally {
      await browser.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${company.customers.toLocaleString('en-US')} customers, ${company.events.toLocaleString('en-US')} events, 24 months (DuckDB).`,
      '',
      '| step | seconds |',
      '|---|---|',
      `| warm-up after the server starts (the overview's requests computed into the cache) | ${warmUp.toFixed(1)} |`,
      `| overview rendered, a visit after the warm-up (median of ${VISITS}; each: ${times.map((t) => t.toFixed(2)).join(', ')}) | ${median.toFixed(2)} |`,
      '',
      `From opening \`/\` in headless Chromium (1440 × 900) to the headline and the catalog's cards on screen. Peak memory: ${peakRssMiB()} MiB.`,
      '',
      `Target (issue 17): the overview rendered within 1.5 s at 1M customers with a warm server: ${median <= 1.5 ? 'met' : 'not met'} here (${median.toFixed(2)} s).`,
    ];
    console.log(lines.join('\n'));
    writeSection(
      `The dashboard's overview, ${company.customers.toLocaleString('en-US')} customers`,
      lines.join('\n'),
    );
  } finally {
    await server?.app.close();
    await company.close();
  }
}
