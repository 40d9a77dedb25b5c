// The data-quality checks of a warehouse: freshness of every timed table against a reference time, then for
// the tables that are fresh the latest complete day's row count and null shares against recent history,
// and each table's latest load against its earlier loads. Summaries come from SQL (summaries.ts), the
// judgements from pure functions (detect.ts); this file only joins them and words the findings.
import { formatValue } from '../results/format.ts';
import type { TableName } from '../schema/tables.ts';
import type { Engine } from '../warehouse/engine.ts';
import { type DataQualityConfig, freshnessLimit } from './config.ts';
import { shareJump, staleness, volumeJump } from './detect.ts';
import { count, percent, type QualityFinding, weekdayOf } from './findings.ts';
import {
  dailyCounts,
  dayIso,
  type LoadQuarantine,
  nullableColumns,
  nullCounts,
  quarantineByLoad,
  type TableSpan,
  tableSpan,
  timedTables,
  topQuarantineReasons,
} from './summaries.ts';
import { timeColumn } from './time-column.ts';

const DAY_MS = 86_400_000;

export interface QualityOptions {
  /** The data's end: the day holding it is not over, the one before is the latest complete day. */
  readonly asOf: string;
  /** What freshness is judged against: the clock, or the --as-of given. Defaults to asOf. */
  readonly reference?: string;
}

const minutes = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function freshnessFinding(table: TableName, span: TableSpan, limit: number, reference: string) {
  if (span.latest === null) return null;
  const stale = staleness(span.latest, reference, limit);
  if (!stale) return null;
  const column = timeColumn(table)?.name ?? '';
  const finding: QualityFinding = {
    key: `data_quality|freshness|${table}|${span.latest.slice(0, 10)}`,
    check: 'freshness',
    severity: stale.age_days > 2 * limit ? 'critical' : 'warning',
    table,
    column,
    day: span.latest,
    message: `${table} is stale: its newest row (${column}) is from ${minutes(span.latest)}, ${formatValue(stale.age_days, 'days')} before ${minutes(reference)} (limit ${limit} days)`,
    action: `check that the export or pipeline feeding ${table} still runs and load the missing files with \`tenure ingest\`; if ${table} is meant to be updated less often, raise data_quality.freshness_days.${table} in tenure.yaml`,
    numbers: { latest: span.latest, reference, age_days: stale.age_days, limit_days: limit },
  };
  return finding;
}

async function volumeFinding(
  engine: Engine,
  table: TableName,
  span: TableSpan,
  day: number,
  config: DataQualityConfig['volume'],
): Promise<QualityFinding | null> {
  if (timeColumn(table)?.kind !== 'timestamp' || span.first_day === null) return null;
  if ((config.skip as readonly string[]).includes(table)) return null;
  const from = Math.max(day - 7 * config.weeks, span.first_day);
  const counts = await dailyCounts(engine, table, from, day);
  const sameWeekday: number[] = [];
  for (let w = 1; w <= config.weeks && day - 7 * w >= from; w++)
    sameWeekday.push(counts.get(day - 7 * w) ?? 0);
  const n = counts.get(day) ?? 0;
  const jump = volumeJump(n, sameWeekday, {
    k: config.k,
    minRatio: config.min_ratio,
    minDailyRows: config.min_daily_rows,
  });
  if (!jump) return null;
  const iso = dayIso(day);
  const weekday = weekdayOf(iso);
  const factor = jump.median === 0 ? '' : `${formatValue(n / jump.median, 'ratio')} `;
  return {
    key: `data_quality|volume|${table}|${iso.slice(0, 10)}`,
    check: 'volume',
    severity: n === 0 || n >= 10 * jump.median || 10 * n <= jump.median ? 'critical' : 'warning',
    table,
    day: iso,
    message: `${table} had ${count(n)} rows on ${iso.slice(0, 10)} (a ${weekday}), ${factor}the median of the ${sameWeekday.length} ${weekday}s before (${count(jump.median)}; expected ${count(Math.max(0, jump.low))}–${count(jump.high)})`,
    action:
      jump.direction === 'up'
        ? `look for a file delivered twice under new ids, a backfill or a tracking change (\`tenure quarantine\` and the load list show what each load brought)`
        : `look for a missing or partial file, or tracking that stopped, for ${iso.slice(0, 10)}`,
    numbers: { rows: n, median: jump.median, sigma: jump.sigma, low: jump.low, high: jump.high },
  };
}

