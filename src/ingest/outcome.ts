// Decides each typed row's outcome beyond its own content: a repeat of a key in the same file (duplicate
// delivery or conflict), a key already in the warehouse (duplicate or conflict), or a reference to a row
// that does not exist. The result is the view `stage_outcome` with `__outcome` ('code|column' or NULL).
import { type TableSpec, tableSpec } from '../schema/tables.ts';
import { canonicalColumns } from '../warehouse/canonical-ddl.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';

const keyMatch = (key: readonly string[], a: string, b: string) =>
  key.map((k) => `${a}."${k}" IS NOT DISTINCT FROM ${b}."${k}"`).join(' AND ');

/** Keys that occur more than once among the valid rows, with how many contents and the first record. */
async function findRepeats(db: DuckDBEngine, spec: TableSpec): Promise<void> {
  const key = spec.key.map((k) => `"${k}"`).join(', ');
  // Grouping on the 64-bit key hash first is cheap; only the few candidate keys are then grouped exactly.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_repeats AS
     SELECT ${key}, count(DISTINCT __hash) AS variants, min(__rec) AS first_rec
     FROM stage_typed
     WHERE __problem IS NULL AND __keyhash IN (
       SELECT __keyhash FROM stage_typed WHERE __problem IS NULL GROUP BY __keyhash HAVING count(*) > 1)
     GROUP BY ${key} HAVING count(*) > 1`,
  );
}

async function tableHasRows(db: DuckDBEngine, table: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 AS one FROM "${table}" LIMIT 1`);
  return rows.length > 0;
}

export async function buildOutcome(db: DuckDBEngine, spec: TableSpec): Promise<void> {
  await findRepeats(db, spec);
  const firstKey = spec.key[0] ?? '';
  const joins: string[] = [`LEFT JOIN stage_repeats r ON ${keyMatch(spec.key, 'x', 'r')}`];
  const cases: string[] = [
    'WHEN x.__problem IS NOT NULL THEN x.__problem',
    `WHEN r.variants > 1 THEN 'conflict|${firstKey}'`,
    `WHEN r.first_rec <> x.__rec THEN 'duplicate|'`,
  ];
  if (await tableHasRows(db, spec.name)) {
    const key = spec.key.map((k) => `"${k}"`).join(', ');
    const cols = canonicalColumns(spec.name)
      .map((c) => `"${c}"`)
      .join(', ');
    joins.push(`LEFT JOIN (SELECT ${key}, hash(${cols}) AS __hash FROM "${spec.name}" w
        WHERE EXISTS (SELECT 1 FROM stage_typed y WHERE ${keyMatch(spec.key, 'y', 'w')})) e
      ON ${keyMatch(spec.key, 'x', 'e')}`);
    cases.push(`WHEN e.__hash = x.__hash THEN 'duplicate|'`);
    cases.push(`WHEN e.__hash IS NOT NULL THEN 'conflict_existing|${firstKey}'`);
  }
  spec.columns.forEach((col, i) => {
    if (!col.references) return;
    const refKey = tableSpec(col.references).key[0] ?? '';
    const self =
      col.references === spec.name
        ? ` UNION SELECT "${refKey}" FROM stage_typed WHERE __problem IS NULL`
        : '';
    joins.push(`LEFT JOIN (SELECT DISTINCT "${refKey}" AS k FROM "${col.references}"${self}) ref${i}
      ON ref${i}.k = x."${col.name}"`);
    cases.push(`WHEN x."${col.name}" IS NOT NULL AND ref${i}.k IS NULL THEN 'unknown_reference|${col.name}'`);
  });
  await db.run(
    `CREATE OR REPLACE TEMP VIEW stage_outcome AS
     SELECT x.*, CASE ${cases.join(' ')} END AS __outcome FROM stage_typed x ${joins.join(' ')}`,
  );
}
