// Feature KPIs: ongoing feature adoption, retained feature users and the time to the first repeat of a key
// action (KPI-DEFAULTS.md). Users are `coalesce(user_id, customer_id)`; a user's segment is its account's.
//
// Choices where KPI-DEFAULTS.md leaves room (each is tested):
// - feature adoption: the n complete ISO weeks before p_end end at the Monday on or before p_end. Numerator:
//   users active in those weeks who used the feature in ≥ k distinct weeks; denominator: users active in
//   any of them. When those weeks reach past as_of, or begin before the data's first day (the UTC day of the
//   first event: earlier weeks are not observed, so users would look like they used a feature in fewer
//   weeks than they did), the value is null and censored. The plain id is the mean over features (Σ adopters
//   / #features over the same denominator).
// - retained feature users: P−1 from `previousPeriod` (same grain). The plain id pools user–feature pairs:
//   Σ retained / Σ users of a feature in P−1.
// - time to first repeat: the first and second use by event time (ties by event_id). A user counts once
//   first_at + horizon_days ≤ as_of, repeated or not; a user whose horizon is open is censored — left out
//   of the share's numerator and denominator and of the median, even when already repeated (else every
//   recent share leans up). The median is in fractional days over the closed users who repeated in time.
// - sub-results, named as the catalog's `also` says: `.per_feature.<feature>` (adoption, retained users),
//   `.repeat_share` (time to first repeat).
// A column read through a join is named in the SELECT (`x.day AS day`): ClickHouse names a bare `x.day`
// "x.day" when another table of the join has a `day`, and the readers of the rows would not find it.
import { type KpiResult, type ResultContext, subResult } from '../../results/kpi-result.ts';
import type { Dialect, Engine, Row } from '../../warehouse/engine.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';
import { firstEventAt } from '../as-of.ts';
import {
  type PeriodSegmentTables,
  periodDimensionsOf,
  segmentJoin,
  segmentSql,
  segmentsAt,
} from '../dimensions.ts';
import { eventFilter } from '../event-filter.ts';
import type { FamilyRequest } from '../family-request.ts';
import { type Period, periodStart } from '../periods.ts';
import { previousPeriod } from '../previous-period.ts';
import { assemble } from '../result-grid.ts';
import { type RunRollups, withRollups } from '../rollups/run-rollups.ts';
import {
  type KeptWeeks,
  MAX_WEEK_WORDS,
  WORD_BITS,
  weekRowsSql,
  wordAggregates,
} from '../rollups/week-masks.ts';
import { dateParam, instantParam, periodDaysSql, periodsValues, secondsBetween } from '../sql-time.ts';
import { censoredRatio, medianResult, num, runKeyed } from './activation.ts';

export interface FeatureParams {
  readonly features: readonly string[];
  /** Weeks (of the last n) in which a feature must be used to count as adopted. */
  readonly k: number;
  readonly n: number;
  /** Events that make a user active (empty: every event). */
  readonly activeEvents: readonly string[];
  readonly keyAction: string;
  readonly horizonDays: number;
}

export const DEFAULT_FEATURE_PARAMS: FeatureParams = {
  features: ['use_reports', 'use_dashboards', 'use_alerts', 'use_api'],
  k: 3,
  n: 4,
  activeEvents: [],
  keyAction: 'create_report',
  horizonDays: 30,
};

export type FeatureRequest = FamilyRequest<FeatureParams>;

export const FEATURE_KPIS = [
  'feature_adoption_rate',
  'retained_feature_users',
  'time_to_first_repeat_action',
] as const;

const DAY_MS = 86_400_000;

/** The UTC midnight of the first event's day (epoch ms); undefined without events. */
async function firstEventDay(engine: Engine): Promise<number | undefined> {
  const first = await firstEventAt(engine);
  return first === undefined ? undefined : Math.floor(Date.parse(first) / DAY_MS) * DAY_MS;
}

/** The n complete ISO weeks before the period's end: [start, end). */
export function adoptionWeeks(p: Period, n: number): { start: string; end: string } {
  const end = periodStart(new Date(p.end), 'week');
  return { start: new Date(end.getTime() - n * 7 * DAY_MS).toISOString(), end: end.toISOString() };
}

/**
 * Rows part '' (eligible = active users) and part = feature (hits = adopters among them). Each user's weeks
 * are bit masks (week-masks.ts): of activity (from user days) and of each feature (from its activity rows).
 * The warehouse keeps them for the data's weeks (`t.weeks`); else they are grouped here from the earliest
 * window on, while the windows' weeks fit a few words (else days are paired with windows). Each window then
 * counts the bits of its own weeks.
 */
