// Computes catalog KPIs over periods, optionally broken down: resolves each KPI's parameters, groups KPIs
// that one family can compute in one pass (same family, same family parameters), and returns results in the
// order asked for.
import { CATALOG, type Catalog, getDefinition } from '../catalog/catalog.ts';
import { ConfigProblemsError } from '../catalog/problems.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { type KpiResult, observedOnly } from '../results/kpi-result.ts';
import { requireCapability } from '../warehouse/capabilities.ts';
import type { Engine } from '../warehouse/engine.ts';
import { dataAsOf } from './as-of.ts';
import { checkBreakdown } from './dimensions.ts';
import { definitionParams, type Family, familyFor, familyParams, unionOfEvents } from './families.ts';
import { checkFilters, crossedBreakdown, keepFiltered, type SegmentFilter } from './filters.ts';
import { baseKpi, findKept, type KeptFound, keepResults } from './kept-results.ts';
import { addDerived, planDerived } from './metrics/derived.ts';
import { missingEventNames } from './metrics/event-names.ts';
import { type Grain, type Period, periodsBetween } from './periods.ts';
import { RunRollups } from './rollups/run-rollups.ts';
import type { RollupAsks } from './rollups/stored-rollups.ts';

export interface ComputeRequest {
  /** KPI ids, or 'all' for every KPI of the catalog. */
  readonly kpis: readonly string[] | 'all';
  readonly from: string;
  readonly to: string;
  readonly grain: Grain;
  readonly by?: string;
  /** Keep only these customers (plan = starter…); computed as a breakdown by them, see filters.ts. */
  readonly filters?: readonly SegmentFilter[];
  /** The data's end; by default the latest observed timestamp in the warehouse. */
  readonly asOf?: string;
  /** Fewer units than this is flagged too few to judge (default 30). */
  readonly minSample?: number;
  /** The catalog with a project's overrides applied (default: the shipped catalog). */
  readonly catalog?: Catalog;
  /**
   * Serve settled periods from the results the warehouse keeps and keep those computed (kept-results.ts;
   * default true; only without a breakdown or filter, at week grain or coarser). Explain turns it off: it
   * shows the SQL as run.
   */
  readonly keep?: boolean;
}

export const DEFAULT_MIN_SAMPLE = 30;

const resolvedParams = (catalog: Catalog, id: string) => definitionParams(getDefinition(id, catalog));

/**
 * The family parameters a KPI computes with in this catalog (defaults with the project's overrides): what a
 * view sharing that KPI's SQL takes, so that a project's milestones, events and steps reach it too.
 */
export function kpiFamilyParams<P extends object>(catalog: Catalog, id: string, defaults: P): P {
  const family = familyFor(getDefinition(id, catalog));
  if (!family) throw new TenureError('internal', `KPI ${id} has no computation yet`);
  return familyParams({ ...family, defaults }, resolvedParams(catalog, id));
}

interface FamilyGroup {
  readonly family: Family;
  readonly kpis: string[];
  readonly params: Record<string, unknown>;
}

/**
 * The KPIs grouped by family and the family's own parameters, not the KPIs' catalog ones: KPIs that name
 * different parameters but leave the family computing the same thing share one pass (and its queries).
 * Derived metrics are left out and their inputs put in (they are arithmetic over those: derived.ts).
 */
