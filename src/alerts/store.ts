// Alerts remembered in the warehouse, so a problem is raised once: an alert already open is not raised
// again; an acknowledged one stays quiet; a snoozed one stays quiet until its time. An alert whose delivery
// failed stays pending and is sent again on the next check.
import type { Engine } from '../warehouse/engine.ts';
import type { Alert } from './alert.ts';

const TABLE = 'tenure_alerts';

export type AlertState = 'open' | 'acknowledged' | 'snoozed';

export interface StoredAlert {
  key: string;
  state: AlertState;
  delivered: boolean;
  first_seen: string;
  last_seen: string;
  snoozed_until: string | null;
  message: string;
}

export async function ensureAlertTable(engine: Engine): Promise<void> {
  await engine.run(
    engine.dialect.createTableIfMissing(TABLE, [
      ['key', 'text'],
      ['state', 'text'],
      ['delivered', 'boolean'],
      ['first_seen', 'timestamp'],
      ['last_seen', 'timestamp'],
      ['snoozed_until', 'timestamp'],
      ['message', 'text'],
      ['payload', 'text'],
    ]),
  );
}

async function find(engine: Engine, key: string): Promise<StoredAlert | undefined> {
  const [row] = await engine.query<StoredAlert & Record<string, never>>(
    `SELECT key, state, delivered, first_seen, last_seen, snoozed_until, message FROM ${TABLE} WHERE key = $1`,
    [key],
  );
  return row;
}

/**
 * Records the alerts of a check; returns those to notify now: new ones, ones whose delivery failed before,
 * and snoozed ones whose time has come (they reopen).
 */
export async function recordAlerts(
  engine: Engine,
  alerts: readonly Alert[],
  now = new Date(),
): Promise<Alert[]> {
  await ensureAlertTable(engine);
  const due: Alert[] = [];
  const seenAt = engine.dialect.cast('$2', 'timestamp');
  for (const alert of alerts) {
    const known = await find(engine, alert.key);
    const at = now.toISOString();
    if (!known) {
      await engine.run(
        `INSERT INTO ${TABLE} VALUES ($1, 'open', false, ${seenAt}, ${seenAt}, NULL, $3, $4)`,
        [alert.key, at, alert.message, JSON.stringify(alert)],
      );
      due.push(alert);
      continue;
    }
    const wakes =
      known.state === 'snoozed' &&
      known.snoozed_until !== null &&
      Date.parse(known.snoozed_until) <= now.getTime();
    await engine.run(
      `UPDATE ${TABLE} SET last_seen = ${seenAt}, message = $3, payload = $4,
        state = CASE WHEN $5 THEN 'open' ELSE state END, delivered = CASE WHEN $5 THEN false ELSE delivered END
       WHERE key = $1`,
      [alert.key, at, alert.message, JSON.stringify(alert), wakes],
    );
    if (wakes || (known.state === 'open' && !known.delivered)) due.push(alert);
  }
  return due;
}

export async function markDelivered(engine: Engine, keys: readonly string[]): Promise<void> {
  for (const key of keys) await engine.run(`UPDATE ${TABLE} SET delivered = true WHERE key = $1`, [key]);
}

export async function setState(
  engine: Engine,
  key: string,
  state: AlertState,
  until?: string,
): Promise<boolean> {
  await ensureAlertTable(engine);
  const changed = await engine.run(
    `UPDATE ${TABLE} SET state = $2, snoozed_until = ${engine.dialect.cast('$3', 'timestamp')} WHERE key = $1`,
    [key, state, until ?? null],
  );
  return changed > 0;
}

export async function listAlerts(engine: Engine): Promise<StoredAlert[]> {
  await ensureAlertTable(engine);
  return engine.query<StoredAlert & Record<string, never>>(
    `SELECT key, state, delivered, first_seen, last_seen, snoozed_until, message FROM ${TABLE} ORDER BY last_seen DESC, key`,
  );
}
