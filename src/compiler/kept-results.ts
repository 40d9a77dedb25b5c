// Results of settled periods kept in the warehouse, so that a closed month is computed once, not by every
// request for it (issue 19, item 2).
//
// A KPI's result for period P depends on rows before P's end plus the KPI's forward reach R (its windows
// after P: activation, follow-up, horizons, grace; declared by its family, families.ts `reachDays`; a KPI
// whose result depends on the data's end in any other way has none and is never kept). So once as_of is
// past P.end + R the result is settled: a later as_of cannot change it, and neither can a load whose rows
// all lie at or after P.end + R. Where the reach depends on the data (an offer's expiry, a spend row's
// dates, the engagement score's reference months), the family reads the instant P.end + R from it
// (families.ts `settlesAt`), or finds the period still open. Each load records the rows it added and the earliest instant among them
// (any time column of any table; a row without one counts as touching everything): `recordLoadReach`.
// A kept result is served while
//   - its KPI's definition (content hash) and the request's grain, min_sample and period are the same;
//   - every load since the one it was computed after is recorded, and all their rows lie at or after
//     P.end + R (late data for earlier days invalidates exactly the periods it can reach);
//   - the tables hold the rows it was computed on plus those loads' rows (a row written or removed by other
//     means invalidates every kept result);
//   - the request's as_of is past P.end + R.
// Keeping a period's results replaces the rows kept before for it, so the table holds one batch per KPI,
// grain, min_sample and period. Only requests at week grain or coarser without a breakdown or filter are kept and served: a breakdown's segments are those seen
// anywhere in the request's periods (result-grid.ts), so a period's rows depend on the request around it.
// Engines without transactions (ClickHouse) keep none.
import { createHash, randomUUID } from 'node:crypto';
import { type Catalog, definitionHash, getDefinition } from '../catalog/catalog.ts';
import type { Flag, KpiResult } from '../results/kpi-result.ts';
import { TABLE_NAMES, tableSpec } from '../schema/tables.ts';
import { LOAD_ID_COLUMN } from '../warehouse/canonical-ddl.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { tableNames } from '../warehouse/table-checks.ts';
import { definitionParams, familyFor, type SettleInstants } from './families.ts';
import { derivedExpr, exprInputs } from './metrics/derived.ts';
import type { Grain, Period } from './periods.ts';
import { earliestOf, instantText, recordSessionReach, sessionReach } from './rollups/session-reach.ts';

export const KEPT_RESULTS_TABLE = 'tenure_kept_results';
export const LOAD_REACH_TABLE = 'tenure_load_reach';

/** Stands for "before any data": the earliest instant of a load that added rows without a time. */
const BEFORE_ANY_DATA = '0001-01-01T00:00:00.000Z';
const DAY_MS = 86_400_000;

/**
 * Records what load `loadId` added: how many rows, and the earliest instant among them (the least of each
 * row's time columns; a row with none counts as before any data). Called by every load on an engine that
 * keeps results.
 */
export async function recordLoadReach(engine: Engine, loadId: number): Promise<void> {
  if (!engine.dialect.capabilities.transactions) return;
  let rows = 0;
  let events = 0;
  let earliest: string | null = null;
  const present = await tableNames(engine);
  for (const table of TABLE_NAMES) {
    if (!present.has(table)) continue;
    const times = tableSpec(table)
      .columns.filter((c) => c.kind === 'timestamp' || c.kind === 'date')
      .map((c) => engine.dialect.quoteIdentifier(c.name));
    const untimed = times.length ? times.map((t) => `${t} IS NULL`).join(' AND ') : 'TRUE';
    const mins = times.map((t, i) => `min(${t}) AS t${i}`);
    const [row] = await engine.query(
      `SELECT count(*) AS n, count(CASE WHEN ${untimed} THEN 1 END) AS untimed${mins.length ? `, ${mins.join(', ')}` : ''}
      FROM ${engine.dialect.quoteIdentifier(table)} WHERE ${LOAD_ID_COLUMN} = $1`,
      [loadId],
    );
    const n = Number(row?.n ?? 0);
    if (n === 0) continue;
    if (table === 'events') events = n;
    rows += n;
    const found = Number(row?.untimed ?? 0) > 0 ? [BEFORE_ANY_DATA] : [];
    for (let i = 0; i < times.length; i++) if (row?.[`t${i}`] != null) found.push(instantText(row[`t${i}`]));
    for (const t of found) if (earliest === null || t < earliest) earliest = t;
  }
  await engine.run(
    engine.dialect.createTableIfMissing(LOAD_REACH_TABLE, [
      ['load_id', 'integer'],
      ['rows_added', 'integer'],
      ['earliest_at', 'text'],
    ]),
  );
  await engine.run(`DELETE FROM ${LOAD_REACH_TABLE} WHERE load_id = $1`, [loadId]);
  await engine.run(`INSERT INTO ${LOAD_REACH_TABLE} VALUES ($1, $2, $3)`, [loadId, rows, earliest]);
  // No events: no session changed (a load with events has its sessions' reach recorded as they are kept).
  if (events === 0) await recordSessionReach(engine, [loadId], undefined, null);
}

