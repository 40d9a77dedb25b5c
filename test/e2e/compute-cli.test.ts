// The CLI over a generated company: `compute --json` gives result rows of the documented shape whose
// numbers equal the library's, and `explain` shows the definition, the SQL as run and rows behind it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { computeKpis } from '../../src/compiler/compute.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateCompany } from '../../src/synth/generate.ts';
import { DuckDBEngine } from '../../src/warehouse/duckdb/duckdb-engine.ts';
import { CLI } from '../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function tenure(args: string[]) {
  return spawnSync(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

describe('tenure compute and explain', () => {
  let dir = '';
  let db = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenure-cli-'));
    await generateCompany({ customers: 300, months: 12, seed: 3, out: join(dir, 'company') });
    db = join(dir, 'tenure.duckdb');
    const engine = await DuckDBEngine.open(db);
    await ingest(engine, { dataDir: join(dir, 'company') });
    await engine.close();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('compute --json prints the result rows the library computes', async () => {
    const args = [
      '--kpi',
      'mrr,customer_churn_rate',
      '--from',
      '2025-06-01',
      '--to',
      '2025-08-31',
      '--by',
      'plan',
    ];
    const run = tenure(['compute', '--db', db, ...args, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    for (const r of rows) {
      assert.deepEqual(Object.keys(r), [
        'kpi',
        'period_start',
        'period_end',
        'segment',
        'value',
        'numerator',
        'denominator',
        'n',
        'flags',
      ]);
    }
    const engine = await DuckDBEngine.open(db);
    try {
      const direct = await computeKpis(engine, {
        kpis: ['mrr', 'customer_churn_rate'],
        from: '2025-06-01',
        to: '2025-08-31',
        grain: 'month',
        by: 'plan',
      });
      assert.deepEqual(rows, JSON.parse(JSON.stringify(direct)));
    } finally {
      await engine.close();
    }
  });

  test("compute's text writes each value in its unit, money in the project's currency", async () => {
    const project = join(dir, 'euros.yaml');
    await writeFile(project, 'currency: EUR\n');
    const run = tenure([
      'compute',
      '--db',
      db,
      '--kpi',
      'mrr,customer_churn_rate,ltv_to_cac_ratio',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-30',
      '--project',
      project,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const value = (kpi: string) => {
      const line = run.stdout.split('\n').find((l) => l.startsWith(`${kpi} `)) ?? '';
      return line.split(/\s{2,}/)[3] ?? '';
    };
    // MRR as euros with cents (not 179021.9000), churn as a percentage, LTV to CAC as a multiple.
    assert.match(value('mrr'), /^€\d{1,3}(,\d{3})*\.\d\d$/, run.stdout);
    assert.match(value('customer_churn_rate'), /^\d+\.\d%$/, run.stdout);
    assert.match(value('ltv_to_cac_ratio'), /^(\d{1,3}(,\d{3})*\.\d×|—)$/, run.stdout);
    const dollars = tenure([
      'compute',
      '--db',
      db,
      '--kpi',
      'mrr',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-30',
    ]);
    assert.equal(dollars.status, 0, dollars.stderr);
    assert.match(dollars.stdout, /\$\d{1,3}(,\d{3})*\.\d\d/, 'dollars without a project file');
    await writeFile(project, 'currency: euro\n');
    const refused = tenure([
      'compute',
      '--db',
      db,
      '--kpi',
      'mrr',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-30',
      '--project',
      project,
    ]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /currency: "euro" is not an ISO 4217 currency code/);
  });

  test('bad requests name the option: an unknown KPI, a bad grain, a bad breakdown', () => {
    for (const [args, pattern] of [
      [['--kpi', 'customer_churn'], /no KPI 'customer_churn'.*did you mean customer_churn_rate/],
      [['--kpi', 'mrr', '--grain', 'fortnight'], /grain must be one of/],
      [['--kpi', 'mrr', '--by', 'shoe_size'], /cannot break down by 'shoe_size'/],
    ] as const) {
      const run = tenure(['compute', '--db', db, '--from', '2025-01-01', '--to', '2025-02-01', ...args]);
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, pattern);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('explain shows the definition, the SQL as run with its bound values, and rows behind the value', () => {
    const run = tenure(['explain', 'net_revenue_retention', '--db', db, '--period', '2025-06-15']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /net_revenue_retention — Net Revenue Retention/);
    assert.match(run.stdout, /SQL, as run/);
    assert.match(run.stdout, /WITH periods AS/);
    assert.match(run.stdout, /-- bound: \["2025-05-01T00:00:00.000Z"/);
    assert.match(run.stdout, /rows behind it/);
    assert.match(run.stdout, /subscription_changes \(effective_at in the period\)/);
  });

  test('explain --rows lists the customers behind the numerator, as many as it counts', () => {
    const json = tenure([
      'compute',
      '--db',
      db,
      '--kpi',
      'customer_churn_rate',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-30',
      '--json',
    ]);
    assert.equal(json.status, 0, json.stderr);
    const [churn] = JSON.parse(json.stdout) as { numerator: number; denominator: number }[];
    assert.ok((churn?.numerator ?? 0) > 0, 'customers churned in June');
    const run = tenure([
      'explain',
      'customer_churn_rate',
      '--db',
      db,
      '--period',
      '2025-06-15',
      '--rows',
      'numerator',
      '--limit',
      '500',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `customers in the numerator \\(${churn?.numerator}\\); Customer Churn Rate = ${churn?.numerator} / ${churn?.denominator}`,
      ),
    );
    const listed = run.stdout.split('\n').filter((l) => /^\s*c\d+ /.test(l) && / churn /.test(l));
    assert.equal(listed.length, churn?.numerator);
    const bad = tenure(['explain', 'customer_churn_rate', '--db', db, '--rows', 'sideways']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--rows must be numerator or denominator/);
  });
});

describe('tenure catalog diff and the change log', () => {
  test('a project override shows as a changed hash with the parameter, and the log keeps both versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenure-diff-'));
    try {
      await generateCompany({ customers: 50, months: 6, seed: 2, out: join(dir, 'company') });
      const db = join(dir, 'tenure.duckdb');
      const engine = await DuckDBEngine.open(db);
      await ingest(engine, { dataDir: join(dir, 'company') });
      await engine.close();
      const project = join(dir, 'tenure.yaml');
      await writeFile(project, 'kpis:\n  customer_renewal_rate:\n    params:\n      grace_days: 45\n');
      const diff = tenure([
        'catalog',
        'diff',
        '--project',
        project,
        '--db',
        db,
        '--kpi',
        'customer_renewal_rate',
      ]);
      assert.equal(diff.status, 0, diff.stderr);
      assert.match(
        diff.stdout,
        /~ customer_renewal_rate \(hash [0-9a-f]{12} → [0-9a-f]{12}\)\n\s+grace_days: 30 → 45/,
      );
      // Computing with the shipped catalog records its definition too: the log then holds both hashes.
      const run = tenure([
        'compute',
        '--db',
        db,
        '--kpi',
        'customer_renewal_rate',
        '--from',
        '2025-09-01',
        '--to',
        '2025-09-30',
      ]);
      assert.equal(run.status, 0, run.stderr);
      const log = tenure(['catalog', 'diff', '--db', db, '--kpi', 'customer_renewal_rate']);
      assert.match(log.stdout, /no changes to the shipped catalog/);
      assert.equal(log.stdout.match(/^customer_renewal_rate\s+2\s+[0-9a-f]{12}/gm)?.length, 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
