// The history of targets, kept in the warehouse: each target a check judged with is recorded once per
// content hash, so anyone can see when a KPI's target, owner or plan changed, and judge old periods against
// the target that held then.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/catalog.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { Target } from './targets.ts';

const TABLE = 'tenure_target_log';

export interface TargetLogEntry {
  target_key: string;
  hash: string;
  target: string;
  recorded_at: string;
}

/** What a target is about: its KPI and segment. A change of values, owner or plan is a new version of it. */
export const targetKey = (t: Target) =>
  `${t.kpi}|${t.segment ? `${t.segment.by}=${t.segment.value}` : 'all'}|${t.grain}`;

async function ensureLog(engine: Engine): Promise<void> {
  await engine.run(
    engine.dialect.createTableIfMissing(TABLE, [
      ['target_key', 'text'],
      ['hash', 'text'],
      ['target', 'text'],
      ['recorded_at', 'timestamp'],
    ]),
  );
}

/** Records every target whose content the log does not hold yet; returns their keys. */
export async function recordTargets(
  engine: Engine,
  targets: readonly Target[],
  at = new Date(),
): Promise<string[]> {
  await ensureLog(engine);
  const known = new Set(
    (await engine.query<{ target_key: string; hash: string }>(`SELECT target_key, hash FROM ${TABLE}`)).map(
      (r) => `${r.target_key}|${r.hash}`,
    ),
  );
  const fresh: string[] = [];
  for (const t of targets) {
    const text = canonicalJson(t);
    const hash = createHash('sha256').update(text).digest('hex');
    const key = targetKey(t);
    if (known.has(`${key}|${hash}`)) continue;
    known.add(`${key}|${hash}`);
    await engine.run(`INSERT INTO ${TABLE} VALUES ($1, $2, $3, ${engine.dialect.cast('$4', 'timestamp')})`, [
      key,
      hash,
      text,
      at.toISOString(),
    ]);
    fresh.push(key);
  }
  return fresh;
}

export async function readTargetLog(engine: Engine): Promise<TargetLogEntry[]> {
  await ensureLog(engine);
  return engine.query<TargetLogEntry & Record<string, string>>(
    `SELECT target_key, hash, target, recorded_at FROM ${TABLE} ORDER BY target_key, recorded_at`,
  );
}