/**
 * The data a computation read: the last load, the rows of every canonical table, and which tables hold
 * any (a KPI whose table was empty is no data, whatever the time of the rows that fill it).
 */
interface DataMark {
  readonly load: number;
  readonly rows: number;
  readonly tables: string;
}

async function dataMark(engine: Engine, present: ReadonlySet<string>): Promise<DataMark> {
  const counts: string[] = [];
  for (const table of TABLE_NAMES) {
    if (present.has(table)) {
      counts.push(
        `SELECT '${table}' AS t, count(*) AS n, max(${LOAD_ID_COLUMN}) AS l FROM ${engine.dialect.quoteIdentifier(table)}`,
      );
    }
  }
  if (counts.length === 0) return { load: 0, rows: 0, tables: '' };
  const rows = await engine.query<{ t: string; n: number; l: number | null }>(counts.join(' UNION ALL '));
  const held = rows.filter((r) => Number(r.n) > 0).map((r) => r.t);
  return {
    load: Math.max(0, ...rows.map((r) => Number(r.l ?? 0))),
    rows: rows.reduce((sum, r) => sum + Number(r.n), 0),
    tables: held.sort().join(' '),
  };
}

/** The KPI a result row belongs to: `mrr` for `mrr.arpa`. */
export const baseKpi = (kpi: string): string => kpi.split('.')[0] ?? kpi;

/** The forward reach of a KPI in this catalog, in days; undefined when its results never settle. */
export function reachDays(catalog: Catalog, kpi: string): number | undefined {
  const def = getDefinition(kpi, catalog);
  // A derived metric reaches as far as the farthest of its inputs, and never settles when one never does.
  const expr = derivedExpr(catalog, kpi);
  if (expr !== undefined) {
    const inputs = exprInputs(expr).map((input) =>
      sessionGapOf(catalog, input) === undefined ? reachDays(catalog, input) : undefined,
    );
    return inputs.some((d) => d === undefined) ? undefined : Math.max(0, ...(inputs as number[]));
  }
  const family = familyFor(def);
  if (!family) return undefined;
  const days = family.reachDays(kpi, definitionParams(def));
  return days === undefined || !Number.isFinite(days) || days < 0 ? undefined : days;
}

/** Whether a result of a period past its KPI's reach has settled (families' `settled`; by default yes). */
function resultSettled(catalog: Catalog, r: KpiResult): boolean {
  const kpi = baseKpi(r.kpi);
  if (derivedExpr(catalog, kpi) !== undefined) return true;
  return familyFor(getDefinition(kpi, catalog))?.settled(kpi, r) ?? true;
}

/**
 * The gap of the sessions a KPI's result for P belongs to (those starting in P, which run on past P's end:
 * session-reach.ts); undefined when it reads none so. A derived metric reading such a KPI is never kept
 * (reachDays).
 */
export function sessionGapOf(catalog: Catalog, kpi: string): number | undefined {
  const def = getDefinition(kpi, catalog);
  if (derivedExpr(catalog, kpi) !== undefined) return undefined;
  return familyFor(def)?.sessionGapMinutes(kpi, definitionParams(def));
}

/**
 * The hash kept results are held under: the definition's, and for a derived metric its inputs' too, so that a
 * changed input (an override of a catalog KPI it reads) sets its kept results aside.
 */