async function nullFindings(
  engine: Engine,
  table: TableName,
  day: number,
  config: DataQualityConfig['null_rate'],
): Promise<QualityFinding[]> {
  if (timeColumn(table)?.kind !== 'timestamp' || nullableColumns(table).length === 0) return [];
  const { latest, baseline } = await nullCounts(engine, table, day, config.baseline_days);
  const iso = dayIso(day);
  const out: QualityFinding[] = [];
  for (const column of nullableColumns(table)) {
    const jump = shareJump(
      { n: latest.n, k: latest.nulls[column] ?? 0 },
      { n: baseline.n, k: baseline.nulls[column] ?? 0 },
      { z: config.z, minJump: config.min_jump, minRows: config.min_rows, minOn: 'n' },
    );
    if (!jump) continue;
    out.push({
      key: `data_quality|null_rate|${table}.${column}|${iso.slice(0, 10)}`,
      check: 'null_rate',
      severity: jump.share >= 0.9 ? 'critical' : 'warning',
      table,
      column,
      day: iso,
      message: `${table}.${column} was empty in ${percent(jump.share)} of ${count(latest.n)} rows on ${iso.slice(0, 10)}, against ${percent(jump.baseline_share)} of ${count(baseline.n)} rows over the ${config.baseline_days} days before${jump.z === null ? '' : ` (z = ${jump.z.toFixed(1)})`}`,
      action: `check whether the source renamed or stopped sending ${column} (a changed export, a tracking release), fix it there and load the day again`,
      numbers: {
        rows: latest.n,
        nulls: latest.nulls[column] ?? 0,
        share: jump.share,
        baseline_rows: baseline.n,
        baseline_share: jump.baseline_share,
        z: jump.z,
      },
    });
  }
  return out;
}

async function quarantineFindings(
  engine: Engine,
  config: DataQualityConfig['quarantine'],
): Promise<QualityFinding[]> {
  const byTable = new Map<string, LoadQuarantine[]>();
  for (const l of await quarantineByLoad(engine)) {
    byTable.set(l.table_name, [...(byTable.get(l.table_name) ?? []), l]);
  }
  const out: QualityFinding[] = [];
  for (const [table, loads] of byTable) {
    const latest = loads[loads.length - 1];
    if (!latest) continue;
    const before = loads.slice(Math.max(0, loads.length - 1 - config.loads), -1);
    const base = {
      n: before.reduce((s, l) => s + l.rows_read, 0),
      k: before.reduce((s, l) => s + l.rows_quarantined, 0),
    };
    const jump = shareJump({ n: latest.rows_read, k: latest.rows_quarantined }, base, {
      z: config.z,
      minJump: config.min_jump,
      minRows: config.min_rows,
      minOn: 'k',
    });
    if (!jump) continue;
    const reasons = await topQuarantineReasons(engine, latest.load_id, table);
    const named = reasons
      .map((r) => `${r.reason_code}${r.column_name ? ` in ${r.column_name}` : ''} (${count(r.rows)})`)
      .join(', ');
    const against =
      before.length === 0
        ? 'its first load'
        : `${percent(jump.baseline_share)} in the ${before.length} load(s) before`;
    out.push({
      key: `data_quality|quarantine|${table}|load ${latest.load_id}`,
      check: 'quarantine',
      severity: jump.share >= 0.1 ? 'critical' : 'warning',
      table,
      load_id: latest.load_id,
      message: `load ${latest.load_id} quarantined ${count(latest.rows_quarantined)} of ${count(latest.rows_read)} ${table} rows (${percent(jump.share)}), against ${against}${named ? `; top reasons: ${named}` : ''}`,
      action: `see the rows with \`tenure quarantine --table ${table}\`, fix them at the source and load the file again`,
      numbers: {
        load_id: latest.load_id,
        rows_read: latest.rows_read,
        rows_quarantined: latest.rows_quarantined,
        share: jump.share,
        baseline_share: jump.baseline_share,
        z: jump.z,
      },
    });
  }
  return out;
}

/** Every data-quality finding of the warehouse, in table order (freshness, volume, nulls), then loads. */
export async function runDataQuality(
  engine: Engine,
  config: DataQualityConfig,
  opts: QualityOptions,
): Promise<QualityFinding[]> {
  if (!config.enabled) return [];
  const reference = opts.reference ?? opts.asOf;
  const day = Math.floor(Date.parse(opts.asOf) / DAY_MS) - 1;
  const out: QualityFinding[] = [];
  for (const table of await timedTables(engine)) {
    const span = await tableSpan(engine, table, opts.asOf);
    if (span.rows === 0) continue; // not delivered: nothing to judge
    const limit = freshnessLimit(config, table);
    const stale = limit === undefined ? null : freshnessFinding(table, span, limit, reference);
    if (stale) {
      // A stale table's latest days are empty because of it; saying so again per check adds nothing.
      out.push(stale);
      continue;
    }
    const volume = await volumeFinding(engine, table, span, day, config.volume);
    if (volume) out.push(volume);
    out.push(...(await nullFindings(engine, table, day, config.null_rate)));
  }
  out.push(...(await quarantineFindings(engine, config.quarantine)));
  return out;
}
