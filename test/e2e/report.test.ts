// `tenure report` on a generated company with targets of two owners: the statuses are the ones `tenure
// check` gives as of the period's end, the numbers are computeKpis's for the period and the one before, the
// sections are there in both files, open alerts come from the store (an acknowledged one leaves), an
// owner's name holding <script> prints as text, and a bad --period says which flag and which format.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import type { ReviewReport } from '../../src/report/review.ts';
import type { KpiResult } from '../../src/results/kpi-result.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';

const PLAN = join(import.meta.dirname, '..', '..', 'examples', 'experiments', 'onboarding-checklist.yaml');

const END_OF_JUNE = '2025-07-01T00:00:00.000Z';
const HOSTILE = 'Lee <script>alert(1)</script>';
let dir: string;
let db: string;
let project: string;
let rows: KpiResult[];

const value = (kpi: string, start: string, segment = 'all') =>
  rows.find((r) => r.kpi === kpi && r.period_start === start && r.segment === segment)?.value ?? Number.NaN;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenure-report-'));
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
    const request = { from: '2025-05-01', to: '2025-06-01', grain: 'month' as const, asOf: END_OF_JUNE };
    rows = [
      ...(await computeKpis(engine, {
        ...request,
        kpis: ['customer_churn_rate', 'mrr', 'customer_retention_rate'],
      })),
      ...(await computeKpis(engine, { ...request, kpis: ['customer_churn_rate'], by: 'plan' })),
    ];
  } finally {
    await engine.close();
  }
  const churn = value('customer_churn_rate', '2025-06-01T00:00:00.000Z');
  const mrr = value('mrr', '2025-06-01T00:00:00.000Z');
  const retention = value('customer_retention_rate', '2025-06-01T00:00:00.000Z');
  project = join(dir, 'tenure.yaml');
  // Dana: churn at half its value is off track (missed by 100%); 90% of MRR is on track.
  // Lee: retention 3% above its value is at risk (missed by ~3% < 5%); starter churn at twice it, on track.
  await writeFile(
    project,
    `targets:
  - kpi: customer_churn_rate
    pragmatic: ${churn * 0.5}
    owner: Dana
    action_plan: [Onboarding calls in the first month, Save desk for cancellations]
  - kpi: mrr
    pragmatic: ${mrr * 0.9}
    aspirational: ${mrr * 2}
    owner: Dana
  - kpi: customer_retention_rate
    pragmatic: ${retention * 1.03}
    owner: "${HOSTILE}"
    cadence: quarterly
  - kpi: customer_churn_rate
    segment: {by: plan, value: starter}
    pragmatic: ${value('customer_churn_rate', '2025-06-01T00:00:00.000Z', 'starter') * 2}
    owner: "${HOSTILE}"
`,
  );
});

after(() => rm(dir, { recursive: true, force: true }));

const tenure = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });

function report(): { report: ReviewReport; md: Promise<string>; html: Promise<string> } {
  const out = join(dir, 'out');
  const run = tenure(
    'report',
    '--db',
    db,
    '--period',
    '2025-06',
    '--out',
    out,
    '--project',
    project,
    '--json',
  );
  assert.equal(run.status, 0, run.stderr);
  return {
    report: JSON.parse(run.stdout) as ReviewReport,
    md: readFile(join(out, 'report-2025-06.md'), 'utf8'),
    html: readFile(join(out, 'report-2025-06.html'), 'utf8'),
  };
}

test('statuses are tenure check’s, numbers are computeKpis’s, every section is there', async () => {
  const check = tenure('check', '--db', db, '--project', project, '--as-of', END_OF_JUNE, '--json');
  assert.equal(check.status, 1, check.stderr);
  const checked = (
    JSON.parse(check.stdout) as { targets: { status: string; guardrails: { status: string }[] }[] }
  ).targets;
  assert.deepEqual(
    checked.map((c) => c.status),
    ['off_track', 'on_track', 'at_risk', 'on_track'],
  );

  const guardrailAlerts = checked
    .filter((c) => c.status === 'on_track')
    .flatMap((c) => c.guardrails)
    .filter((g) => g.status === 'broken').length;
  const { report: r, md, html } = report();
  assert.deepEqual(
    r.owners.map((o) => o.owner),
    // The generated company's experiment, whose pre-registration names no owner, comes last.
    ['Dana', HOSTILE, '(unassigned)'],
  );
  const kpis = r.owners.flatMap((o) => o.kpis);
  assert.deepEqual(
    kpis.map((k) => k.status),
    checked.map((c) => c.status),
  );
  const june = '2025-06-01T00:00:00.000Z';
  const may = '2025-05-01T00:00:00.000Z';
  const expected = [
    ['customer_churn_rate', 'all'],
    ['mrr', 'all'],
    ['customer_retention_rate', 'all'],
    ['customer_churn_rate', 'starter'],
  ] as const;
  expected.forEach(([kpi, segment], i) => {
    const k = kpis[i];
    assert.equal(k?.value, value(kpi, june, segment), `${kpi} ${segment} in June`);
    assert.equal(k?.previous, value(kpi, may, segment), `${kpi} ${segment} in May`);
    assert.equal(k?.change, value(kpi, june, segment) - value(kpi, may, segment));
    // A monthly target judged as of the end of June is judged on June itself.
    assert.equal(k?.judged.value, k?.value);
  });
  assert.deepEqual(r.summary, {
    targets: 4,
    owners: 3,
    on_track: 2,
    at_risk: 1,
    off_track: 1,
    no_data: 0,
    // The check above raised the alerts of the two targets off their plan, and one per broken guardrail of
    // a met target (the proposed ones: downgrades and redemptions must not rise while churn is met).
    open_alerts: 2 + guardrailAlerts,
    data_quality_findings: 0,
    experiments: 1,
  });
  // The KPIs off their plan are explained first, by the segments that moved them.
  assert.deepEqual(
    r.moves.slice(0, 2).map((m) => [m.kpi, m.reason]),
    [
      ['customer_churn_rate', 'off_track'],
      ['customer_retention_rate', 'at_risk'],
    ],
  );
  assert.ok((r.moves[0]?.segments.length ?? 0) > 0);
  // Meeting Dana's churn target (half its value) is priced; the met targets are not.
  const churnWorth = kpis[0]?.worth;
  assert.ok(churnWorth && churnWorth.mrr_change > 0, JSON.stringify(kpis[0]));
  assert.ok(
    Math.abs(
      churnWorth.change - (value('customer_churn_rate', june) * 0.5 - value('customer_churn_rate', june)),
    ) < 1e-12,
  );
  assert.deepEqual(
    kpis.filter((k) => k.status === 'on_track').map((k) => k.worth),
    [null, null],
  );

  const text = await md;
  for (const h of [
    '# Review 2025-06',
    '## Summary',
    '## Dana',
    '## What moved and why',
    '## Open alerts',
    '## Data quality',
  ])
    assert.ok(text.includes(`\n${h}\n`) || text.startsWith(`${h}\n`), h);
  assert.ok(text.includes('Onboarding calls in the first month; Save desk for cancellations'));
  const page = await html;
  assert.ok(page.startsWith('<!doctype html>'));
  assert.ok(!page.includes('<script'), 'the owner named <script> is text in the HTML');
  assert.ok(page.includes('<h2>Lee &lt;script&gt;alert(1)&lt;/script&gt;</h2>'));
  for (const h of ['Summary', 'Dana', 'What moved and why', 'Open alerts', 'Data quality'])
    assert.ok(page.includes(`<h2>${h}</h2>`), h);
});

