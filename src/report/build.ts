// Builds the review of one period from the warehouse: every target's KPI in the period and the one before,
// its status as `tenure check` judges it at the period's end, the KPIs that moved most (or are off their
// plan) with the segments that moved them, the open alerts and the data-quality findings.

import { listAlerts } from '../alerts/store.ts';
import { rootCause } from '../analysis/root-cause.ts';
import type { ResolvedCatalog } from '../catalog/catalog.ts';
import { getDefinition } from '../catalog/catalog.ts';
import { dataAsOf } from '../compiler/as-of.ts';
import { computeKpis } from '../compiler/compute.ts';
import { badInput, TenureError } from '../errors/tenure-error.ts';
import { checkTargets, type TargetCheck } from '../goals/check.ts';
import { type TargetWorth, targetsWorth } from '../goals/impact-baseline.ts';
import type { Target } from '../goals/targets.ts';
import { runDataQuality } from '../quality/checks.ts';
import { DEFAULT_DATA_QUALITY } from '../quality/config.ts';
import { DEFAULT_CURRENCY } from '../results/format.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';
import { type ReviewExperiment, reviewExperiments } from './experiments.ts';
import type { ReviewPeriod } from './period.ts';
import type { OwnerSection, ReviewKpi, ReviewMove, ReviewReport } from './review.ts';

const DAY_MS = 86_400_000;
const day = (iso: string) => iso.slice(0, 10);
/** At most this many KPIs are explained; the ones off their plan first, then the largest moves. */
const MOVES = 5;
const LARGEST_MOVES = 3;

/** The period must be over in the data: the data reaches its last day. */
async function checkCovered(engine: Engine, period: ReviewPeriod): Promise<void> {
  const end = await dataAsOf(engine);
  if (end === undefined)
    throw new TenureError('not_found', `the warehouse ${engine.location} holds no observed rows`, {
      hint: 'load data with `tenure ingest` first',
    });
  const lastDay = new Date(Date.parse(period.end) - DAY_MS).toISOString();
  if (Date.parse(end) < Date.parse(lastDay))
    throw badInput(
      `--period ${period.label} is not over in the data: its last day is ${day(lastDay)}, the data ends ${end}`,
      { field: '--period' },
      'choose a period the data covers, or load newer data',
    );
}

const segmentKey = (by: string | undefined, segment: string) => `${by ?? ''}|${segment}`;

/** Each target's KPI for the period and the one before, at the period's grain: (kpi, by|segment, start) → row. */
async function periodValues(
  engine: Engine,
  catalog: ResolvedCatalog,
  targets: readonly Target[],
  period: ReviewPeriod,
): Promise<Map<string, KpiResult>> {
  const out = new Map<string, KpiResult>();
  const byBreakdown = new Map<string | undefined, Set<string>>();
  for (const t of targets) {
    const set = byBreakdown.get(t.segment?.by) ?? new Set<string>();
    byBreakdown.set(t.segment?.by, set.add(t.kpi));
  }
  for (const [by, kpis] of byBreakdown) {
    const rows = await computeKpis(engine, {
      kpis: [...kpis],
      from: day(period.previous.start),
      to: day(period.start),
      grain: period.grain,
      by,
      asOf: period.end,
      catalog: catalog.definitions,
    });
    for (const r of rows) out.set(`${r.kpi}|${segmentKey(by, r.segment)}|${r.period_start}`, r);
  }
  return out;
}

function change(value: number | null, previous: number | null) {
  const delta = value === null || previous === null ? null : value - previous;
  return {
    change: delta,
    relative_change:
      delta === null || previous === null || previous === 0 ? null : delta / Math.abs(previous),
  };
}

function reviewKpi(
  catalog: ResolvedCatalog,
  target: Target,
  check: TargetCheck,
  values: Map<string, KpiResult>,
  period: ReviewPeriod,
  worth: TargetWorth | null,
): ReviewKpi {
  const def = getDefinition(target.kpi, catalog.definitions);
  const seg = segmentKey(target.segment?.by, target.segment?.value ?? 'all');
  const value = values.get(`${target.kpi}|${seg}|${period.start}`)?.value ?? null;
  const previous = values.get(`${target.kpi}|${seg}|${period.previous.start}`)?.value ?? null;
  return {
    kpi: target.kpi,
    name: def.name,
    unit: def.unit,
    higher_is_better: def.higherIsBetter,
    segment: target.segment ? `${target.segment.by}=${target.segment.value}` : 'all',
    value,
    previous,
    ...change(value, previous),
    pragmatic: check.pragmatic,
    forecast: check.forecast,
    aspirational: target.aspirational ?? null,
    status: check.status,
    ahead: check.ahead,
    judged: { period_start: check.period_start, period_end: check.period_end, value: check.value },
    guardrails: check.guardrails,
    worth,
    benchmark: target.benchmark ?? null,
    cadence: target.cadence,
    action_plan:
      target.action_plan === undefined
        ? []
        : Array.isArray(target.action_plan)
          ? target.action_plan
          : [target.action_plan],
  };
}

