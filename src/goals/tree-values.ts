// The KPI tree with numbers: every KPI on the tree with its value in one period and the period before, its
// status against the project's whole-company target, and the identities that decompose NRR, MRR and
// retention exactly. One engine session, with the run's rollups shared by all the KPIs.
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { getDefinition } from '../catalog/catalog.ts';
import { dataAsOf } from '../compiler/as-of.ts';
import { activityEventsFor, computeKpis } from '../compiler/compute.ts';
import { checkBreakdown } from '../compiler/dimensions.ts';
import { type Grain, nextPeriodStart, parseDay, periodStart } from '../compiler/periods.ts';
import { RunRollups } from '../compiler/rollups/run-rollups.ts';
import { mrrBridge } from '../compiler/views/mrr-bridge.ts';
import { TenureError } from '../errors/tenure-error.ts';
import type { Flag, KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';
import { DEFAULT_TREE, depths, type TreeEdge } from './kpi-tree.ts';
import { type Goal, type Status, statusOf } from './targets.ts';
import { mixIdentity, mrrIdentity, nrrIdentity, type TreeIdentity } from './tree-identities.ts';

export interface TreeNode {
  readonly kpi: string;
  readonly name: string;
  readonly kind: 'leading' | 'lagging';
  readonly unit: string;
  readonly higher_is_better: boolean;
  /** 0 for KPIs nothing on the tree drives; one more than the deepest driver otherwise. */
  readonly depth: number;
  readonly value: number | null;
  readonly previous: number | null;
  readonly flags: readonly Flag[];
  /** Against the project's whole-company target at this grain; null when it has none. */
  readonly status: Status | null;
  readonly target: Goal | null;
  readonly owner: string | null;
}

export interface KpiTreeView {
  readonly grain: Grain;
  readonly period_start: string;
  readonly period_end: string;
  readonly previous_start: string;
  readonly as_of: string;
  readonly mix_by: string;
  readonly nodes: readonly TreeNode[];
  readonly edges: readonly TreeEdge[];
  readonly identities: readonly TreeIdentity[];
}

export interface TreeRequest {
  readonly grain?: Grain;
  /** A day inside the period to show; the last complete period before as_of when absent. */
  readonly period?: string;
  readonly asOf?: string;
  /** The dimension retention is decomposed over (default plan). */
  readonly mixBy?: string;
}

const IDENTITY_KPIS = ['mrr', 'net_revenue_retention', 'customer_retention_rate'];
const day = (d: Date) => d.toISOString().slice(0, 10);

export async function kpiTree(
  engine: Engine,
  catalog: ResolvedCatalog,
  req: TreeRequest = {},
): Promise<KpiTreeView> {
  const grain = req.grain ?? 'month';
  const mixBy = req.mixBy ?? 'plan';
  checkBreakdown(mixBy, 'by', { periods: true });
  const asOf = req.asOf ?? (await dataAsOf(engine));
  if (asOf === undefined)
    throw new TenureError('not_found', 'the warehouse holds no data to build the KPI tree from', {
      hint: 'load data first: tenure ingest DIR',
    });
  const start = req.period
    ? periodStart(parseDay(req.period, 'period'), grain)
    : periodStart(new Date(periodStart(new Date(asOf), grain).getTime() - 1), grain);
  const previous = periodStart(new Date(start.getTime() - 1), grain);
  const edges = catalog.tree ?? DEFAULT_TREE;
  const depth = depths(edges);
  const ids = [...new Set([...depth.keys(), ...IDENTITY_KPIS])];
  const base = { from: day(previous), to: day(start), grain, asOf, catalog: catalog.definitions };

  const { rows, mix, bridge } = await engine.session(async (session) => {
    const rollups = new RunRollups(session, activityEventsFor(ids, catalog.definitions));
    try {
      const rows = await computeKpis(session, { ...base, kpis: ids }, rollups);
      const mix = await computeKpis(
        session,
        { ...base, from: day(start), kpis: ['customer_retention_rate'], by: mixBy },
        rollups,
      );
      const [bridge] = await mrrBridge(session, [
        { start: start.toISOString(), end: nextPeriodStart(start, grain).toISOString() },
      ]);
      return { rows, mix, bridge };
    } finally {
      await rollups.drop();
    }
  });

  const at = (kpi: string, p: Date): KpiResult | undefined =>
    rows.find((r) => r.kpi === kpi && r.segment === 'all' && r.period_start === p.toISOString());
  const targets = (catalog.targets ?? []).filter((t) => t.segment === undefined && t.grain === grain);
  const nodes = [...depth.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .map(([kpi, d]): TreeNode => {
      const def = getDefinition(kpi, catalog.definitions);
      const now = at(kpi, start);
      const target = targets.find((t) => t.kpi === kpi);
      return {
        kpi,
        name: def.name,
        kind: def.kind,
        unit: def.unit,
        higher_is_better: def.higherIsBetter,
        depth: d,
        value: now?.value ?? null,
        previous: at(kpi, previous)?.value ?? null,
        flags: now?.flags ?? ['no_data'],
        status: target ? statusOf(now?.value ?? null, target, def.higherIsBetter) : null,
        target: target?.pragmatic ?? null,
        owner: target?.owner ?? null,
      };
    });
  const identities = bridge
    ? [
        nrrIdentity(at('net_revenue_retention', start)?.value ?? null, bridge),
        mrrIdentity(at('mrr', start)?.value ?? null, bridge),
        mixIdentity(at('customer_retention_rate', start), mix, mixBy),
      ].filter((i): i is TreeIdentity => i !== null)
    : [];
  return {
    grain,
    period_start: start.toISOString(),
    period_end: nextPeriodStart(start, grain).toISOString(),
    previous_start: previous.toISOString(),
    as_of: asOf,
    mix_by: mixBy,
    nodes,
    edges,
    identities,
  };
}
