// Sessions: a session given by the source (session_id) wins; a user's other events are cut into sessions
// at gaps longer than `sessionGapMinutes`. Plain SQL for DuckDB and PostgreSQL.
import type { SqlParams } from '../../warehouse/sql-builder.ts';
import { eventFilter } from './active-days.ts';

export interface SessionParams {
  readonly sessionGapMinutes: number;
  readonly keyActions: readonly string[];
}

/**
 * CTEs ending in `sessions(user_key, customer_id, started_at, ended_at, events, key_actions,
 * key_action_events)`: one row per session over the whole events table.
 */
export function sessionsCtes(p: SessionParams, params: SqlParams): string {
  const gap = params.bind(p.sessionGapMinutes);
  const isKey = eventFilter('ev', p.keyActions, params);
  return `ev AS (
    SELECT coalesce(e.user_id, e.customer_id) AS user_key, e.customer_id, e.occurred_at, e.name, e.session_id
    FROM events e),
  derived AS (
    SELECT ev.*, sum(CASE WHEN occurred_at - prev_at <= INTERVAL '1 minute' * ${gap} THEN 0 ELSE 1 END)
      OVER (PARTITION BY user_key ORDER BY occurred_at ROWS UNBOUNDED PRECEDING) AS session_no
    FROM (SELECT ev.*, lag(occurred_at) OVER (PARTITION BY user_key ORDER BY occurred_at) AS prev_at
          FROM ev WHERE session_id IS NULL) ev),
  keyed AS (
    SELECT user_key, customer_id, occurred_at, name, 'given:' || session_id AS session_key FROM ev
    WHERE session_id IS NOT NULL
    UNION ALL
    SELECT user_key, customer_id, occurred_at, name, 'derived:' || CAST(session_no AS VARCHAR) FROM derived),
  sessions AS (
    SELECT ev.user_key, min(ev.customer_id) AS customer_id, min(ev.occurred_at) AS started_at,
      max(ev.occurred_at) AS ended_at, count(*) AS events,
      count(DISTINCT CASE WHEN ${isKey} THEN ev.name END) AS key_actions,
      count(CASE WHEN ${isKey} THEN 1 END) AS key_action_events
    FROM keyed ev GROUP BY ev.user_key, ev.session_key)`;
}
