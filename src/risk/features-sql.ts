// The churn-risk features of each customer paying at each snapshot, and whether they churned within the
// horizon after it, in one SQL statement, its engine-specific parts spelled by the dialect. Every feature
// reads only rows strictly before its snapshot; only the label looks ahead. Snapshots are UTC midnights, so
// windows are whole UTC day numbers (epoch seconds: no time-zone work on instants).
import { instantParam } from '../compiler/sql-time.ts';
import { TenureError } from '../errors/tenure-error.ts';
import type { SqlParams } from '../warehouse/sql-builder.ts';

/** Event names the features count, from the catalog's definitions (see params.ts). */
export interface FeatureEvents {
  readonly milestones: readonly string[];
  readonly activationWindowDays: number;
  readonly keyActions: readonly string[];
  readonly features: readonly string[];
}

/** One row of the statement: a customer paying at a snapshot. */
export interface FeatureRow {
  snapshot_day: number;
  customer_id: string;
  mrr: number;
  plan: string | null;
  channel: string | null;
  tenure_days: number;
  events_30d: number;
  events_prev_30d: number;
  active_days_30d: number;
  key_actions_30d: number;
  features_30d: number;
  activated: number;
  nps: number | null;
  csat: number | null;
  contractions_90d: number;
  checkins_90d: number;
  /** 1 when the customer's MRR went to 0 in [snapshot, snapshot + horizon). */
  churned: number;
}

const DAY_SECONDS = 86400;
const nameList = (names: readonly string[], params: SqlParams) =>
  names.length ? [...new Set(names)].map((n) => params.bind(n)).join(', ') : 'NULL';

/** A bit per feature (1, 2, 4, …) for the event's name, 0 for other events. */
function featureBits(column: string, names: readonly string[], params: SqlParams): string {
  const unique = [...new Set(names)];
  if (unique.length > MAX_FEATURES)
    throw new TenureError(
      'bad_config',
      `churn risk counts at most ${MAX_FEATURES} features; feature_adoption_rate lists ${unique.length}`,
      {
        where: { field: 'kpis.feature_adoption_rate.params.features' },
        hint: 'list fewer features in tenure.yaml',
      },
    );
  if (unique.length === 0) return '0';
  return `CASE ${column} ${unique.map((n, i) => `WHEN ${params.bind(n)} THEN ${2 ** i}`).join(' ')} ELSE 0 END`;
}

/** Features are bits of a 32-bit integer. */
const MAX_FEATURES = 30;

/**
 * The statement for `snapshotDays` (UTC day numbers: days since 1970-01-01) and a label horizon in days.
 * Returns FeatureRow columns, one row per (snapshot, customer with MRR > 0 just before the snapshot).
 */