function keptHash(catalog: Catalog, kpi: string): string {
  const own = definitionHash(getDefinition(kpi, catalog));
  const expr = derivedExpr(catalog, kpi);
  if (expr === undefined) return own;
  return createHash('sha256')
    .update([own, ...exprInputs(expr).map((input) => keptHash(catalog, input))].join(' '))
    .digest('hex');
}

/** What identifies a request's kept results, apart from the KPI and period. */
export interface KeptRequest {
  readonly catalog: Catalog;
  readonly grain: Grain;
  readonly minSample: number;
  readonly asOf: string;
}

/** Kept results found for a request: by KPI, the rows of each period served, and the data mark now. */
export interface KeptFound {
  readonly rows: ReadonlyMap<string, ReadonlyMap<string, KpiResult[]>>;
  readonly mark: DataMark;
}

/** When a KPI's results for period `p` settle: P.end plus its reach; undefined when they never do. */
function settlesAt(reach: number | undefined, p: Period): string | undefined {
  return reach === undefined ? undefined : new Date(Date.parse(p.end) + reach * DAY_MS).toISOString();
}

/**
 * The settle instants the families read from the data (families.ts settlesAt), by KPI: for those KPIs
 * whose reach depends on it. A derived metric goes by reachDays.
 */
async function settleInstants(
  engine: Engine,
  req: KeptRequest,
  kpis: readonly string[],
  periods: readonly Period[],
): Promise<Map<string, SettleInstants>> {
  const out = new Map<string, SettleInstants>();
  for (const kpi of kpis) {
    if (derivedExpr(req.catalog, kpi) !== undefined) continue;
    const def = getDefinition(kpi, req.catalog);
    const instants = await familyFor(def)?.settlesAt(engine, kpi, definitionParams(def), periods, req.asOf);
    if (instants) out.set(kpi, instants);
  }
  return out;
}

/** The kept results still valid for these KPIs and periods (see the top of this file). */
export async function findKept(
  engine: Engine,
  req: KeptRequest,
  kpis: readonly string[],
  periods: readonly Period[],
): Promise<KeptFound> {
  // The warehouse's tables, read once for the whole lookup: each catalog query costs a few milliseconds,
  // as much as the small queries here.
  const present = await tableNames(engine);
  const mark = await dataMark(engine, present);
  const rows = new Map<string, Map<string, KpiResult[]>>();
  if (!engine.dialect.capabilities.transactions || !present.has(KEPT_RESULTS_TABLE)) {
    return { rows, mark };
  }
  const wanted = new Map(periods.map((p) => [p.start, p]));
  if (kpis.length === 0 || periods.length === 0) return { rows, mark };
  // Only the rows of these KPIs and periods: a warehouse keeps every KPI's months for years.
  const params = new SqlParams(engine.dialect);
  const stored = await engine.query<StoredRow>(
    `SELECT * FROM ${KEPT_RESULTS_TABLE} WHERE grain = ${params.bind(req.grain)}
      AND min_sample = ${params.bind(req.minSample)}
      AND kpi IN (${kpis.map((k) => params.bind(k)).join(', ')})
      AND period_start IN (${periods.map((p) => params.bind(p.start)).join(', ')})`,
    params.values,
  );
  const gapOf = new Map(kpis.map((k) => [k, sessionGapOf(req.catalog, k)]));
  const gaps = [...new Set([...gapOf.values()].filter((g) => g !== undefined))];
  const loads = await loadsAfter(engine, stored, gaps, present);
  const batches = new Map<string, { batch: string; rows: KpiResult[] }>();
  for (const s of stored) {
    const p = wanted.get(s.period_start);
    if (!p || p.end !== s.period_end || !kpis.includes(s.kpi)) continue;
    if (s.definition_hash !== keptHash(req.catalog, s.kpi)) continue;
    if (s.settles_at > req.asOf) continue;
    const since = loads.get(Number(s.load_id));
    if (!since || Number(s.data_rows) + since.rows !== mark.rows || s.data_tables !== mark.tables) continue;
    if (since.earliest !== null && since.earliest < s.settles_at) continue;
    // Sessions starting in P run on past it: no load since may have changed one that started before.
    const gap = gapOf.get(s.kpi);
    if (gap !== undefined) {
      const changed = since.sessions.get(gap);
      if (changed === undefined || (changed !== null && changed < s.settles_at)) continue;
    }
    const key = `${s.kpi}|${s.period_start}`;
    const held = batches.get(key);
    if (held && held.batch > s.batch) continue;
    const batch = held?.batch === s.batch ? held : { batch: s.batch, rows: [] };
    batch.rows.push(resultOf(s));
    batches.set(key, batch);
  }
  for (const [key, b] of batches) {
    const [kpi = '', start = ''] = key.split('|');
    const byPeriod = rows.get(kpi) ?? new Map<string, KpiResult[]>();
    byPeriod.set(start, b.rows);
    rows.set(kpi, byPeriod);
  }
  return { rows, mark };
}

