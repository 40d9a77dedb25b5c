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
- **CSV**: UTF-8, comma-separated, a header line naming the columns (any order, case-insensitive), values with
  commas, quotes or line breaks in double quotes ("" for a quote inside). Empty means missing.
  \`line\` in messages is the record number plus one for the header: the physical line unless an earlier value
  spans lines.
- **NDJSON**: one JSON object per line, keys named as the columns; blank lines are skipped. Events may also come
  in Segment's \`track\` shape: \`messageId\` → event_id, \`userId\` → user_id, \`context.groupId\` → customer_id,
  \`timestamp\` → occurred_at, \`event\` → name, \`properties\` → properties; other Segment calls are refused.
- **Parquet**: columns named as below, of any type that converts; \`line\` is the row number (from 1).
- **Timestamps** are ISO 8601 with or without an offset (\`2025-01-31T09:30:00Z\`, \`2025-01-31T11:30:00+02:00\`,
  \`2025-01-31 09:30\`, \`2025-01-31\`); without an offset they are UTC. All are stored in UTC. A timestamp more
  than the future tolerance (1 day, \`--future-tolerance\`) past the load time is refused.
- **Money** is a plain decimal (\`1234.50\`), stored with four decimals; \`currency\` (ISO 4217) is optional.
- **Keys**: a row whose key was already read with the same content is a duplicate delivery: kept once and
  counted. The same key with other content is a conflict: every version in the file is quarantined, and a new
  version of an already loaded row is quarantined too (the loaded one stays).
- **References**: a \`customer_id\` (or \`content_id\`, \`experiment_id\`) must name a row of its table, loaded
  now or before. An event without a customer_id takes its user's customer from users; for consumer data
  where users are customers, a user_id that is a customer_id is taken as the customer.
- Every row read is **loaded**, **quarantined** (with file, line, column, value and reason; \`tenure quarantine\`
  lists them) or counted as a **duplicate**: read = loaded + quarantined + duplicates. A problem with the
  file itself (empty, unreadable, a required column missing from the header) stops the load with a message,
  and nothing is changed. A load is one transaction: all of it lands or none of it.
`;

export function renderDataModel(): string {
  return `${PREAMBLE}\n${loadOrder()
    .map((t) => tableSection(tableSpec(t)))
    .join('\n')}`;
}