function adoptionSql(
  req: FeatureRequest,
  t: AdoptionTables,
  features: readonly string[],
  params: SqlParams,
  dialect: Dialect,
): string {
  const n = req.params.n;
  const starts = req.periods.map((p) => adoptionWeeks(p, n).start.slice(0, 10));
  const earliest = [...starts].sort()[0];
  // A user's masks hold no period, so a breakdown by a period dimension pairs days with windows.
  const perPeriod = periodDimensionsOf(req.by).length > 0;
  if (earliest === undefined || n < 1 || perPeriod) return adoptionByDaySql(req, t, features, params);
  const kept =
    t.weeks && t.weeks.user.origin === t.weeks.feature.origin && t.weeks.user.words === t.weeks.feature.words
      ? t.weeks
      : undefined;
  const origin = kept?.user.origin ?? earliest;
  const bases = starts.map((w) => Math.round((Date.parse(w) - Date.parse(origin)) / (7 * DAY_MS)));
  const words = kept?.user.words ?? Math.ceil((Math.max(...bases) + n) / WORD_BITS);
  if (!kept && words > MAX_WEEK_WORDS) return adoptionByDaySql(req, t, features, params);
  const ws = Array.from({ length: words }, (_, j) => j);
  // Each window's weeks as bits of each word (bound as text: 62-bit values are past a double's precision);
  // weeks outside the masks' (before the kept origin, after its last word) hold no activity.
  const windowRows = req.periods.map((p, i) => {
    const base = bases[i] ?? 0;
    const masks = ws.map((j) => {
      let m = 0n;
      for (let g = Math.max(base, 0); g < base + n; g++)
        if (Math.floor(g / WORD_BITS) === j) m |= 1n << BigInt(g % WORD_BITS);
      return `CAST(${params.bind(m.toString())} AS BIGINT)`;
    });
    return `(${instantParam(params, p.start)}, ${masks.join(', ')})`;
  });
  const cols = (alias: string, prefix = 'w') => ws.map((j) => `${alias}.w${j} AS ${prefix}${j}`).join(', ');
  const activeIn = (alias: string, prefix = 'w') =>
    `(${ws.map((j) => `${dialect.bitAnd(`${alias}.${prefix}${j}`, `w.m${j}`)} <> 0`).join(' OR ')})`;
  const weeksIn = (alias: string) =>
    ws.map((j) => dialect.bitCount(dialect.bitAnd(`${alias}.w${j}`, `w.m${j}`))).join(' + ');
  const k = params.bind(req.params.k);
  const everyEvent = req.params.activeEvents.length === 0;
  const active = kept
    ? `SELECT * FROM ${kept.user.table}`
    : `SELECT u.user_key, min(u.customer_id) AS customer_id, ${wordAggregates(dialect, 'u', words)}
    FROM (${weekRowsSql(t.userDays, origin, words, params)}) u GROUP BY 1`;
  const adopters = kept
    ? `SELECT f.user_key, f.name AS part, f.customer_id, ${cols('f')} FROM ${kept.feature.table} f
    WHERE ${eventFilter('f', features, params)}`
    : `SELECT u.user_key, u.name AS part, min(u.customer_id) AS customer_id, ${wordAggregates(dialect, 'u', words)}
    FROM (${weekRowsSql(t.activity, origin, words, params, eventFilter('x', features, params))}) u GROUP BY 1, 2`;
  // With every event counting as activity, a feature user is an active user: no need to find it among them.
  const adopterPatterns = everyEvent
    ? `SELECT ${segmentSql(req.by, params)} AS segment, d.part AS part, ${cols('d')}, count(*) AS users
      FROM adopters d ${segmentJoin(req.by, 'd.customer_id')} GROUP BY ${['1', '2', ...ws.map((j) => `${j + 3}`)].join(', ')}`
    : `SELECT ${segmentSql(req.by, params)} AS segment, d.part AS part, ${cols('d')}, ${cols('a', 'a')}, count(*) AS users
      FROM adopters d JOIN active a ON a.user_key = d.user_key ${segmentJoin(req.by, 'a.customer_id')}
      GROUP BY ${['1', '2', ...ws.map((j) => `${j + 3}`), ...ws.map((j) => `${j + 3 + words}`)].join(', ')}`;
  return `WITH windows AS (
    SELECT * FROM (VALUES ${windowRows.join(', ')}) AS v(period_start, ${ws.map((j) => `m${j}`).join(', ')})),
  active AS (${active}),
  active_patterns AS (
    SELECT ${segmentSql(req.by, params)} AS segment, ${cols('a')}, count(*) AS users
    FROM active a ${segmentJoin(req.by, 'a.customer_id')} GROUP BY ${['1', ...ws.map((j) => `${j + 2}`)].join(', ')}),
  adopters AS (${adopters}),
  adopter_patterns AS (${adopterPatterns})
  SELECT w.period_start AS period_start, s.segment AS segment, '' AS part, sum(s.users) AS eligible, 0 AS hits
  FROM windows w JOIN active_patterns s ON ${activeIn('s')}
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT w.period_start, s.segment, s.part, 0, sum(s.users)
  FROM windows w JOIN adopter_patterns s ON ${weeksIn('s')} >= ${k}${everyEvent ? '' : ` AND ${activeIn('s', 'a')}`}
  GROUP BY 1, 2, 3`;
}

