// Who holds a DuckDB file: DuckDB lets one process open a file for writing, and its refusal names that
// process ("Conflicting lock is held in /usr/bin/node (PID 4242)"). Read here, in DuckDB's folder, because
// the wording is DuckDB's.

export interface LockHolder {
  readonly pid: number;
  /** The holder's program, as DuckDB names it (a path), when it does. */
  readonly program?: string;
}

const CONFLICT = /Conflicting lock is held in (.*?) \(PID (\d+)\)/;

/** Whether DuckDB refused to open a file because another process holds its lock. */
export function isLockConflict(message: string): boolean {
  return /Could not set lock on file/i.test(message) || CONFLICT.test(message);
}

/** The process DuckDB names in a lock refusal, when it names one. */
export function lockHolder(message: string): LockHolder | undefined {
  const found = CONFLICT.exec(message);
  if (!found?.[2]) return undefined;
  const program = found[1]?.trim();
  return { pid: Number(found[2]), ...(program ? { program } : {}) };
}