export function featureRowsSql(
  snapshotDays: readonly number[],
  horizonDays: number,
  events: FeatureEvents,
  params: SqlParams,
): string {
  const d = params.dialect;
  const snapshots = snapshotDays.map((day) => `(CAST(${params.bind(day)} AS INTEGER))`).join(', ');
  const first = Math.min(...snapshotDays);
  const last = Math.max(...snapshotDays);
  // Events are read only over the 60 days before the earliest snapshot up to the latest one.
  const from = instantParam(params, new Date((first - 60) * DAY_SECONDS * 1000).toISOString());
  const to = instantParam(params, new Date(last * DAY_SECONDS * 1000).toISOString());
  const horizon = params.bind(horizonDays * DAY_SECONDS);
  const milestones = [...new Set(events.milestones)];
  const milestoneList = nameList(milestones, params);
  const windowFrom = params.bind((first - 60) * DAY_SECONDS);
  const windowTo = params.bind(last * DAY_SECONDS);
  return `WITH snapshots AS (
    SELECT day AS snap_day, CAST(day AS DOUBLE PRECISION) * ${DAY_SECONDS} AS snap_epoch
    FROM (VALUES ${snapshots}) AS v(day)),
  changes AS (
    SELECT customer_id, effective_at, ${d.epochSeconds('effective_at')} AS at_epoch, mrr, plan,
      ${d.lag('mrr')} OVER (PARTITION BY customer_id ORDER BY effective_at) AS previous_mrr
    FROM subscription_changes),
  mrr_at AS (
    SELECT s.snap_day, c.customer_id, c.mrr, c.plan,
      row_number() OVER (PARTITION BY s.snap_day, c.customer_id ORDER BY c.effective_at DESC) AS rn
    FROM snapshots s JOIN changes c ON c.at_epoch < s.snap_epoch),
  paying AS (SELECT snap_day, customer_id, mrr, plan FROM mrr_at WHERE rn = 1 AND mrr > 0),
  first_paid AS (
    SELECT customer_id, min(at_epoch) AS first_epoch FROM changes WHERE mrr > 0 GROUP BY customer_id),
  contractions AS (
    SELECT s.snap_day, c.customer_id, count(*) AS n
    FROM snapshots s JOIN changes c ON c.at_epoch < s.snap_epoch
      AND c.at_epoch >= s.snap_epoch - 90 * ${DAY_SECONDS}
    WHERE c.mrr > 0 AND c.mrr < c.previous_mrr GROUP BY 1, 2),
  churns AS (
    SELECT DISTINCT s.snap_day, c.customer_id
    FROM snapshots s JOIN changes c ON c.at_epoch >= s.snap_epoch AND c.at_epoch < s.snap_epoch + ${horizon}
    WHERE c.mrr = 0),
  -- The events read once: the usage window's and every milestone event (activation asks for each
  -- milestone's first occurrence, whenever the customer signed up).
  event_rows AS (
    SELECT customer_id, name, ${d.epochSeconds('occurred_at')} AS at_epoch FROM events
    WHERE customer_id IS NOT NULL AND (name IN (${milestoneList})
      OR (occurred_at >= ${from} AND occurred_at < ${to}))),
  -- Per customer and UTC day of the window: events, key actions, and the features used as bits.
  event_days AS (
    SELECT customer_id, CAST(floor(at_epoch / ${DAY_SECONDS}) AS INTEGER) AS day, count(*) AS n,
      sum(CASE WHEN name IN (${nameList(events.keyActions, params)}) THEN 1 ELSE 0 END) AS key_n,
      ${d.bitOr(featureBits('name', events.features, params))} AS feature_bits
    FROM event_rows WHERE at_epoch >= ${windowFrom} AND at_epoch < ${windowTo}
    GROUP BY 1, 2),
  -- Each snapshot's 60 days before it: 'recent' is the last 30, the rest the 30 before those.
  snap_days AS (
    SELECT s.snap_day, s.snap_day - CAST(g.i AS INTEGER) AS day, CASE WHEN g.i <= 30 THEN 1 ELSE 0 END AS recent
    FROM snapshots s CROSS JOIN ${d.series('1', '60', 'g')}),
  usage AS (
    SELECT d.snap_day, e.customer_id,
      sum(CASE WHEN d.recent = 1 THEN e.n ELSE 0 END) AS events_30d,
      sum(CASE WHEN d.recent = 0 THEN e.n ELSE 0 END) AS events_prev_30d,
      sum(d.recent) AS active_days_30d,
      sum(CASE WHEN d.recent = 1 THEN e.key_n ELSE 0 END) AS key_actions_30d
    FROM snap_days d JOIN event_days e ON e.day = d.day GROUP BY 1, 2),
  adoption AS (
    SELECT snap_day, customer_id, ${d.bitCount('CAST(bits AS BIGINT)')} AS features_30d
    FROM (SELECT d.snap_day, e.customer_id, ${d.bitOr('e.feature_bits')} AS bits
      FROM snap_days d JOIN event_days e ON e.day = d.day WHERE d.recent = 1 GROUP BY 1, 2) a),
  milestone_firsts AS (
    SELECT r.customer_id, r.name, min(r.at_epoch) AS done_epoch
    FROM event_rows r JOIN customers cu ON cu.customer_id = r.customer_id
    WHERE r.name IN (${milestoneList})
    GROUP BY 1, 2
    HAVING min(r.at_epoch) <= min(${d.epochSeconds('cu.signed_up_at')}) + ${params.bind(events.activationWindowDays * DAY_SECONDS)}),
  activation AS (
    SELECT customer_id, max(done_epoch) AS activated_epoch FROM milestone_firsts
    GROUP BY customer_id HAVING count(*) = ${milestones.length}),
  answers AS (
    SELECT s.snap_day, f.customer_id, f.kind, f.score,
      row_number() OVER (PARTITION BY s.snap_day, f.customer_id, f.kind
        ORDER BY f.answered_at DESC, f.response_id DESC) AS rn
    FROM snapshots s JOIN feedback f ON ${d.epochSeconds('f.answered_at')} < s.snap_epoch
      AND ${d.epochSeconds('f.answered_at')} >= s.snap_epoch - 180 * ${DAY_SECONDS}),
  checkins_90d AS (
    SELECT s.snap_day, k.customer_id, count(*) AS n
    FROM snapshots s JOIN checkins k ON ${d.epochSeconds('k.occurred_at')} < s.snap_epoch
      AND ${d.epochSeconds('k.occurred_at')} >= s.snap_epoch - 90 * ${DAY_SECONDS}
    GROUP BY 1, 2)
  SELECT p.snap_day AS snapshot_day, p.customer_id, CAST(p.mrr AS DOUBLE PRECISION) AS mrr,
    coalesce(p.plan, cu.plan) AS plan, cu.channel,
    (s.snap_epoch - fp.first_epoch) / ${DAY_SECONDS} AS tenure_days,
    coalesce(u.events_30d, 0) AS events_30d, coalesce(u.events_prev_30d, 0) AS events_prev_30d,
    coalesce(u.active_days_30d, 0) AS active_days_30d, coalesce(u.key_actions_30d, 0) AS key_actions_30d,
    coalesce(a.features_30d, 0) AS features_30d,
    CASE WHEN ${milestones.length} = 0 OR act.activated_epoch < s.snap_epoch THEN 1 ELSE 0 END AS activated,
    nps.score AS nps, csat.score AS csat,
    coalesce(ct.n, 0) AS contractions_90d, coalesce(ck.n, 0) AS checkins_90d,
    CASE WHEN ch.customer_id IS NULL THEN 0 ELSE 1 END AS churned
  FROM paying p
  JOIN snapshots s ON s.snap_day = p.snap_day
  JOIN customers cu ON cu.customer_id = p.customer_id
  JOIN first_paid fp ON fp.customer_id = p.customer_id
  LEFT JOIN usage u ON u.snap_day = p.snap_day AND u.customer_id = p.customer_id
  LEFT JOIN adoption a ON a.snap_day = p.snap_day AND a.customer_id = p.customer_id
  LEFT JOIN activation act ON act.customer_id = p.customer_id
  LEFT JOIN answers nps ON nps.snap_day = p.snap_day AND nps.customer_id = p.customer_id
    AND nps.kind = 'nps' AND nps.rn = 1
  LEFT JOIN answers csat ON csat.snap_day = p.snap_day AND csat.customer_id = p.customer_id
    AND csat.kind = 'csat' AND csat.rn = 1
  LEFT JOIN contractions ct ON ct.snap_day = p.snap_day AND ct.customer_id = p.customer_id
  LEFT JOIN checkins_90d ck ON ck.snap_day = p.snap_day AND ck.customer_id = p.customer_id
  LEFT JOIN churns ch ON ch.snap_day = p.snap_day AND ch.customer_id = p.customer_id
  ORDER BY p.snap_day, p.customer_id`;
}