/** Adoption by pairing days with windows (see adoptionSql). */
function adoptionByDaySql(
  req: FeatureRequest,
  t: AdoptionTables,
  features: readonly string[],
  params: SqlParams,
): string {
  const windows = req.periods.map((p) => {
    const w = adoptionWeeks(p, req.params.n);
    return `(${instantParam(params, p.start)}, ${dateParam(params, w.start)})`;
  });
  const weeks = params.bind(req.params.n);
  // Distinct weeks as a sum of one flag per week (cheaper than a distinct count) while the window is short.
  const weekCount =
    req.params.n >= 1 && req.params.n <= 12
      ? Array.from(
          { length: req.params.n },
          (_, i) => `max(CASE WHEN wd.week = ${i} THEN 1 ELSE 0 END)`,
        ).join(' + ')
      : 'count(DISTINCT wd.week)';
  // With every event counting as activity, a feature user is an active user: no need to find it among them.
  const everyEvent = req.params.activeEvents.length === 0;
  const adopted = everyEvent
    ? `SELECT d.period_start, ${segmentSql(req.by, params)}, d.part, 0, count(*)
  FROM adopters d ${segmentJoin(req.by, 'd.customer_id', segmentsAt('d.period_start', t.segments))} GROUP BY 1, 2, 3`
    : `SELECT a.period_start, ${segmentSql(req.by, params)}, d.part, 0, count(*)
  FROM adopters d JOIN active a ON a.period_start = d.period_start AND a.user_key = d.user_key
  ${segmentJoin(req.by, 'a.customer_id', segmentsAt('a.period_start', t.segments))} GROUP BY 1, 2, 3`;
  return `WITH windows AS (SELECT * FROM (VALUES ${windows.join(', ')}) AS v(period_start, w_start)),
  window_days AS (
    SELECT w.period_start AS period_start, w.w_start + CAST(g.i AS INTEGER) AS day,
      CAST(floor(g.i / 7.0) AS INTEGER) AS week
    FROM windows w CROSS JOIN ${params.dialect.series('0', `7 * CAST(${weeks} AS INTEGER) - 1`, 'g')}),
  active AS (
    SELECT wd.period_start AS period_start, u.user_key AS user_key, min(u.customer_id) AS customer_id
    FROM ${t.userDays} u
    JOIN window_days wd ON wd.day = u.day GROUP BY 1, 2),
  adopters AS (
    SELECT wd.period_start AS period_start, a.user_key AS user_key, a.name AS part,
      min(a.customer_id) AS customer_id
    FROM ${t.activity} a
    JOIN window_days wd ON wd.day = a.day
    WHERE ${eventFilter('a', features, params)}
    GROUP BY 1, 2, 3 HAVING ${weekCount} >= ${params.bind(req.params.k)})
  SELECT a.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, '' AS part, count(*) AS eligible,
    0 AS hits
  FROM active a ${segmentJoin(req.by, 'a.customer_id', segmentsAt('a.period_start', t.segments))} GROUP BY 1, 2, 3
  UNION ALL
  ${adopted}`;
}

/**
 * Rows per period, segment and feature: users of it in P−1 (eligible) and those among them using it in P.
 * One pass over the features' activity rows finds each user's features in every span (the periods and the
 * periods before them, numbered); each period then pairs its own span with the one before it. A user's
 * segment is its account's (the least account its activity names).
 */