/** Keeps the settled periods' results of a computation made on the data `mark` names. */
export async function keepResults(
  engine: Engine,
  req: KeptRequest,
  mark: DataMark,
  periods: readonly Period[],
  results: readonly KpiResult[],
): Promise<void> {
  if (!engine.dialect.capabilities.transactions) return;
  const settle = new Map<string, string>();
  const values: unknown[][] = [];
  const batch = `${new Date().toISOString()} ${randomUUID()}`;
  const hashes = new Map<string, string>();
  // A result its family knows has not settled whatever the reach (the engagement score against a scale
  // not yet final): none of its KPI's rows for that period is kept.
  const open = new Set(
    results.filter((r) => !resultSettled(req.catalog, r)).map((r) => `${baseKpi(r.kpi)}|${r.period_start}`),
  );
  const instants = await settleInstants(
    engine,
    req,
    [...new Set(results.map((r) => baseKpi(r.kpi)))],
    periods,
  );
  for (const r of results) {
    const kpi = baseKpi(r.kpi);
    const p = periods.find((x) => x.start === r.period_start && x.end === r.period_end);
    if (!p) continue;
    const key = `${kpi}|${p.start}`;
    if (open.has(key)) continue;
    if (!settle.has(key)) {
      const given = instants.get(kpi);
      const at = given ? (given.get(p.start) ?? undefined) : settlesAt(reachDays(req.catalog, kpi), p);
      settle.set(key, at !== undefined && at <= req.asOf ? at : '');
    }
    const at = settle.get(key);
    if (!at) continue;
    let hash = hashes.get(kpi);
    if (hash === undefined) {
      hash = keptHash(req.catalog, kpi);
      hashes.set(kpi, hash);
    }
    values.push([
      kpi,
      hash,
      req.grain,
      p.start,
      p.end,
      req.minSample,
      at,
      mark.load,
      mark.rows,
      mark.tables,
      batch,
      r.kpi,
      r.segment,
      JSON.stringify(r.value),
      JSON.stringify(r.numerator),
      JSON.stringify(r.denominator),
      r.n,
      r.flags.join(' '),
    ]);
  }
  if (values.length === 0) return;
  await engine.run(engine.dialect.createTableIfMissing(KEPT_RESULTS_TABLE, STORED_COLUMNS));
  // The rows kept before for the same KPIs and periods (stale, or another computation's) are replaced; one
  // INSERT per few hundred rows, in one transaction: a run reads all of a batch or none of it.
  const kpis = [...new Set(values.map((v) => String(v[0])))];
  const starts = [...new Set(values.map((v) => String(v[3])))];
  await engine.transaction(async (tx) => {
    const list = (from: number, n: number) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
    await tx.run(
      `DELETE FROM ${KEPT_RESULTS_TABLE} WHERE grain = $1 AND min_sample = $2
        AND kpi IN (${list(3, kpis.length)}) AND period_start IN (${list(3 + kpis.length, starts.length)})`,
      [req.grain, req.minSample, ...kpis, ...starts],
    );
    const width = STORED_COLUMNS.length;
    for (let i = 0; i < values.length; i += 200) {
      const chunk = values.slice(i, i + 200);
      const tuples = chunk.map(
        (_, j) => `(${STORED_COLUMNS.map((_, c) => `$${j * width + c + 1}`).join(', ')})`,
      );
      await tx.run(`INSERT INTO ${KEPT_RESULTS_TABLE} VALUES ${tuples.join(', ')}`, chunk.flat() as never[]);
    }
  });
}

