// Helpers for the generator's tests: temporary folders, and an in-memory DuckDB holding a generated company
// as views over its CSV files, so checks run as SQL and nothing big is read into JavaScript.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { TABLE_NAMES, tableSpec } from '../schema/tables.ts';

export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tenure-synth-test-'));
}

export async function withTempDirs<T>(count: number, fn: (dirs: string[]) => Promise<T>): Promise<T> {
  const dirs: string[] = [];
  try {
    for (let i = 0; i < count; i++) dirs.push(await makeTempDir());
    return await fn(dirs);
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** DuckDB types for reading the CSV strictly: a value of the wrong shape fails the query. */
const DUCK_TYPES: Record<string, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  money: 'DECIMAL(18,2)',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  json: 'JSON',
};

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export type Row = Record<string, string | number | boolean | null>;

export class CompanyDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
  ) {}

  /** Every table of the company in `dir` as a typed view of the same name. */
  static async open(dir: string): Promise<CompanyDb> {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    for (const name of TABLE_NAMES) {
      const columns = tableSpec(name)
        .columns.map((c) => `${quote(c.name)}: ${quote(DUCK_TYPES[c.kind] ?? 'VARCHAR')}`)
        .join(', ');
      const path = quote(join(dir, `${name}.csv`));
      await con.run(
        `CREATE VIEW ${name} AS SELECT * FROM read_csv(${path}, header = true, delim = ',', quote = '"', escape = '"', strict_mode = true, columns = {${columns}})`,
      );
    }
    return new CompanyDb(instance, con);
  }

  async rows(sql: string): Promise<Row[]> {
    const reader = await this.con.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Row[];
  }

  async one(sql: string): Promise<Row> {
    const [row] = await this.rows(sql);
    if (!row) throw new Error(`no row from ${sql}`);
    return row;
  }

  /** A single number from the first column of the first row. */
  async number(sql: string): Promise<number> {
    const row = await this.one(sql);
    return Number(Object.values(row)[0]);
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}

export async function readTruth(dir: string): Promise<TruthFile> {
  return JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as TruthFile;
}

/** The parts of truth.json the tests read, typed loosely on purpose: they check the file, not the code. */
export interface TruthFile {
  options: { customers: number; months: number; seed: number; start: string; end: string };
  parameters: {
    churn: {
      base_monthly_hazard: Record<string, number>;
      multipliers: {
        channel: Record<string, number>;
        activated: number;
        referred: number;
        checkin_90d: number;
        experiment_treatment: number;
      };
      checkin_lookback_days: number;
    };
    activation: { milestones: string[]; window_days: number; rate: number };
    funnel: { steps: string[]; step_rates: number[]; window_days: number };
    experiment: {
      experiment_id: string;
      treatment_share: number;
      true_effect: { churn_hazard_multiplier: number };
    };
    costs: { gross_margin: number };
  };
  realized: Record<string, number>;
}

/** |observed − expected| in standard deviations of a sum of Bernoulli trials with known probabilities. */
export function zScore(observed: number, expected: number, variance: number): number {
  return variance > 0 ? Math.abs(observed - expected) / Math.sqrt(variance) : Math.abs(observed - expected);
}

/**
 * Every churn decision the data shows: for each paying spell (from a new or reactivation row to its cancel
 * row), the anniversaries start + k months inside the window, with what the hazard depends on there, grouped
 * with the customer's plan attribute and the anniversary's month.
 */
export const DECISIONS_SQL = (
  end: string,
  lookbackDays: number,
  windowDays: number,
  milestones: string[],
) => `
WITH sc AS (SELECT customer_id, effective_at AS t, plan, reason FROM subscription_changes),
spells AS (
  SELECT s.customer_id, s.t AS start_at,
    (SELECT min(c.t) FROM sc c WHERE c.customer_id = s.customer_id AND c.reason = 'cancel' AND c.t > s.t) AS cancel_at,
    CASE WHEN s.reason = 'reactivation' THEN 'monthly' ELSE cu.attributes->>'$.billing' END AS billing
  FROM sc s JOIN customers cu USING (customer_id)
  WHERE s.reason IN ('new', 'reactivation')
),
anniversaries AS (
  SELECT sp.customer_id, sp.billing, r.k, sp.start_at + to_months(r.k::INTEGER) AS at, sp.cancel_at
  FROM spells sp, range(1, 400) r(k)
  WHERE sp.start_at + to_months(r.k::INTEGER) < TIMESTAMP '${end}'
    AND (sp.cancel_at IS NULL OR sp.start_at + to_months(r.k::INTEGER) <= sp.cancel_at)
    AND (sp.billing = 'monthly' OR r.k % 12 = 0)
),
activated AS (
  SELECT e.customer_id FROM events e JOIN customers c USING (customer_id)
  WHERE e.name IN (${milestones.map((m) => `'${m}'`).join(', ')})
    AND e.occurred_at >= c.signed_up_at AND e.occurred_at < c.signed_up_at + INTERVAL ${windowDays} DAY
  GROUP BY 1 HAVING count(DISTINCT e.name) = ${milestones.length}
),
decided AS (
  SELECT a.*, sc.plan AS plan_now FROM anniversaries a
  ASOF JOIN sc ON sc.customer_id = a.customer_id AND a.at > sc.t
)
SELECT d.billing, d.plan_now AS plan, c.plan AS customer_plan, strftime(d.at, '%Y-%m') AS month, c.channel,
  d.customer_id IN (SELECT customer_id FROM activated) AS activated,
  c.referred_by IS NOT NULL AS referred,
  EXISTS (SELECT 1 FROM checkins k WHERE k.customer_id = d.customer_id
    AND k.occurred_at >= d.at - INTERVAL ${lookbackDays} DAY AND k.occurred_at < d.at) AS checkin,
  coalesce(asg.variant = 'treatment', false) AS treated,
  count(*)::INTEGER AS n,
  count(*) FILTER (WHERE d.at = d.cancel_at)::INTEGER AS churned
FROM decided d JOIN customers c USING (customer_id)
LEFT JOIN assignments asg USING (customer_id)
GROUP BY ALL`;

/** The probability truth.json gives a group of DECISIONS_SQL of ending in a churn. */
export function decisionProbability(truth: TruthFile, g: Row): number {
  const c = truth.parameters.churn;
  const m = c.multipliers;
  let h = (c.base_monthly_hazard[String(g.plan)] as number) * (m.channel[String(g.channel)] as number);
  if (g.activated) h *= m.activated;
  if (g.referred) h *= m.referred;
  if (g.checkin) h *= m.checkin_90d;
  if (g.treated) h *= m.experiment_treatment;
  return g.billing === 'annual' ? 1 - (1 - h) ** 12 : h;
}