test('an acknowledged alert leaves the report', async () => {
  const listed = tenure('alerts', 'list', '--db', db, '--json');
  const alerts = JSON.parse(listed.stdout) as { key: string; message: string }[];
  const churn = alerts.find((a) => a.key.startsWith('target|customer_churn_rate|=all|'));
  assert.ok(churn, listed.stdout);
  assert.equal(tenure('alerts', 'ack', churn.key, '--db', db).status, 0);
  const { report: r } = report();
  // One alert fewer than before the acknowledgement (the other target's, and the guardrails').
  assert.equal(r.summary.open_alerts, alerts.length - 1);
  assert.ok(!r.alerts.some((a) => a.key === churn.key));
});

test("each owner's experiments: hypothesis, status, decision and learning, beside the target's action plan", async () => {
  const before = report().report.owners.find((o) => o.owner === '(unassigned)')?.experiments[0];
  assert.deepEqual(
    [before?.id, before?.status, before?.decision, before?.primary],
    ['onboarding_checklist', 'ended', null, 'customer_churn_rate'],
  );
  // Dana takes the experiment over, for her churn target, and decides it.
  const plan = join(dir, 'plan.yaml');
  await writeFile(plan, (await readFile(PLAN, 'utf8')).replace('owner: Growth team', 'owner: Dana'));
  const amend = tenure(
    'experiment',
    'amend',
    'onboarding_checklist',
    '--file',
    plan,
    '--reason',
    'owner and outcomes',
    '--db',
    db,
    '--project',
    project,
  );
  assert.equal(amend.status, 0, amend.stderr);
  const learning = 'The checklist <b>works</b>: fewer new accounts churn';
  const decide = tenure(
    'experiment',
    'decide',
    'onboarding_checklist',
    '--decision',
    'ship',
    '--learning',
    learning,
    '--result',
    '90-day churn −20%',
    '--db',
    db,
  );
  assert.equal(decide.status, 0, decide.stderr);
  const { report: r, md, html } = report();
  assert.deepEqual(
    r.owners.map((o) => [o.owner, o.experiments.map((e) => e.id)]),
    [
      ['Dana', ['onboarding_checklist']],
      [HOSTILE, []],
    ],
  );
  const e = r.owners[0]?.experiments[0];
  assert.deepEqual(
    [e?.status, e?.amendments, e?.decision?.decision, e?.decision?.result, e?.decision?.learning],
    ['decided', 1, 'ship', '90-day churn −20%', learning],
  );
  assert.deepEqual(e?.target, { kpi: 'customer_churn_rate', segment: 'all' });
  const text = await md;
  assert.ok(text.includes('Save desk for cancellations; experiments: Onboarding checklist (decided)'), text);
  assert.ok(text.includes('  - Decision: ship: 90-day churn −20%'));
  assert.ok(text.includes('  - Learning: The checklist &lt;b&gt;works&lt;/b&gt;: fewer new accounts churn'));
  const page = await html;
  assert.ok(page.includes('<h3>Experiments</h3>'));
  assert.ok(!page.includes('<b>works'));
});

test('a bad --period names the flag and both formats; a period the data does not cover is refused', () => {
  const bad = tenure('report', '--db', db, '--period', '2025-6');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--period must be a month written YYYY-MM .* or a quarter written YYYY-Qn/);
  const later = tenure('report', '--db', db, '--period', '2025-07', '--project', project);
  assert.equal(later.status, 2);
  assert.match(later.stderr, /--period 2025-07 is not over in the data/);
});
