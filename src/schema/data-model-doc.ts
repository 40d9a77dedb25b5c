// Renders docs/data-model.md from the table specs, so the documented contract is the enforced one.
import { type ColumnSpec, loadOrder, type RowRule, type TableSpec, tableSpec } from './tables.ts';

const KIND_WORDS: Record<ColumnSpec['kind'], string> = {
  id: 'id (text)',
  text: 'text',
  timestamp: 'timestamp (ISO 8601, UTC)',
  date: 'date (YYYY-MM-DD)',
  money: 'money (decimal)',
  integer: 'integer',
  boolean: 'boolean',
  json: 'JSON object',
};

function constraints(col: ColumnSpec): string {
  const parts: string[] = [];
  if (col.min !== undefined) parts.push(`≥ ${col.min}`);
  if (col.max !== undefined) parts.push(`≤ ${col.max}`);
  if (col.oneOf) parts.push(`one of ${col.oneOf.join(', ')}`);
  if (col.pattern) parts.push(`matches \`${col.pattern}\``);
  if (col.references) parts.push(`refers to ${col.references}`);
  if (col.scheduled) parts.push('may lie in the future');
  return parts.join('; ');
}

function ruleWord(r: RowRule): string {
  if (r.kind === 'order') return `\`${r.later}\` is not before \`${r.earlier}\``;
  if (r.kind === 'scale') {
    return `where \`${r.when.column}\` = ${r.when.equals}, \`${r.column}\` lies in ${r.min}–${r.max}`;
  }
  return `at least one of ${r.columns.map((c) => `\`${c}\``).join(', ')} is set`;
}

function ruleWords(spec: TableSpec): string[] {
  return (spec.rules ?? []).map(ruleWord);
}

function tableSection(spec: TableSpec): string {
  const rows = spec.columns.map(
    (c) =>
      `| \`${c.name}\` | ${KIND_WORDS[c.kind]} | ${c.required ? 'yes' : ''} | ${constraints(c)} | ${c.description} |`,
  );
  const rules = ruleWords(spec);
  return [
    `## ${spec.name}`,
    '',
    spec.description,
    '',
    `- File: \`${spec.name}.csv\`, \`${spec.name}.parquet\` or \`${spec.name}.ndjson\`${spec.required ? ' — **required**' : ' — optional'}`,
    `- Key: ${spec.key.map((k) => `\`${k}\``).join(' + ')}`,
    ...(spec.extraColumnsInto ? [`- Columns not listed here are kept in \`${spec.extraColumnsInto}\``] : []),
    ...(rules.length ? [`- Row rules: ${rules.join('; ')}`] : []),
    '',
    '| column | type | required | constraints | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const PREAMBLE = `# The data contract

<!-- Generated from src/schema/tables.ts by \`npm run docs\`; a test fails when this file and the code differ. -->

Tenure reads a company's data as a folder of files, one per canonical table, each named \`NAME.csv\`,
\`NAME.parquet\` or \`NAME.ndjson\` (\`.jsonl\` too). Only **customers** is required; every other table is
optional, and a KPI whose table is missing reports "no data" instead of failing.

## Reading rules (all tables)
- **Files**: each table's file must be a regular file in the data folder (a link is followed only when it
  leads to a file inside the folder). A folder, a dangling link or a link leading out of the folder under a
  table's name stops the load, naming it; nothing is read from it.
- **CSV**: UTF-8, comma-separated, a header line naming the columns (any order; contract columns are matched
  without case, so two names that differ only in case are refused), values with commas, quotes or line
  breaks in double quotes ("" for a quote inside). Empty means missing. Lines end in LF, CR LF or a lone CR
  (old Mac files), the same throughout: a file that mixes them stops the load, naming the first line that
  differs. \`line\` in messages is the record number plus one for the header: the physical line unless an
  earlier value spans lines.
- **NDJSON**: one JSON object per line, keys named as the columns; blank lines are skipped. Events may also come
  in Segment's \`track\` shape: \`messageId\` → event_id, \`userId\` → user_id, \`context.groupId\` → customer_id,
  \`timestamp\` → occurred_at, \`event\` → name, \`properties\` → properties; other Segment calls are refused.
  A Segment field is read only when the line lacks the column it stands for (\`messageId\` beside an
  \`event_id\` is kept in properties), and \`context\` is kept in properties unless it holds nothing but the
  groupId read as customer_id.
- **Lines a reader cannot take** (CSV or NDJSON: not UTF-8, longer than 10 MB, or of the wrong shape) are
  quarantined with their line number; the rest of the file loads.
- **Parquet**: columns named as below, of any type that converts; \`line\` is the row number (from 1).
- **Values beyond the contract**: columns (CSV, Parquet) and NDJSON keys that are not in a table's contract are
  kept in its JSON column (customers.attributes, events.properties) under the name the file gives, case
  included, after the keys of the row's own object. An empty cell or a JSON null adds nothing. When the row's
  own object holds the same key, the two must agree (compared as text: 5 and "5" agree, objects and arrays by
  their JSON text) and the value is kept once; when they differ the row is quarantined (extra_column_conflict,
  naming the column): nothing is overwritten or erased. A JSON object that gives a key twice, at any depth, is
  quarantined too (duplicate_json_key, naming the key), since readers keep only one of the two values.
  Tables without a JSON column do not read columns beyond their contract.
- **Timestamps** are ISO 8601 / RFC 3339 with or without an offset (\`2025-01-31T09:30:00Z\`,
  \`2025-01-31T11:30:00+02:00\`, \`2025-01-31 09:30\`, \`2025-01-31\`); without an offset they are UTC. \`t\` and \`z\`
  may be lowercase (RFC 3339), and a trailing \` UTC\` or \` GMT\` means UTC. A time-zone name or abbreviation
  (\`PST\`, \`CET\`, \`America/New_York\`) is refused (time_zone_name): abbreviations are ambiguous (CST is US
  Central or China) and ISO 8601 has none; write the offset (\`-08:00\`). Timestamps are stored to the
  microsecond: more than 6 digits after the point are refused (sub_microsecond) unless the extra digits are
  zeros, never cut. All are stored in UTC. A timestamp more than the future tolerance (1 day,
  \`--future-tolerance\`) past the load time is refused.
- **Money** is a plain decimal (\`1234.50\`), stored with four decimals; \`currency\` (ISO 4217) is optional.
- **Keys**: a row whose key was already read with the same content is a duplicate delivery: kept once and
  counted. The same key with other content is a conflict: every version in the file is quarantined, and a new
  version of an already loaded row is quarantined too (the loaded one stays).
- **References**: a \`customer_id\` (or \`content_id\`, \`experiment_id\`) must name a row of its table, loaded
  now or before. An event without a customer_id takes its user's customer from users; for consumer data
  where users are customers, a user_id that is a customer_id is taken as the customer.
- Every row read is **loaded**, **quarantined** (with file, line, column, value and reason; \`tenure quarantine\`
  lists them) or counted as a **duplicate**: read = loaded + quarantined + duplicates. A problem with the
  file itself (empty, unreadable, mixed line endings, a required column missing from the header) stops the
  load with a message naming the file (and line, where there is one), and nothing is changed. A load is one
  transaction: all of it lands or none of it.
`;

export function renderDataModel(): string {
  return `${PREAMBLE}\n${loadOrder()
    .map((t) => tableSection(tableSpec(t)))
    .join('\n')}`;
}