/** Drops every kept result (their table); the next computations keep them again. */
export async function dropKeptResults(engine: Engine): Promise<void> {
  await engine.run(`DROP TABLE IF EXISTS ${KEPT_RESULTS_TABLE}`);
}

const STORED_COLUMNS: [string, 'text' | 'integer'][] = [
  ['kpi', 'text'],
  ['definition_hash', 'text'],
  ['grain', 'text'],
  ['period_start', 'text'],
  ['period_end', 'text'],
  ['min_sample', 'integer'],
  ['settles_at', 'text'],
  ['load_id', 'integer'],
  ['data_rows', 'integer'],
  ['data_tables', 'text'],
  ['batch', 'text'],
  ['result_kpi', 'text'],
  ['segment', 'text'],
  ['value', 'text'],
  ['numerator', 'text'],
  ['denominator', 'text'],
  ['n', 'integer'],
  ['flags', 'text'],
];

interface StoredRow {
  [column: string]: string | number | null;
  kpi: string;
  definition_hash: string;
  period_start: string;
  period_end: string;
  settles_at: string;
  load_id: number;
  data_rows: number;
  data_tables: string;
  batch: string;
  result_kpi: string;
  segment: string;
  value: string;
  numerator: string;
  denominator: string;
  n: number;
  flags: string;
}

const resultOf = (s: StoredRow): KpiResult => ({
  kpi: s.result_kpi,
  period_start: s.period_start,
  period_end: s.period_end,
  segment: s.segment,
  value: JSON.parse(s.value) as number | null,
  numerator: JSON.parse(s.numerator) as number | null,
  denominator: JSON.parse(s.denominator) as number | null,
  n: Number(s.n),
  flags: (s.flags === '' ? [] : s.flags.split(' ')) as Flag[],
});

/**
 * For each load id kept results were computed after: the rows added by the loads since and the earliest
 * instant among them (null: none added); missing when a load since has no record (its reach is unknown).
 */
async function loadsAfter(
  engine: Engine,
  stored: readonly StoredRow[],
  gaps: readonly number[],
  present: ReadonlySet<string>,
): Promise<Map<number, LoadsSince>> {
  const out = new Map<number, LoadsSince>();
  const ids = [...new Set(stored.map((s) => Number(s.load_id)))];
  if (ids.length === 0) return out;
  const recorded = present.has(LOAD_REACH_TABLE)
    ? await engine.query<{ load_id: number; rows_added: number; earliest_at: string | null }>(
        `SELECT load_id, rows_added, earliest_at FROM ${LOAD_REACH_TABLE}`,
      )
    : [];
  const loads = await engine.query<{ load_id: number }>('SELECT load_id FROM tenure_loads');
  const reach = new Map(recorded.map((r) => [Number(r.load_id), r]));
  const sessions = await sessionReach(engine, gaps, present);
  for (const id of ids) {
    let rows = 0;
    let earliest: string | null = null;
    let known = true;
    // Per gap, the earliest start of a session changed since (null: none); left out once a load is unknown.
    const changed = new Map<number, string | null>(gaps.map((g) => [g, null]));
    for (const l of loads) {
      const load = Number(l.load_id);
      if (load <= id) continue;
      const r = reach.get(load);
      if (!r) {
        known = false;
        break;
      }
      rows += Number(r.rows_added);
      earliest = earliestOf(earliest, r.earliest_at);
      for (const [g, at] of changed) {
        const here = sessions.get(load)?.get(g);
        if (here === undefined) changed.delete(g);
        else changed.set(g, earliestOf(at, here));
      }
    }
    if (known) out.set(id, { rows, earliest, sessions: changed });
  }
  return out;
}

/** What the loads after a kept result's load added: rows, their earliest instant, sessions changed. */
interface LoadsSince {
  readonly rows: number;
  readonly earliest: string | null;
  /** Per session gap, the earliest start of a session they changed (null: none); missing: unknown. */
  readonly sessions: ReadonlyMap<number, string | null>;
}
