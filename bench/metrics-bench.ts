// A project's own metrics against the catalog KPIs of the same shape (issue 20): the sample project file's
// metrics (examples/sample-company.tenure.yaml), each over 24 months, beside the catalog KPI that reads the
// same tables the same way, on the rollups a load keeps, without kept results, in the same run. Then all
// the metrics in one run against all their counterparts in one run. Each time is the median of three.
import { join } from 'node:path';
import { loadProjectFile } from '../src/catalog/project-file.ts';
import { computeKpis } from '../src/compiler/compute.ts';
import { companyWarehouse } from './company-warehouse.ts';
import { machineLine, peakRssMiB } from './machine.ts';
import { writeSection } from './results-file.ts';

const PROJECT = join(import.meta.dirname, '..', 'examples', 'sample-company.tenure.yaml');

/** Each metric's counterpart in the catalog, and why it is the same shape. */
const COUNTERPARTS: Readonly<Record<string, readonly [string, string]>> = {
  paying_accounts: ['mrr', 'accounts paying at each period end'],
  api_accounts: ['engagement_rate', 'accounts with named events in the period'],
  api_adoption: ['engagement_rate', 'named-event accounts over the accounts in a set'],
  integration_within_7_days: ['activation_milestone_completion', 'signup, then events within a window'],
  week_one_retention: ['activation_cohort_retention', 'an anchor, then activity on day N'],
  check_ins_per_100_accounts: ['customer_churn_rate', 'a count over paying accounts'],
  detractor_share: ['net_promoter_score', 'a share of survey answers'],
  reports_created_28_days: ['dau_wau_ratio', 'events in trailing windows'],
  signups_quarter_to_date: ['customer_retention_rate', 'accounts counted over a span of months'],
  expansion_share_of_mrr: ['net_revenue_retention', 'expansion and MRR at the period bounds'],
};

export async function metricsBench(opts: { customers: number; workDir: string; db?: string }): Promise<void> {
  const company = await companyWarehouse({ ...opts, name: 'metrics' });
  const { engine, customers, events } = company;
  const project = await loadProjectFile(PROJECT);
  const request = {
    from: '2024-01-01',
    to: '2025-12-31',
    grain: 'month' as const,
    catalog: project.definitions,
    keep: false,
  };
  const time = async (kpis: readonly string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await computeKpis(engine, { ...request, kpis });
      runs.push((performance.now() - start) / 1000);
    }
    return [...runs].sort((a, b) => a - b)[1] ?? 0;
  };
  try {
    const lines = [
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `Company: ${customers.toLocaleString('en-US')} customers, ${events.toLocaleString('en-US')} events; 24 months, monthly, on the rollups a load keeps, no kept results; seconds, the median of three runs.`,
      '',
      '| metric (type) | seconds | catalog KPI of the same shape | seconds | metric / KPI |',
      '|---|---|---|---|---|',
    ];
    for (const id of project.custom) {
      const [kpi, why] = COUNTERPARTS[id] ?? ['mrr', ''];
      const mine = await time([id]);
      const theirs = await time([kpi]);
      const type = project.definitions.find((d) => d.id === id)?.metric?.type ?? '';
      lines.push(
        `| ${id} (${type}) | ${mine.toFixed(2)} | ${kpi} (${why}) | ${theirs.toFixed(2)} | ${(mine / theirs).toFixed(2)} |`,
      );
      console.log(lines.at(-1));
    }
    const counterparts = [...new Set(project.custom.map((id) => COUNTERPARTS[id]?.[0] ?? 'mrr'))];
    const all = await time(project.custom);
    const catalog = await time(counterparts);
    lines.push(
      `| all ${project.custom.length} metrics in one run | ${all.toFixed(2)} | their ${counterparts.length} counterparts in one run | ${catalog.toFixed(2)} | ${(all / catalog).toFixed(2)} |`,
      '',
      `Target (issue 20): the metrics cost at most what the catalog KPIs of the same shape cost: ${all <= catalog ? 'met' : 'not met'} (${(all / catalog).toFixed(2)}).`,
      `Peak memory of the benchmark process: ${peakRssMiB()} MiB.`,
    );
    console.log(lines.slice(-4).join('\n'));
    writeSection(
      `The project's own metrics, ${customers.toLocaleString('en-US')} customers`,
      lines.join('\n'),
    );
  } finally {
    await company.close();
  }
}
