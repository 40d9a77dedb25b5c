// The API under load and the dashboard's first paint: latency of GET /api/kpis/mrr/series at 50
// concurrent connections (autocannon) for 15 s, answered from the result cache and computed afresh (each
// request a different as_of, so no two share a cache entry); the time from opening the overview in
// Chromium to every card rendered, with an empty cache and with a warm one; and the stall test: how long a
// cheap request waits while one heavy request runs, and while a heavier one is refused; and ten uncached
// requests at once against one alone, with computations side by side and one at a time (issue 19, item 4).
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { chromium } from 'playwright-core';
import { CATALOG } from '../src/catalog/catalog.ts';
import { defaultParallel } from '../src/server/context.ts';
import { startServer } from '../src/server/serve.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/web/chromium.ts';
import { defaultRange } from '../web/src/range.ts';
import { companyWarehouse } from './company-warehouse.ts';
import { machineLine } from './machine.ts';
import { writeSection } from './results-file.ts';

const CONNECTIONS = 50;
/** Uncached requests sent at once, and the rounds of one alone then those at once. */
const AT_ONCE = 10;
const ROUNDS = 3;

interface Latency {
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

/** The q-th quantile (0..1) of sorted values, nearest rank. */
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

/** Every response's time, so the percentiles are exact (autocannon's histogram has no p95). */
async function load(opts: autocannon.Options): Promise<Latency> {
  const times: number[] = [];
  let bad = 0;
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ connections: CONNECTIONS, timeout: 600, ...opts }, (err, r) =>
      err ? reject(err) : resolve(r),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) times.push(ms);
      else bad += 1;
    });
  });
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    errors: bad + result.errors + result.timeouts,
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    p99: quantile(times, 0.99),
    perSecond: times.length / result.duration,
  };
}

/**
 * A GET without a time limit (Node's fetch gives up on an answer's headers after 300 s, which an uncached
 * request at 1M customers queued behind the overview's computations can exceed).
 */
function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Cheap requests every 100 ms while `heavy` runs: the heavy one's status and time, the cheap ones' worst. */
async function stall(base: string, heavy: string, cheap: readonly string[]) {
  const start = performance.now();
  let done = false;
  const heavyRun = get(`${base}${heavy}`).then((r) => {
    const body = r.text;
    done = true;
    // A failure's message, for the table (an answer other than 200 or 400 is a defect to look into).
    if (r.status >= 500) console.error(`${heavy} answered ${r.status}: ${body.slice(0, 500)}`);
    return { status: r.status, ms: performance.now() - start };
  });
  const waits: number[] = [];
  let failures = 0;
  do {
    for (const path of cheap) {
      const t = performance.now();
      const r = await get(`${base}${path}`);
      if (r.status !== 200) failures += 1;
      waits.push(performance.now() - t);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (!done);
  const h = await heavyRun;
  return { heavy: h, cheap: waits.length, failures, worst: Math.max(...waits) };
}

/** The wall time of one GET, which must answer 200. */
async function timed(url: string): Promise<number> {
  const start = performance.now();
  const r = await get(url);
  if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
  return performance.now() - start;
}

interface Together {
  /**
   * Per round: one request alone, then AT_ONCE at once (ms), each with a path of its own (uncached), and the
   * cores this process kept busy meanwhile (its CPU time over the wall time: the server runs in it).
   */
  readonly rounds: { one: number; all: number; cores: number }[];
}

/**
 * Uncached requests (`path(i)`, a new cache key for each i) to every server in turn, round by round so that
 * the machine's other work weighs on each alike: one alone, then AT_ONCE at once, timed to the last answer.
 */
async function together(
  servers: { side: string; queued: string },
  path: (i: number) => string,
): Promise<{ side: Together; queued: Together }> {
  const out = { side: { rounds: [] }, queued: { rounds: [] } } as { side: Together; queued: Together };
  for (const url of Object.values(servers)) await timed(`${url}${path(0)}`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['side', 'queued'] as const) {
      const url = servers[name];
      const first = 1 + round * (AT_ONCE + 1);
      const one = await timed(`${url}${path(first)}`);
      const start = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => timed(`${url}${path(first + 1 + i)}`)));
      const all = performance.now() - start;
      const used = process.cpuUsage(cpu);
      out[name].rounds.push({ one, all, cores: (used.user + used.system) / 1000 / all });
    }
  }
  return out;
}

