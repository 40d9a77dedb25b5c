// Reads back what ingestion refused, newest load first.
import type { Engine } from '../warehouse/engine.ts';
import { tableExists } from '../warehouse/table-checks.ts';

export type QuarantinedRow = {
  load_id: number;
  table_name: string;
  file: string;
  line: number;
  column_name: string | null;
  value: string | null;
  reason_code: string;
  reason: string;
  raw: string | null;
};

export async function listQuarantine(
  engine: Engine,
  opts: { table?: string; limit?: number } = {},
): Promise<QuarantinedRow[]> {
  if (!(await tableExists(engine, 'tenure_quarantine'))) return [];
  return engine.query<QuarantinedRow>(
    `SELECT load_id, table_name, file, line, column_name, value, reason_code, reason, raw
     FROM tenure_quarantine WHERE (CAST($1 AS VARCHAR) IS NULL OR table_name = $1)
     ORDER BY load_id DESC, table_name, file, line LIMIT $2`,
    [opts.table ?? null, opts.limit ?? 1000],
  );
}