function retainedSql(
  req: FeatureRequest,
  activity: string,
  features: readonly string[],
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const spans: { start: string; end: string }[] = [];
  const spanNo = (p: { start: string; end: string }) => {
    const i = spans.findIndex((s) => s.start === p.start && s.end === p.end);
    return i >= 0 ? i : spans.push(p) - 1;
  };
  const pairs = req.periods.map(
    (p) => `(${instantParam(params, p.start)}, ${spanNo(previousPeriod(p, req.grain))}, ${spanNo(p)})`,
  );
  const spanRows = spans.map((s, i) => `(${i}, ${dateParam(params, s.start)}, ${dateParam(params, s.end)})`);
  const common = `WITH spans AS (SELECT * FROM (VALUES ${spanRows.join(', ')}) AS v(period_start, start_day, end_day)),
  span_days AS (${periodDaysSql(params.dialect, spans, 'spans')}),
  pairs AS (SELECT * FROM (VALUES ${pairs.join(', ')}) AS v(period_start, before_no, period_no))`;
  const isFeature = eventFilter('a', features, params);
  const d = params.dialect;
  const one = 'CAST(1 AS BIGINT)';
  const has = (spans: string, no: string) => `${d.bitAnd(spans, d.shiftLeft(one, no))} <> 0`;
  // A user's span bits hold every period, so a breakdown by a period dimension pairs spans row by row.
  if (spans.length <= MASK_SPANS && periodDimensionsOf(req.by).length === 0) {
    // Each user's use of each feature as one bit per span: a period's retained users have its bit and its
    // previous period's bit set. One grouping by user and feature, then by segment, feature and pattern
    // (users with the same spans count together) — no self-join of users.
    return `${common},
  used AS (
    SELECT a.user_key AS user_key, a.name AS part, min(a.customer_id) AS customer_id,
      ${d.bitOr(d.shiftLeft(one, 'sd.period_start'))} AS spans
    FROM ${activity} a JOIN span_days sd ON sd.day = a.day
    WHERE ${isFeature} GROUP BY 1, 2),
  patterns AS (
    SELECT ${segmentSql(req.by, params)} AS segment, u.part AS part, u.spans AS spans, count(*) AS users
    FROM used u ${segmentJoin(req.by, 'u.customer_id')} GROUP BY 1, 2, 3)
  SELECT p.period_start AS period_start, s.segment AS segment, s.part AS part, sum(s.users) AS eligible,
    sum(CASE WHEN ${has('s.spans', 'p.period_no')} THEN s.users ELSE 0 END) AS hits
  FROM pairs p JOIN patterns s ON ${has('s.spans', 'p.before_no')}
  GROUP BY 1, 2, 3`;
  }
  return `${common},
  uses AS (
    SELECT sd.period_start AS span_no, a.user_key AS user_key, a.name AS part, min(a.customer_id) AS customer_id
    FROM ${activity} a JOIN span_days sd ON sd.day = a.day
    WHERE ${isFeature} GROUP BY 1, 2, 3)
  SELECT p.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, b.part AS part, count(*) AS eligible,
    count(a.user_key) AS hits
  FROM pairs p JOIN uses b ON b.span_no = p.before_no
  ${segmentJoin(req.by, 'b.customer_id', segmentsAt('p.period_start', segments))}
  LEFT JOIN uses a ON a.span_no = p.period_no AND a.user_key = b.user_key AND a.part = b.part
  GROUP BY 1, 2, 3`;
}

/** Spans whose use one signed 64-bit mask holds, a bit each. */
const MASK_SPANS = 62;

/** `firstUses`: the run's first two uses of the key action per user (RunRollups.firstUses). */
function repeatSql(
  req: FeatureRequest,
  firstUses: string,
  segments: PeriodSegmentTables,
  params: SqlParams,
): string {
  const d = params.dialect;
  const horizonEnd = d.addInterval('f.first_at', params.bind(req.params.horizonDays), 'day');
  const repeatDays = `CASE WHEN repeated = 1 AND closed = 1 THEN ${secondsBetween(d, 'second_at', 'first_at')} / 86400.0 END`;
  return `WITH periods AS (${periodsValues(req.periods, params)}),
  firsts AS (SELECT * FROM ${firstUses}),
  marked AS (
    SELECT p.period_start AS period_start, ${segmentSql(req.by, params)} AS segment, f.first_at AS first_at,
      f.second_at AS second_at, CASE WHEN f.second_at <= ${horizonEnd} THEN 1 ELSE 0 END AS repeated,
      CASE WHEN ${horizonEnd} <= ${instantParam(params, req.asOf)} THEN 1 ELSE 0 END AS closed
    FROM firsts f JOIN periods p ON f.first_at >= p.period_start AND f.first_at < p.period_end
    ${segmentJoin(req.by, 'f.customer_id', segmentsAt('p.period_start', segments))})
  SELECT period_start, segment, '' AS part, sum(repeated * closed) AS hits, sum(1 - closed) AS censored,
    sum(closed) AS eligible,
    ${d.percentileCont('0.5', repeatDays)} AS median_days
  FROM marked GROUP BY 1, 2, 3`;
}