const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const medianRatio = (t: Together) => median(t.rounds.map((r) => r.all)) / median(t.rounds.map((r) => r.one));
const togetherRow = (name: string, t: Together) =>
  `| ${name} | ${median(t.rounds.map((r) => r.one)).toFixed(0)} | ${median(t.rounds.map((r) => r.all)).toFixed(0)} | ${t.rounds.map((r) => r.cores.toFixed(2)).join(', ')} | ${t.rounds.map((r) => (r.all / r.one).toFixed(1)).join(', ')} | ${medianRatio(t).toFixed(1)} |`;

const row = (name: string, l: Latency) =>
  `| ${name} | ${l.requests} | ${l.errors} | ${l.p50.toFixed(1)} | ${l.p95.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.perSecond.toFixed(1)} |`;

/** `db`: a loaded warehouse to measure, kept (see company-warehouse.ts); without it one is generated. */
export async function apiBench(opts: {
  customers: number;
  workDir: string;
  db?: string;
  /** Leave out the stall test (every KPI by day over two years: hours at 1M customers). */
  light?: boolean;
}): Promise<void> {
  const company = await companyWarehouse({ ...opts, name: 'api' });
  const { engine, customers, events } = company;
  const catalog = { definitions: CATALOG, applied: [], custom: [] };
  const parallel = defaultParallel();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let serial: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer({ engine, catalog, host: '127.0.0.1', port: 0, parallel });
    // The same warehouse served with computations one at a time, as before issue 19: the comparison.
    serial = await startServer({ engine, catalog, host: '127.0.0.1', port: 0, parallel: 1 });
    const health = JSON.parse((await get(`${server.url}/api/health/data`)).text) as { as_of: string };
    const range = defaultRange(health.as_of);
    const path = `/api/kpis/mrr/series?${new URLSearchParams({ ...range })}`;

    // First, while the result cache is empty: the overview as after a load, then again from the cache.
    let render = `not measured: no Chromium at ${CHROMIUM}`;
    if (existsSync(CHROMIUM)) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const times: number[] = [];
      try {
        for (let i = 0; i < 2; i++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          const start = performance.now();
          await page.goto(`${server.url}/`);
          // The overview is rendered once its headline and its catalog of cards are both on screen.
          await page.waitForSelector('[data-testid="headline"]', { timeout: 600_000 });
          await page.waitForSelector('[data-testid="overview"]', { timeout: 600_000 });
          times.push(performance.now() - start);
          await page.close();
        }
      } finally {
        await browser.close();
      }
      render = `${((times[0] ?? 0) / 1000).toFixed(2)} s with an empty cache, ${((times[1] ?? 0) / 1000).toFixed(2)} s with a warm one`;
    }

    const start = performance.now();
    await get(`${server.url}${path}`);
    const first = performance.now() - start;
    const cached = await load({ url: `${server.url}${path}`, duration: 15 });
    // A different as_of per request (seconds after the data's end): a new cache key, so SQL runs each time.
    let n = 0;
    const base = Date.parse(health.as_of);
    const uncached = await load({
      url: server.url,
      duration: 15,
      requests: [
        {
          setupRequest: (req) => {
            n += 1;
            const asOf = new Date(base + n * 1000).toISOString().replace('.000Z', 'Z');
            return { ...req, path: `${path}&as_of=${encodeURIComponent(asOf)}` };
          },
        },
      ],
    });

    // Ten uncached requests at once against one alone: days after the data's end (a million seconds on,
    // clear of the as_of values above), each a new cache key on both servers.
    const farOff = (i: number) => new Date(base + (1_000_000 + i) * 1000).toISOString().replace('.000Z', 'Z');
    const { side, queued } = await together(
      { side: server.url, queued: serial.url },
      (i) => `${path}&as_of=${encodeURIComponent(farOff(i))}`,
    );

    // The stall test (issue 14, item 7): every KPI by day over the whole data (heavy, within the budget),
    // then over 13 years (refused by the budget); meanwhile the catalog, targets and a cached series.
    const cheap = ['/api/catalog', '/api/targets', path];
    const dataFrom = new Date(Date.parse(range.to) - 729 * 86_400_000).toISOString().slice(0, 10);
    const stalls = opts.light
      ? undefined
      : {
          heavy: await stall(
            server.url,
            `/api/kpis?ids=all&grain=day&from=${dataFrom}&to=${range.to}`,
            cheap,
          ),
          refused: await stall(
            server.url,
            `/api/kpis?ids=all&grain=day&from=2012-01-01&to=${range.to}`,
            cheap,
          ),
        };
    const stallRow = (name: string, r: Awaited<ReturnType<typeof stall>>) =>
      `| ${name} | ${r.heavy.status} in ${(r.heavy.ms / 1000).toFixed(1)} s | ${r.cheap} | ${r.failures} | ${r.worst.toFixed(0)} |`;

    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${customers.toLocaleString('en-US')} customers, ${events.toLocaleString('en-US')} events, 24 months (DuckDB).`,
      `Request: \`GET /api/kpis/mrr/series\` monthly over ${range.from} … ${range.to} (the dashboard's default range),`,
      `${CONNECTIONS} concurrent connections (autocannon); latencies in ms over every 200 response. The first request`,
      `(empty cache) took ${first.toFixed(0)} ms.`,
      '',
      '| answered from | requests | errors | p50 ms | p95 ms | p99 ms | requests/s |',
      '|---|---|---|---|---|---|---|',
      row('the cache (15 s)', cached),
      row('SQL, a new as_of each (15 s)', uncached),
      '',
      `${AT_ONCE} uncached requests at once (a new as_of each) against one alone, ${ROUNDS} rounds on each server in turn:`,
      `computations side by side (${parallel} at once, \`--parallel\`'s default here: one per core, within Node's thread`,
      'pool) and one at a time (`--parallel 1`, as before issue 19). The ratio is the time to the last answer of the',
      `${AT_ONCE} over the time of the one, per round, and of their medians; the cores used are this process's CPU time`,
      `over the wall time while the ${AT_ONCE} ran (the machine's other work takes the rest).`,
      '',
      `| computations | one alone ms (median) | ${AT_ONCE} at once ms (median) | cores used per round | ratio per round | ratio of medians |`,
      '|---|---|---|---|---|---|',
      togetherRow(`${parallel} at once`, side),
      togetherRow('one at a time', queued),
      '',
      `Target (issue 19, item 4): ${AT_ONCE} uncached requests at once take well under ${AT_ONCE}× one. Here`,
      `${medianRatio(side).toFixed(1)}× with ${parallel} at once, against ${medianRatio(queued).toFixed(1)}× one at a time, on ${cpus().length} cores shared with other`,
      `work (load average ${loadavg()[0]?.toFixed(1)} at the end).`,
      '',
      `Stall test: cheap requests (${cheap.map((c) => `\`${c.split('?')[0]}\``).join(', ')}) one after another, every 100 ms,`,
      'while one heavy request runs; the cheap ones must be answered within 1 s.',
      '',
      '| heavy request | its answer | cheap requests | cheap failures | cheap worst ms |',
      '|---|---|---|---|---|',
      ...(stalls
        ? [
            stallRow(`every KPI by day, ${dataFrom} … ${range.to}`, stalls.heavy),
            stallRow(`every KPI by day, 2012-01-01 … ${range.to} (over the budget)`, stalls.refused),
          ]
        : ['| not run (`--light`) | | | | |']),
      '',
      `Overview, from opening \`/\` in headless Chromium to every card rendered: ${render}.`,
      '',
      'Targets (issue 4, at 1M customers): cached p95 ≤ 50 ms; overview rendered ≤ 1.5 s. Computations run side',
      `by side, ${parallel} at once here, each on a connection of its own (src/server/context.ts); beyond that uncached`,
      `requests queue, so at ${CONNECTIONS} connections their latency is mostly the queue; light reads and cached answers do`,
      'not wait for them.',
      'The overview with an empty cache waits for the whole catalog (`/api/kpis?ids=all`), one compute run over',
      '12 months.',
      '`tenure serve` and `npm start` compute that request once listening (src/server/warm-up.ts), so a first',
      'visit after the warm-up takes the warm time; the empty-cache time is how long the warm-up itself takes.',
    ];
    console.log(lines.join('\n'));
    writeSection(
      `The API and the dashboard, ${customers.toLocaleString('en-US')} customers`,
      lines.join('\n'),
    );
  } finally {
    await server?.app.close();
    await serial?.app.close();
    await company.close();
  }
}