/** Owners of targets in the project's order, then owners of experiments only; each with their experiments. */
function ownerSections(
  kpis: readonly ReviewKpi[],
  targets: readonly Target[],
  experiments: readonly ReviewExperiment[],
): OwnerSection[] {
  const owners = new Map<string, ReviewKpi[]>();
  kpis.forEach((k, i) => {
    const owner = targets[i]?.owner ?? '';
    owners.set(owner, [...(owners.get(owner) ?? []), k]);
  });
  for (const e of experiments) if (!owners.has(e.owner)) owners.set(e.owner, []);
  return [...owners].map(([owner, list]) => ({
    owner,
    kpis: list,
    experiments: experiments.filter((e) => e.owner === owner),
  }));
}

/** Whole-company KPIs off their plan, then the largest relative moves; each explained by root cause. */
async function explainMoves(
  engine: Engine,
  catalog: ResolvedCatalog,
  kpis: readonly ReviewKpi[],
  period: ReviewPeriod,
): Promise<ReviewMove[]> {
  const overall = new Map<string, ReviewKpi & { reason: ReviewMove['reason'] }>();
  const rank = { off_track: 0, at_risk: 1, largest_move: 2 } as const;
  for (const k of kpis.filter((x) => x.segment === 'all')) {
    const reason = k.status === 'off_track' || k.status === 'at_risk' ? k.status : 'largest_move';
    const known = overall.get(k.kpi);
    if (!known || rank[reason] < rank[known.reason]) overall.set(k.kpi, { ...k, reason });
  }
  const offPlan = [...overall.values()].filter((k) => k.reason !== 'largest_move');
  const moved = [...overall.values()]
    .filter((k) => k.reason === 'largest_move' && k.relative_change !== null && k.relative_change !== 0)
    .sort((a, b) => Math.abs(b.relative_change ?? 0) - Math.abs(a.relative_change ?? 0))
    .slice(0, LARGEST_MOVES);
  const chosen = [...offPlan.sort((a, b) => rank[a.reason] - rank[b.reason]), ...moved].slice(0, MOVES);
  const out: ReviewMove[] = [];
  for (const k of chosen) {
    const why = await rootCause(engine, {
      kpi: k.kpi,
      grain: period.grain,
      from: day(period.previous.start),
      to: day(period.start),
      asOf: period.end,
      catalog: catalog.definitions,
    });
    out.push({
      kpi: k.kpi,
      name: k.name,
      unit: k.unit,
      previous: k.previous,
      value: k.value,
      change: k.change,
      relative_change: k.relative_change,
      reason: k.reason,
      segments: why.top.slice(0, 3),
    });
  }
  return out;
}

export async function buildReview(
  engine: Engine,
  catalog: ResolvedCatalog,
  opts: { period: ReviewPeriod; now?: Date },
): Promise<ReviewReport> {
  const { period } = opts;
  await checkCovered(engine, period);
  const targets = catalog.targets ?? [];
  // Judged as `tenure check --as-of <end of the period>` judges them.
  const checks = await checkTargets(engine, catalog, { asOf: period.end, explain: false });
  const values = await periodValues(engine, catalog, targets, period);
  const worth = await targetsWorth(engine, catalog, checks, period.end);
  const kpis = targets.map((t, i) =>
    reviewKpi(catalog, t, checks[i] as TargetCheck, values, period, worth[i] ?? null),
  );
  const moves = await explainMoves(engine, catalog, kpis, period);
  const alerts = (await listAlerts(engine))
    .filter((a) => a.state === 'open')
    .map((a) => ({ key: a.key, first_seen: a.first_seen, last_seen: a.last_seen, message: a.message }));
  const dataQuality = await runDataQuality(engine, catalog.dataQuality ?? DEFAULT_DATA_QUALITY, {
    asOf: period.end,
  });
  const experiments = await reviewExperiments(engine, catalog, period, opts.now);
  const owners = ownerSections(kpis, targets, experiments);
  const count = (s: string) => kpis.filter((k) => k.status === s).length;
  return {
    period,
    as_of: period.end,
    generated_at: (opts.now ?? new Date()).toISOString(),
    currency: catalog.currency ?? DEFAULT_CURRENCY,
    summary: {
      targets: kpis.length,
      owners: owners.length,
      on_track: count('on_track'),
      at_risk: count('at_risk'),
      off_track: count('off_track'),
      no_data: count('no_data'),
      open_alerts: alerts.length,
      data_quality_findings: dataQuality.length,
      experiments: experiments.length,
    },
    owners,
    moves,
    alerts,
    data_quality: dataQuality,
  };
}
