// Decides each typed row's outcome beyond its own content: a repeat of a key in the same file (duplicate
// delivery or conflict), a key already in the warehouse (duplicate or conflict), or a reference to a row
// that does not exist. The result is the view `st.outcome` with `__outcome` ('code|column' or NULL).

import { type TableSpec, tableSpec } from '../schema/tables.ts';
import { canonicalColumns } from '../warehouse/canonical-ddl.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { tableHasRows } from '../warehouse/table-checks.ts';
import type { LoadScope } from './known-rows.ts';
import { recordNumber, type StageTables } from './stage-tables.ts';

const keyMatch = (key: readonly string[], a: string, b: string) =>
  key.map((k) => `${a}."${k}" IS NOT DISTINCT FROM ${b}."${k}"`).join(' AND ');

/** A row's content, hashed: equal for a duplicate delivery, different for a conflict. */
const contentHash = (spec: TableSpec, alias: string) =>
  `hash(${spec.columns.map((c) => `${alias}."${c.name}"`).join(', ')})`;

/** Keys that occur more than once among the valid rows, with how many contents and the first row. */
async function findRepeats(db: DuckDBEngine, spec: TableSpec, st: StageTables): Promise<void> {
  const key = spec.key.map((k) => `"${k}"`).join(', ');
  // Grouping on the 64-bit key hash first is cheap; only the few candidate keys are then grouped exactly.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${st.repeats} AS
     SELECT ${key}, count(DISTINCT ${contentHash(spec, st.typed)}) AS variants, min(rowid) AS first_row
     FROM ${st.typed}
     WHERE __problem IS NULL AND __keyhash IN (
       SELECT __keyhash FROM ${st.typed} WHERE __problem IS NULL GROUP BY __keyhash HAVING count(*) > 1)
     GROUP BY ${key} HAVING count(*) > 1`,
  );
}

export async function buildOutcome(db: DuckDBEngine, st: StageTables, scope: LoadScope): Promise<void> {
  const spec = tableSpec(st.table);
  await findRepeats(db, spec, st);
  const firstKey = spec.key[0] ?? '';
  const joins: string[] = [`LEFT JOIN ${st.repeats} r ON ${keyMatch(spec.key, 'x', 'r')}`];
  const cases: string[] = [
    'WHEN x.__problem IS NOT NULL THEN x.__problem',
    `WHEN r.variants > 1 THEN 'conflict|${firstKey}'`,
    `WHEN r.first_row <> x.rowid THEN 'duplicate|'`,
  ];
  if (scope.inWarehouse(spec.name) && (await tableHasRows(db, db.dialect.quoteIdentifier(spec.name)))) {
    const key = spec.key.map((k) => `"${k}"`).join(', ');
    const cols = canonicalColumns(spec.name)
      .map((c) => `"${c}"`)
      .join(', ');
    joins.push(`LEFT JOIN (SELECT ${key}, hash(${cols}) AS __hash FROM "${spec.name}" w
        WHERE EXISTS (SELECT 1 FROM ${st.typed} y WHERE ${keyMatch(spec.key, 'y', 'w')})) e
      ON ${keyMatch(spec.key, 'x', 'e')}`);
    // The content hash is only computed for the rows whose key is already in the warehouse.
    cases.push(`WHEN e.__hash IS NOT NULL AND e.__hash = ${contentHash(spec, 'x')} THEN 'duplicate|'`);
    cases.push(`WHEN e.__hash IS NOT NULL THEN 'conflict_existing|${firstKey}'`);
  }
  spec.columns.forEach((col, i) => {
    if (!col.references) return;
    const refKey = tableSpec(col.references).key[0] ?? '';
    // A table may refer to itself (a referrer in the same file): its own valid rows count.
    const refs =
      col.references === spec.name
        ? `(SELECT "${refKey}" FROM ${scope.known(spec.name, [refKey])} UNION ALL SELECT "${refKey}" FROM ${st.typed} WHERE __problem IS NULL)`
        : scope.known(col.references, [refKey]);
    joins.push(
      `LEFT JOIN (SELECT DISTINCT "${refKey}" AS k FROM ${refs}) ref${i} ON ref${i}.k = x."${col.name}"`,
    );
    cases.push(`WHEN x."${col.name}" IS NOT NULL AND ref${i}.k IS NULL THEN 'unknown_reference|${col.name}'`);
  });
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${st.outcome} AS
     SELECT ${recordNumber(st, 'x')} AS __rec, x.*, CASE ${cases.join(' ')} END AS __outcome
     FROM ${st.typed} x ${joins.join(' ')}`,
  );
}
