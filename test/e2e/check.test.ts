// `tenure check` on a generated company: targets set around the KPIs' actual values get the statuses the
// rules give, a KPI off its plan carries the segments that moved it, and the exit code says whether anything
// needs attention.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI, tenure } from '../support/cli.ts';

const AS_OF = '2025-07-01T00:00:00.000Z';
const execFileP = promisify(execFile);
let dir: string;
let db: string;
let churn: number;
let mrr: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-check-'));
  await generateCompany({
    customers: 1500,
    months: 18,
    seed: 4,
    end: '2025-07-01',
    out: join(dir, 'company'),
  });
  db = join(dir, 'tenure.duckdb');
  const engine = await DuckDBEngine.open(db);
  try {
    await ingest(engine, { dataDir: join(dir, 'company') });
    // June 2025 is the last complete month before as_of.
    const rows = await computeKpis(engine, {
      kpis: ['customer_churn_rate', 'mrr'],
      from: '2025-06-01',
      to: '2025-06-01',
      grain: 'month',
      asOf: AS_OF,
    });
    churn = rows.find((r) => r.kpi === 'customer_churn_rate')?.value ?? Number.NaN;
    mrr = rows.find((r) => r.kpi === 'mrr')?.value ?? Number.NaN;
  } finally {
    await engine.close();
  }
});

after(() => rm(dir, { recursive: true, force: true }));

async function check(targets: string[]) {
  const project = join(dir, 'tenure.yaml');
  await writeFile(project, `targets:\n${targets.join('\n')}\n`);
  const run = tenure('check', '--db', db, '--project', project, '--as-of', AS_OF, '--json');
  return { status: run.status, stderr: run.stderr, checks: run.stdout ? JSON.parse(run.stdout).targets : [] };
}

const item = (kpi: string, pragmatic: number, extra = '') =>
  `  - kpi: ${kpi}\n    pragmatic: ${pragmatic}\n    owner: Dana${extra}`;

test('statuses follow the rules around the actual values; off track carries what moved it; exit 1', async () => {
  assert.ok(churn > 0 && mrr > 0, `churn ${churn}, mrr ${mrr}`);
  const { status, stderr, checks } = await check([
    // Churn is lower-is-better: a target 20% above the value is met; 3% below it is missed by 3% (at risk);
    // half of it is missed by 100% (off track).
    item('customer_churn_rate', churn * 1.2),
    item('customer_churn_rate', churn * 0.97),
    item('customer_churn_rate', churn * 0.5),
    // MRR is higher-is-better: 90% of it is met, and an aspirational 95% is met too.
    item('mrr', mrr * 0.9, `\n    aspirational: ${mrr * 0.95}`),
  ]);
  assert.equal(status, 1, stderr);
  assert.deepEqual(
    checks.map((c: { status: string; ahead: boolean }) => [c.status, c.ahead]),
    [
      ['on_track', false],
      ['at_risk', false],
      ['off_track', false],
      ['on_track', true],
    ],
  );
  for (const c of checks) assert.ok(Math.abs(c.value - (c.target.kpi === 'mrr' ? mrr : churn)) < 1e-12);
  assert.equal(checks[0].period_start, '2025-06-01T00:00:00.000Z');
  assert.ok(checks[2].why.length > 0, 'an off-track KPI names the segments that moved it');
  assert.equal(checks[0].why.length, 0);
  // Meeting a churn target not met is priced: 3% less churn is worth less MRR than half the churn; the
  // met targets are worth nothing more.
  const worth = checks.map((c: { worth: { change: number; mrr_change: number } | null }) => c.worth);
  assert.equal(worth[0], null);
  assert.equal(worth[3], null);
  assert.ok(Math.abs(worth[1].change - (churn * 0.97 - churn)) < 1e-12);
  assert.ok(0 < worth[1].mrr_change && worth[1].mrr_change < worth[2].mrr_change, JSON.stringify(worth));
});

test('a segment’s target off track is explained inside its segment, over the other dimensions', async () => {
  const { status, stderr, checks } = await check([
    item('mrr', mrr * 10, '\n    segment: { by: plan, value: starter }'),
  ]);
  assert.equal(status, 1, stderr);
  assert.equal(checks[0].status, 'off_track');
  assert.equal(checks[0].segment, 'starter');
  const why = checks[0].why as { dimension: string }[];
  assert.ok(why.length > 0, 'the segments that moved it');
  assert.ok(
    why.every((w) => w.dimension !== 'plan'),
    'not split over the dimension it is a segment of',
  );
});

test('all on track: exit 0; a rolling window judges the pooled rate of the last 3 months', async () => {
  const { status, checks } = await check([item('customer_churn_rate', 1, '\n    rolling: 3')]);
  assert.equal(status, 0);
  assert.equal(checks[0].period_start, '2025-04-01T00:00:00.000Z');
  assert.equal(checks[0].period_end, '2025-07-01T00:00:00.000Z');
});