function familyGroups(catalog: Catalog, ids: readonly string[]): FamilyGroup[] {
  const groups = new Map<string, FamilyGroup>();
  for (const id of planDerived(catalog, ids).computed) {
    const family = familyFor(getDefinition(id, catalog));
    if (!family) throw new TenureError('internal', `KPI ${id} has no computation yet`);
    const params = resolvedParams(catalog, id);
    const key = `${family.name}|${JSON.stringify(familyParams(family, params))}`;
    const group = groups.get(key) ?? { family, kpis: [], params };
    group.kpis.push(id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const activityEventsOf = (groups: readonly FamilyGroup[]) =>
  unionOfEvents(groups.map((g) => g.family.activityEvents(g.params)));

/**
 * The event names whose activity rows computing these KPIs reads ('all' when some query reads every
 * event's): for a caller sharing one run's rollups over several calls (`new RunRollups(engine, names)`).
 */
export function activityEventsFor(ids: readonly string[] | 'all', catalog: Catalog = CATALOG) {
  return activityEventsOf(familyGroups(catalog, ids === 'all' ? catalog.map((d) => d.id) : ids));
}

/** Every shared rollup computing these KPIs reads, each once: what a warehouse keeps for its catalog. */
export function rollupAsksFor(ids: readonly string[] | 'all', catalog: Catalog = CATALOG): RollupAsks {
  const groups = familyGroups(catalog, ids === 'all' ? catalog.map((d) => d.id) : ids);
  const once = <T>(items: readonly T[]) => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
  const others = groups.map((g) => g.family.otherRollups(g.params));
  return {
    activity: activityEventsOf(groups),
    userDays: once(others.flatMap((o) => o.userDays ?? []).map((names) => [...new Set(names)].sort())),
    sessions: once(
      others
        .flatMap((o) => o.sessions ?? [])
        .map((p) => ({
          sessionGapMinutes: p.sessionGapMinutes,
          keyActions: [...new Set(p.keyActions)].sort(),
        })),
    ),
    firstUses: once(others.flatMap((o) => o.firstUses ?? [])),
    namedEvents: once(others.flatMap((o) => o.namedEvents ?? []).map((names) => [...new Set(names)].sort())),
    periodAccounts: once(
      others.flatMap((o) => o.periodAccounts ?? []).map((names) => [...new Set(names)].sort()),
    ),
    subscribed: others.some((o) => o.subscribed === true),
    customerMrr: others.some((o) => o.customerMrr === true),
    userWeeks: once(others.flatMap((o) => o.userWeeks ?? []).map((names) => [...new Set(names)].sort())),
    featureWeeks: once(
      others.flatMap((o) => o.featureWeeks ?? []).map((names) => [...new Set(names)].sort()),
    ),
  };
}

/**
 * Computes the request. Rollups are built once for the run; pass `shared` rollups (made on `engine`, itself a session)
 * to share them across several calls.
 */
export async function computeKpis(
  engine: Engine,
  req: ComputeRequest,
  shared?: RunRollups,
): Promise<KpiResult[]> {
  // Every family's SQL is written with CTEs and window functions: an engine without them (ClickHouse
  // before 21.9) is refused here, by name, before any SQL runs.
  requireCapability(engine.dialect, 'commonTableExpressions', 'computing a KPI');
  requireCapability(engine.dialect, 'windowFunctions', 'computing a KPI');
  const catalog = req.catalog ?? CATALOG;
  const ids = req.kpis === 'all' ? catalog.map((d) => d.id) : [...req.kpis];
  for (const id of ids) getDefinition(id, catalog); // unknown ids fail here, with suggestions
  // A project metric naming an event the warehouse has none of would count nothing: refused, not a zero.
  const unknownEvents = await missingEventNames(engine, catalog, planDerived(catalog, ids).computed);
  if (unknownEvents.length > 0) throw new ConfigProblemsError(unknownEvents);
  checkBreakdown(req.by, 'by', { periods: true });
  const filters = req.filters ?? [];
  checkFilters(filters, req.by);
  const by = crossedBreakdown(filters, req.by);
  const minSample = req.minSample ?? DEFAULT_MIN_SAMPLE;
  const periods = periodsBetween(req.from, req.to, req.grain);
  const asOf = req.asOf ?? (await dataAsOf(engine)) ?? new Date().toISOString();
  const run = { catalog, crossedBy: by, filters, minSample, asOf };
  // Days are not kept: a day's results are many rows (73,000 for the catalog over two years), and writing
  // them cost more than most day-grain runs.
  const keep = req.keep !== false && req.by === undefined && filters.length === 0 && req.grain !== 'day';
  const resolved = { ...req, ...run };
  const results = !keep
    ? await computeNow(engine, resolved, ids, periods, shared)
    : shared
      ? await withKeptResults(engine, resolved, ids, periods, shared)
      : // The runs for KPIs kept up to different periods share one session's rollups.
        await engine.session(async (session) => {
          const rollups = new RunRollups(session, activityEventsOf(familyGroups(catalog, ids)));
          try {
            return await withKeptResults(session, resolved, ids, periods, rollups);
          } finally {
            await rollups.drop();
          }
        });
  const order = new Map(ids.map((id, i) => [id, i]));
  const rank = (kpi: string) => order.get(baseKpi(kpi)) ?? ids.length;
  return results.sort(
    (a, b) =>
      rank(a.kpi) - rank(b.kpi) ||
      a.kpi.localeCompare(b.kpi) ||
      a.segment.localeCompare(b.segment) ||
      a.period_start.localeCompare(b.period_start),
  );
}

/** A request with everything resolved: its catalog, breakdown (crossed with filters), sample and as_of. */
interface ResolvedRequest extends ComputeRequest {
  readonly catalog: Catalog;
  /** The breakdown the families compute: the request's, crossed with the filters' dimensions. */
  readonly crossedBy: string | undefined;
  readonly filters: readonly SegmentFilter[];
  readonly minSample: number;
  readonly asOf: string;
}

/**
 * The request with the periods a kept result settles served from it (kept-results.ts): each KPI is computed
 * from its first period not kept to the last, KPIs sharing that start in one run, and its settled periods
 * are kept. A KPI whose kept and computed rows differ in kind (sub-results) is computed over every period.
 */
async function withKeptResults(
  engine: Engine,
  req: ResolvedRequest,
  ids: readonly string[],
  periods: readonly Period[],
  shared?: RunRollups,
): Promise<KpiResult[]> {
  const found = await findKept(engine, req, ids, periods);
  const out: KpiResult[] = [];
  const byStart = new Map<number, string[]>();
  const keptRows = new Map<string, KpiResult[]>();
  for (const id of ids) {
    const have = found.rows.get(id);
    const first = periods.findIndex((p) => !have?.has(p.start));
    const rows = periods
      .slice(0, first < 0 ? periods.length : first)
      .flatMap((p) => have?.get(p.start) ?? []);
    if (first < 0) out.push(...rows);
    else {
      keptRows.set(id, rows);
      byStart.set(first, [...(byStart.get(first) ?? []), id]);
    }
  }
  const again: string[] = [];
  for (const [first, group] of byStart) {
    const from = first === 0 ? req.from : (periods[first]?.start.slice(0, 10) ?? req.from);
    const rest = periods.slice(first);
    const computed = await computeNow(engine, { ...req, from }, group, rest, shared);
    await keepComputed(engine, req, found, rest, computed);
    for (const id of group) {
      const mine = computed.filter((r) => baseKpi(r.kpi) === id);
      const kept = keptRows.get(id) ?? [];
      const kinds = (rows: readonly KpiResult[]) =>
        JSON.stringify([...new Set(rows.map((r) => r.kpi))].sort());
      if (kept.length > 0 && kinds(kept) !== kinds(mine)) again.push(id);
      else out.push(...kept, ...mine);
    }
  }
  if (again.length > 0) out.push(...(await computeNow(engine, req, again, periods, shared)));
  return out;
}

/** Keeps a computation's settled results; a result that cannot be kept now is computed again next time. */
async function keepComputed(
  engine: Engine,
  req: ResolvedRequest,
  found: KeptFound,
  periods: readonly Period[],
  results: readonly KpiResult[],
): Promise<void> {
  try {
    await keepResults(engine, req, found.mark, periods, results);
  } catch (err) {
    // A warehouse opened read-only, or another computation keeping the same table at the same moment.
    if (!(err instanceof TenureError && err.code === 'engine_failure')) throw err;
  }
}

/** Computes the KPIs `ids` over `periods` (those of `req.from`…`req.to`), unsorted. */
async function computeNow(
  engine: Engine,
  req: ResolvedRequest,
  ids: readonly string[],
  periods: readonly Period[],
  shared?: RunRollups,
): Promise<KpiResult[]> {
  const { catalog, crossedBy: by, filters, minSample, asOf } = req;
  const plan = planDerived(catalog, ids);
  const groups = familyGroups(catalog, ids);
  // A breakdown by rfm scores as the catalog's customer segmentation does (the project's window).
  const rfmWindowDays = Number(resolvedParams(catalog, 'customer_segmentation').rfm_window_days);
  // One session for the whole run: the rollups every family shares are its temporary tables.
  const results = await engine.session(async (session) => {
    const rollups = shared ?? new RunRollups(session, activityEventsOf(groups));
    const out: KpiResult[] = [];
    try {
      for (const g of groups) {
        const call = {
          kpis: g.kpis,
          periods,
          grain: req.grain,
          by,
          asOf,
          minSample,
          params: g.params,
          rollups,
          rfmWindowDays,
        };
        out.push(...(await g.family.run(session, call)));
      }
    } finally {
      if (!shared) await rollups.drop();
    }
    return out;
  });
  // Derived metrics from their inputs' results; inputs nobody asked for are left out.
  const asked = new Set(ids);
  const all = addDerived(catalog, plan.derived, results, { asOf, minSample }).filter((r) =>
    asked.has(baseKpi(r.kpi)),
  );
  const kept =
    filters.length === 0
      ? all
      : keepFiltered(all, filters, { by: req.by, kpis: ids, periods, asOf, minSample });
  // A period that begins after the data's end is no data for every KPI, whatever its family made of it.
  return kept.map((r) => observedOnly(r, asOf, minSample));
}