interface AdoptionTables {
  readonly activity: string;
  readonly userDays: string;
  readonly weeks?: { user: KeptWeeks; feature: KeptWeeks };
  /** The period segments the breakdown reads. */
  readonly segments: PeriodSegmentTables;
}

/** The tables adoption reads: activity and user days, and the kept week masks when the warehouse has both. */
async function adoptionTables(
  rollups: RunRollups,
  req: FeatureRequest,
  features: readonly string[],
  segments: PeriodSegmentTables,
): Promise<AdoptionTables> {
  const user = await rollups.keptWeeks('user', req.params.activeEvents);
  const feature = await rollups.keptWeeks('feature', features);
  return {
    activity: await rollups.activity(features),
    userDays: await rollups.userDays(req.params.activeEvents),
    weeks: user && feature ? { user, feature } : undefined,
    segments,
  };
}

export function computeFeatureKpis(engine: Engine, req: FeatureRequest): Promise<KpiResult[]> {
  return withRollups(engine, req.rollups, (session, rollups) => featureKpis(session, rollups, req));
}

async function featureKpis(engine: Engine, rollups: RunRollups, req: FeatureRequest): Promise<KpiResult[]> {
  const wanted = req.kpis.filter((k) => (FEATURE_KPIS as readonly string[]).includes(k));
  if (wanted.length === 0) return [];
  const hasEvents = await tableHasRows(engine, 'events');
  const features = [...new Set(req.params.features)];
  const none = new Map<string, Row>();
  const want = (k: string) => hasEvents && wanted.includes(k);
  const firstDay = want('feature_adoption_rate') ? await firstEventDay(engine) : undefined;
  const segments = hasEvents ? await rollups.segmentTables(req.by, req.periods, req) : {};
  const adoption =
    want('feature_adoption_rate') && features.length
      ? await runKeyed(engine, async (p) =>
          adoptionSql(
            req,
            await adoptionTables(rollups, req, features, segments),
            features,
            p,
            engine.dialect,
          ),
        )
      : none;
  const retained =
    want('retained_feature_users') && features.length
      ? await runKeyed(engine, async (p) =>
          retainedSql(req, await rollups.activity(features), features, segments, p),
        )
      : none;
  const repeat = want('time_to_first_repeat_action')
    ? await runKeyed(engine, async (p) =>
        repeatSql(req, await rollups.firstUses(req.params.keyAction), segments, p),
      )
    : none;
  return assemble(
    req,
    wanted,
    [adoption, retained, repeat],
    () => hasEvents,
    (kpi, ctx, key) => {
      switch (kpi) {
        case 'feature_adoption_rate': {
          const weeks = adoptionWeeks({ start: ctx.period_start, end: ctx.period_end }, req.params.n);
          // Weeks not wholly observed: past as_of, or before the data's first day.
          const open =
            Date.parse(weeks.end) > Date.parse(req.asOf) ||
            (firstDay !== undefined && Date.parse(weeks.start) < firstDay);
          const active = num(adoption.get(`${key}|`), 'eligible');
          const rate = (c: ResultContext, hits: number) => {
            const r = censoredRatio(c, hits, active, 0);
            return open
              ? {
                  ...r,
                  value: null,
                  numerator: null,
                  denominator: null,
                  flags: [...r.flags, 'censored' as const],
                }
              : r;
          };
          const hits = features.map((f) => num(adoption.get(`${key}|${f}`), 'hits'));
          const mean = hits.reduce((a, b) => a + b, 0) / Math.max(features.length, 1);
          return [
            rate(ctx, mean),
            ...features.map((f, i) => rate(subResult(ctx, `per_feature.${f}`), hits[i] ?? 0)),
          ];
        }
        case 'retained_feature_users': {
          const rows = features.map((f) => retained.get(`${key}|${f}`));
          const total = (k: string) => rows.reduce((a, r) => a + num(r, k), 0);
          return [
            censoredRatio(ctx, total('hits'), total('eligible'), 0),
            ...features.map((f, i) =>
              censoredRatio(
                subResult(ctx, `per_feature.${f}`),
                num(rows[i], 'hits'),
                num(rows[i], 'eligible'),
                0,
              ),
            ),
          ];
        }
        default: {
          const r = repeat.get(`${key}|`);
          const median = r?.median_days == null ? null : Number(r.median_days);
          const censored = num(r, 'censored');
          return [
            medianResult(ctx, median, num(r, 'hits'), censored),
            censoredRatio(subResult(ctx, 'repeat_share'), num(r, 'hits'), num(r, 'eligible'), censored),
          ];
        }
      }
    },
  );
}