test('alerts go to a webhook once (deduplicated) and to a file; acknowledged alerts stay quiet', async () => {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const project = join(dir, 'alerts.yaml');
  // A KPI no other test judges: its alert is new to this warehouse. Retention can never reach 1.2: off track.
  // The receiver is on loopback, a private destination: the project file allows it.
  await writeFile(
    project,
    // Without guardrails: this test is about one alert's delivery (guardrails raise alerts of their own).
    `targets:\n${item('customer_retention_rate', 1.2, '\n    guardrails: []')}\nalerts:\n  webhook_allow: ["127.0.0.1"]\n`,
  );
  const file = join(dir, 'alerts.json');
  const run = (...args: string[]) =>
    execFileP(process.execPath, [...CLI, ...args, '--db', db]).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
  const check = () =>
    run(
      'check',
      '--project',
      project,
      '--as-of',
      AS_OF,
      '--webhook',
      url,
      '--webhook-format',
      'slack',
      '--alerts-file',
      file,
    );
  try {
    const first = await check();
    assert.equal((first as { code?: number }).code, 1);
    assert.equal(received.length, 1);
    assert.match(
      (JSON.parse(received[0] ?? '{}') as { text: string }).text,
      /Customer Retention Rate is off track/,
    );
    const written = JSON.parse(await readFile(file, 'utf8')) as { alerts: { key: string }[] };
    assert.equal(written.alerts.length, 1);
    await check();
    assert.equal(received.length, 1, 'the same alert is not sent twice');
    const key = written.alerts[0]?.key ?? '';
    const ack = await run('alerts', 'ack', key);
    assert.match((ack as { stdout: string }).stdout, /acknowledged/);
    const listed = await run('alerts', 'list', '--json');
    const states = JSON.parse((listed as { stdout: string }).stdout) as { key: string; state: string }[];
    assert.equal(states.find((a) => a.key === key)?.state, 'acknowledged');
  } finally {
    server.close();
  }
});

test('--webhook to cloud metadata, or to loopback not allowed in tenure.yaml: exit 2 before any work', async () => {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(req.url ?? '');
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const loopback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const project = join(dir, 'no-allow.yaml');
  await writeFile(project, `targets:\n${item('customer_churn_rate', 0)}\n`);
  const run = (webhook: string) =>
    tenure('check', '--db', db, '--project', project, '--as-of', AS_OF, '--webhook', webhook);
  try {
    // 0xa9fea9fe is 169.254.169.254: refused as an address, with no lookup and no connection.
    const metadata = run('http://0xa9fea9fe/latest/meta-data/');
    assert.equal(metadata.status, 2, metadata.stderr);
    assert.match(metadata.stderr, /field --webhook/);
    assert.match(metadata.stderr, /its host is 169\.254\.169\.254, a cloud metadata address/);
    const private_ = run(loopback);
    assert.equal(private_.status, 2, private_.stderr);
    assert.match(private_.stderr, /127\.0\.0\.1, a loopback address/);
    assert.match(private_.stderr, /webhook_allow: \["127\.0\.0\.1"\]/);
    assert.equal(private_.stdout, '', 'refused before any target was judged');
    assert.deepEqual(received, []);
  } finally {
    server.close();
  }
});

test('--anomalies: a month when 40% of paying customers cancel is an anomaly of churn against its history', async () => {
  const engine = await DuckDBEngine.open(db);
  try {
    await engine.run(
      `INSERT INTO subscription_changes (customer_id, effective_at, mrr, reason)
       SELECT s.customer_id, TIMESTAMPTZ '2025-06-15 00:00:00+00', 0, 'cancel'
       FROM (SELECT customer_id, arg_max(mrr, effective_at) AS mrr FROM subscription_changes
             WHERE effective_at < TIMESTAMPTZ '2025-06-01 00:00:00+00' GROUP BY 1) s
       WHERE s.mrr > 0 AND hash(s.customer_id) % 10 < 4
         AND NOT EXISTS (SELECT 1 FROM subscription_changes x WHERE x.customer_id = s.customer_id
           AND x.effective_at >= TIMESTAMPTZ '2025-06-01 00:00:00+00')`,
    );
  } finally {
    await engine.close();
  }
  const project = join(dir, 'none.yaml');
  await writeFile(project, 'targets: []\n');
  const run = tenure('check', '--db', db, '--project', project, '--as-of', AS_OF, '--anomalies', '--json');
  assert.equal(run.status, 1, run.stderr);
  const { alerts } = JSON.parse(run.stdout) as {
    alerts: { kind: string; kpi: string; period_start: string }[];
  };
  const churnAlert = alerts.find((a) => a.kind === 'anomaly' && a.kpi === 'customer_churn_rate');
  assert.ok(churnAlert, JSON.stringify(alerts.map((a) => a.kpi)));
  assert.equal(churnAlert.period_start, '2025-06-01T00:00:00.000Z');
});
