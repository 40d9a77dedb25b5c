// API tokens with roles. A token is shown once, when created; the warehouse keeps only its SHA-256, so a
// copy of the warehouse gives no one access. Roles nest: viewer (read) ⊂ editor (change parameters and
// targets) ⊂ admin (manage tokens).
import { createHash, randomBytes } from 'node:crypto';
import { badInput } from '../errors/tenure-error.ts';
import type { Engine } from '../warehouse/engine.ts';

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const TABLE = 'tenure_tokens';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `needed` may. */
export function allows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export async function ensureTokenTable(engine: Engine): Promise<void> {
  await engine.run(
    engine.dialect.createTableIfMissing(TABLE, [
      ['token_id', 'text'],
      ['hash', 'text'],
      ['role', 'text'],
      ['label', 'text'],
      ['created_at', 'timestamp'],
    ]),
  );
}

export interface TokenInfo {
  token_id: string;
  role: Role;
  label: string | null;
  created_at: string;
}

/** Creates a token; the returned secret is not stored anywhere and cannot be shown again. */
export async function createToken(
  engine: Engine,
  role: string,
  label?: string,
): Promise<TokenInfo & { token: string }> {
  if (!isRole(role))
    throw badInput(`no role '${role}'`, { field: 'role' }, `choose one of ${ROLES.join(', ')}`);
  await ensureTokenTable(engine);
  const token = `tnr_${randomBytes(24).toString('base64url')}`;
  const hash = sha256(token);
  const info = {
    token_id: hash.slice(0, 12),
    role,
    label: label ?? null,
    created_at: new Date().toISOString(),
  };
  await engine.run(
    `INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, ${engine.dialect.cast('$5', 'timestamp')})`,
    [info.token_id, hash, role, info.label, info.created_at],
  );
  return { ...info, token };
}

/** The role of the token whose SHA-256 is `hash`, or undefined when no such token exists. */
export async function roleOfHash(engine: Engine, hash: string): Promise<Role | undefined> {
  const [row] = await engine.query<{ role: string }>(`SELECT role FROM ${TABLE} WHERE hash = $1`, [hash]);
  return row && isRole(row.role) ? row.role : undefined;
}

/** Removes a token by its id; whether there was one. */
export async function revokeToken(engine: Engine, tokenId: string): Promise<boolean> {
  await ensureTokenTable(engine);
  return (await engine.run(`DELETE FROM ${TABLE} WHERE token_id = $1`, [tokenId])) > 0;
}

export async function listTokens(engine: Engine): Promise<TokenInfo[]> {
  await ensureTokenTable(engine);
  return engine.query<TokenInfo & Record<string, string>>(
    `SELECT token_id, role, label, created_at FROM ${TABLE} ORDER BY created_at, token_id`,
  );
}
