// A project's own KPIs (`metrics:` in tenure.yaml) read into KPI definitions: each entry's shape is checked
// by zod (metric-schema.ts), then its meaning against the data contract — tables that belong to customers,
// columns that exist, aggregations and comparisons that fit the column's kind, steps a user can take, ids a
// derived metric can reach, no cycle among derived metrics — with every problem collected at its path (the
// project file gives each its line). A metric passing here is one the compiler computes (src/compiler/metrics).
//
// Customer sets, per period P (the window of a cumulative metric still counts P's set):
//   all         every row;
//   signed_up   rows of customers signed up before P's end;
//   subscribed  rows of accounts subscribed in P (MRR > 0 at P's start, or from a change inside P);
//   paying      rows of accounts paying at P's end (MRR > 0 then).
import jsep from 'jsep';
import { z } from 'zod';
import { UNITS } from '../results/format.ts';
import { type ColumnKind, type ColumnSpec, isTableName, TABLES, type TableName } from '../schema/tables.ts';
import { ACTIVITIES, type KpiDefinition, KpiDefinitionSchema, type Lineage } from './definition.ts';
import {
  type Condition,
  type Measure,
  type MetricBody,
  MetricBodySchema,
  metricIdSchema,
  type Step,
  type Where,
} from './metric-schema.ts';
import { type ConfigProblem, closest, type PathSegment, suggestion, valueAt } from './problems.ts';

/** The time column that places a table's rows in periods when a measure or step names none. */
export const DEFAULT_TIME: Readonly<Partial<Record<TableName, string>>> = {
  customers: 'signed_up_at',
  users: 'created_at',
  subscription_changes: 'effective_at',
  contracts: 'start_at',
  events: 'occurred_at',
  orders: 'ordered_at',
  feedback: 'answered_at',
  checkins: 'occurred_at',
  costs: 'period_start',
  promotions: 'issued_at',
  loyalty_members: 'joined_at',
  loyalty_activity: 'occurred_at',
  assignments: 'assigned_at',
};

/** Tables whose rows are entities rather than moments: a measure may count them in every period. */
const ENTITY_TABLES: readonly TableName[] = ['customers', 'users'];
/** JSON columns whose top-level keys a condition may name (compared as text). */
const JSON_KEYS: Readonly<Partial<Record<TableName, string>>> = {
  events: 'properties',
  customers: 'attributes',
};
const NUMERIC: readonly ColumnKind[] = ['integer', 'money'];
const ORDERED: readonly ColumnKind[] = ['integer', 'money', 'timestamp', 'date'];

/** One entry of `metrics:` as written: what every KPI says about itself, and the type's own fields. */
const EntryCommon = {
  name: z.string().min(1),
  description: z.string().min(1),
  unit: z.enum(UNITS).optional(),
  higher_is_better: z.boolean(),
  kind: z.enum(['leading', 'lagging']).default('leading'),
  activity: z.enum(ACTIVITIES).default('retention_optimization'),
  version: z.number().int().min(1).default(1),
};
const CommonSchema = z.looseObject(EntryCommon);

/** The unit a metric type shows unless the entry names one; derived metrics must name theirs. */
const DEFAULT_UNIT: Readonly<Record<MetricBody['type'], (typeof UNITS)[number] | undefined>> = {
  simple: 'count',
  cumulative: 'count',
  ratio: 'rate',
  conversion: 'rate',
  retention: 'rate',
  derived: undefined,
};

/** The column spec of `name` in `table`, a JSON key (`properties.KEY`) as text, or undefined. */
export function columnOf(table: TableName, name: string): ColumnSpec | undefined {
  const spec = TABLES.get(table);
  const json = JSON_KEYS[table];
  if (json && name.startsWith(`${json}.`) && name.length > json.length + 1)
    return { name, kind: 'text', description: `key of ${json}` };
  return spec?.columns.find((c) => c.name === name && c.kind !== 'json');
}

/** The table's column holding a subject's id, when it has one. */
export const subjectColumn = (subject: 'customer' | 'user') =>
  subject === 'customer' ? 'customer_id' : 'user_id';

interface Reader {
  readonly problems: ConfigProblem[];
  push(path: readonly PathSegment[], message: string, hint: string): void;
}

function checkTable(r: Reader, path: PathSegment[], table: string): TableName | undefined {
  if (!isTableName(table)) {
    r.push([...path, 'table'], `no table '${table}'`, suggestion(table, [...TABLES.keys()], 'tables'));
    return undefined;
  }
  if (!TABLES.get(table)?.columns.some((c) => c.name === 'customer_id')) {
    const owned = [...TABLES.values()].filter((t) => t.columns.some((c) => c.name === 'customer_id'));
    r.push(
      [...path, 'table'],
      `${table} has no customer_id: a metric's rows must belong to customers`,
      `choose one of ${owned.map((t) => t.name).join(', ')}`,
    );
    return undefined;
  }
  return table;
}

const columnList = (table: TableName) => {
  const json = JSON_KEYS[table];
  const names =
    TABLES.get(table)
      ?.columns.filter((c) => c.kind !== 'json')
      .map((c) => c.name) ?? [];
  return json ? [...names, `${json}.KEY`] : names;
};

function checkColumn(r: Reader, path: PathSegment[], table: TableName, name: string): ColumnSpec | undefined {
  const column = columnOf(table, name);
  if (!column)
    r.push(path, `${table} has no column '${name}'`, suggestion(name, columnList(table), 'columns'));
  return column;
}

function checkTime(r: Reader, path: PathSegment[], table: TableName, time: string | undefined): void {
  if (time === 'none') {
    if (!ENTITY_TABLES.includes(table))
      r.push(
        [...path, 'time'],
        `only customers and users can be counted in every period (time: none), not ${table}`,
        `name a time column of ${table}, or leave time out for ${DEFAULT_TIME[table]}`,
      );
    return;
  }
  if (time === undefined) return;
  const column = checkColumn(r, [...path, 'time'], table, time);
  if (column && column.kind !== 'timestamp' && column.kind !== 'date')
    r.push(
      [...path, 'time'],
      `${table}.${time} is ${column.kind}, not a time`,
      `name a timestamp or date column of ${table}, or leave time out for ${DEFAULT_TIME[table]}`,
    );
}

/** Whether a written value fits a column of this kind. */
function fits(kind: ColumnKind, value: unknown): boolean {
  if (NUMERIC.includes(kind)) return typeof value === 'number';
  if (kind === 'boolean') return typeof value === 'boolean';
  if (kind === 'timestamp' || kind === 'date')
    return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  return typeof value === 'string';
}

const kindHint = (kind: ColumnKind) =>
  NUMERIC.includes(kind)
    ? 'write a number'
    : kind === 'boolean'
      ? 'write true or false'
      : kind === 'timestamp' || kind === 'date'
        ? 'write an ISO 8601 date or time in quotes ("2024-01-31")'
        : 'write the text in quotes';

function checkCondition(r: Reader, path: PathSegment[], table: TableName, name: string, cond: Condition) {
  const column = checkColumn(r, path, table, name);
  if (!column) return;
  const check = (at: PathSegment[], value: unknown) => {
    if (!fits(column.kind, value))
      r.push(
        at,
        `${JSON.stringify(value)} does not fit ${table}.${name} (${column.kind})`,
        kindHint(column.kind),
      );
  };
  if (Array.isArray(cond)) for (const [i, v] of cond.entries()) check([...path, i], v);
  else if (typeof cond !== 'object') check(path, cond);
  else
    for (const [op, value] of Object.entries(cond)) {
      if (value === undefined || op === 'is_null') continue;
      if (['gt', 'gte', 'lt', 'lte'].includes(op) && !ORDERED.includes(column.kind)) {
        r.push(
          [...path, op],
          `${table}.${name} is ${column.kind}: it has no order to compare with ${op}`,
          'use eq, ne, in or not_in',
        );
        continue;
      }
      if (Array.isArray(value)) for (const [i, v] of value.entries()) check([...path, op, i], v);
      else check([...path, op], value);
    }
}

function checkWhere(r: Reader, path: PathSegment[], table: TableName, where: Where | undefined) {
  for (const [name, cond] of Object.entries(where ?? {}))
    checkCondition(r, [...path, 'where', name], table, name, cond);
}

function checkMeasure(r: Reader, path: PathSegment[], m: Measure): void {
  const table = checkTable(r, path, m.table);
  if (!table) return;
  checkTime(r, path, table, m.time);
  checkWhere(r, path, table, m.where);
  if (m.agg === 'count') {
    if (m.column !== undefined)
      r.push(
        [...path, 'column'],
        'count counts rows and reads no column',
        'leave column out, or use count_distinct',
      );
    return;
  }
  if (m.column === undefined) {
    r.push(
      [...path, 'column'],
      `${m.agg} needs the column it aggregates`,
      `name a column of ${table}: ${columnList(table).join(', ')}`,
    );
    return;
  }
  const column = checkColumn(r, [...path, 'column'], table, m.column);
  if (column && m.agg !== 'count_distinct' && !NUMERIC.includes(column.kind))
    r.push(
      [...path, 'column'],
      `${m.agg} needs a number, and ${table}.${m.column} is ${column.kind}`,
      `use count_distinct for ${column.kind} columns, or name a number column of ${table}`,
    );
}

function checkStep(r: Reader, path: PathSegment[], step: Step, subject: 'customer' | 'user'): void {
  const table = checkTable(r, path, step.table);
  if (!table) return;
  if (step.time === 'none')
    r.push([...path, 'time'], 'a step is a moment and needs a time column', 'leave time out for the default');
  else checkTime(r, path, table, step.time);
  checkWhere(r, path, table, step.where);
  if (!columnOf(table, subjectColumn(subject)))
    r.push(
      [...path, 'table'],
      `${table} has no user_id, so it cannot mark a user's step`,
      'use subject: customer, or a table with user_id (events, users, feedback)',
    );
}

/** The metric ids a derived expression names, or a problem with the expression. */
export function expressionIds(expr: string): { ids: string[] } | { problem: string } {
  let ast: jsep.Expression;
  try {
    ast = jsep(expr);
  } catch (err) {
    return { problem: `cannot read the expression: ${(err as Error).message}` };
  }
  const ids: string[] = [];
  const walk = (node: jsep.Expression): string | undefined => {
    if (node.type === 'Identifier') ids.push(String(node.name));
    else if (node.type === 'Literal') {
      if (typeof node.value !== 'number') return `${String(node.raw)} is not a number`;
    } else if (node.type === 'BinaryExpression') {
      if (!['+', '-', '*', '/'].includes(String(node.operator)))
        return `'${String(node.operator)}' is not one of + - * /`;
      return walk(node.left as jsep.Expression) ?? walk(node.right as jsep.Expression);
    } else if (node.type === 'UnaryExpression') {
      if (node.operator !== '-') return `'${String(node.operator)}' is not one of + - * /`;
      return walk(node.argument as jsep.Expression);
    } else return `${node.type} is not arithmetic over metric ids`;
    return undefined;
  };
  const problem = walk(ast);
  return problem ? { problem } : { ids: [...new Set(ids)] };
}

function checkBody(r: Reader, path: PathSegment[], body: MetricBody): void {
  switch (body.type) {
    case 'simple':
    case 'cumulative':
      checkMeasure(r, [...path, 'measure'], body.measure);
      return;
    case 'ratio':
      checkMeasure(r, [...path, 'numerator'], body.numerator);
      checkMeasure(r, [...path, 'denominator'], body.denominator);
      return;
    case 'conversion':
      checkStep(r, [...path, 'from'], body.from, body.subject);
      checkStep(r, [...path, 'to'], body.to, body.subject);
      return;
    case 'retention':
      checkStep(r, [...path, 'anchor'], body.anchor, body.subject);
      checkStep(r, [...path, 'active'], body.active, body.subject);
      return;
    case 'derived':
      return;
  }
}

/** The tables and columns a body reads, for its lineage. */
function bodyLineage(body: Exclude<MetricBody, { type: 'derived' }>): Lineage[] {
  const read = new Map<string, Set<string>>();
  const add = (table: string, ...columns: (string | undefined)[]) => {
    const set = read.get(table) ?? new Set<string>();
    for (const c of columns) if (c !== undefined && c !== 'none') set.add(c.split('.')[0] ?? c);
    read.set(table, set);
  };
  const rows = (x: { table: string; time?: string; where?: Where }, subject = 'customer_id') =>
    add(x.table, subject, x.time ?? DEFAULT_TIME[x.table as TableName], ...Object.keys(x.where ?? {}));
  switch (body.type) {
    case 'simple':
    case 'cumulative':
      rows(body.measure);
      add(body.measure.table, body.measure.column);
      break;
    case 'ratio':
      rows(body.numerator);
      add(body.numerator.table, body.numerator.column);
      rows(body.denominator);
      add(body.denominator.table, body.denominator.column);
      break;
    case 'conversion':
      rows(body.from, subjectColumn(body.subject));
      rows(body.to, subjectColumn(body.subject));
      break;
    case 'retention':
      rows(body.anchor, subjectColumn(body.subject));
      rows(body.active, subjectColumn(body.subject));
      break;
  }
  if (body.customers === 'signed_up') add('customers', 'customer_id', 'signed_up_at');
  if (body.customers === 'subscribed' || body.customers === 'paying')
    add('subscription_changes', 'customer_id', 'effective_at', 'mrr');
  return [...read].map(([table, columns]) => ({ table, columns: [...columns].sort() }) as Lineage);
}

const conditionText = (name: string, c: Condition): string => {
  const v = (x: unknown) => JSON.stringify(x);
  if (Array.isArray(c)) return `${name} in (${c.map(v).join(', ')})`;
  if (typeof c !== 'object') return `${name} = ${v(c)}`;
  const ops: Record<string, string> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };
  return Object.entries(c)
    .filter(([, x]) => x !== undefined)
    .map(([op, x]) =>
      op === 'is_null'
        ? `${name} ${x ? 'is' : 'is not'} empty`
        : op === 'in' || op === 'not_in'
          ? `${name} ${op === 'in' ? 'in' : 'not in'} (${(x as unknown[]).map(v).join(', ')})`
          : `${name} ${ops[op]} ${v(x)}`,
    )
    .join(' and ');
};
const whereText = (where: Where | undefined) => {
  const parts = Object.entries(where ?? {}).map(([n, c]) => conditionText(n, c));
  return parts.length ? ` where ${parts.join(' and ')}` : '';
};
const measureText = (m: Measure) =>
  `${m.agg}(${m.column ?? '*'}) of ${m.table}${whereText(m.where)}${m.time === 'none' ? ', in every period' : `, by ${m.time ?? DEFAULT_TIME[m.table as TableName]}`}`;
const stepText = (s: Step) =>
  `${s.table} row${whereText(s.where)} (at ${s.time ?? DEFAULT_TIME[s.table as TableName]})`;
const CUSTOMERS_TEXT = {
  all: '',
  signed_up: '; customers signed up by the period’s end',
  subscribed: '; accounts subscribed in the period',
  paying: '; accounts paying at the period’s end',
};

/** The formula a metric shows, written from its body. */
export function formulaOf(body: MetricBody): string {
  const of = (text: string) => (body.type === 'derived' ? text : `${text}${CUSTOMERS_TEXT[body.customers]}`);
  switch (body.type) {
    case 'simple':
      return of(`${measureText(body.measure)} in P`);
    case 'cumulative':
      return of(
        body.window_days !== undefined
          ? `${measureText(body.measure)} in the ${body.window_days} days to P's end`
          : `${measureText(body.measure)} from the start of P's ${body.to_date} to P's end`,
      );
    case 'ratio':
      return of(
        `${body.per === 1 ? '' : `${body.per} × `}[${measureText(body.numerator)}] / [${measureText(body.denominator)}], each in P`,
      );
    case 'conversion':
      return of(
        `${body.subject}s whose first ${stepText(body.from)} falls in P; converted: a ${stepText(body.to)} at or after it, within ${body.within_days} days; over those whose ${body.within_days} days are over by as_of (open windows censored)`,
      );
    case 'retention':
      return of(
        `${body.subject}s whose first ${stepText(body.anchor)} falls in P; retained: a ${stepText(body.active)} on days ${body.day}…${body.day + body.width_days - 1} after its UTC day; over those whose days are over by as_of (open windows censored)`,
      );
    case 'derived':
      return body.expr;
  }
}

/** Ids of derived metrics in a cycle, each cycle once, as 'a → b → a'. */
function cycles(refs: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      found.push([...trail.slice(trail.indexOf(id)), id].join(' → '));
      return;
    }
    state.set(id, 'open');
    for (const next of refs.get(id) ?? []) if (refs.has(next)) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of refs.keys()) visit(id, []);
  return found;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `metrics:` read into KPI definitions (computation `project_metric`, the body in `metric`), in the order
 * written; problems go to `problems` with their paths. `taken`: the ids already in use (the catalog's and
 * custom KPIs'); a derived metric may name them and the project's metrics.
 */
export function readMetrics(
  catalog: readonly KpiDefinition[],
  raw: unknown,
  problems: ConfigProblem[],
): KpiDefinition[] {
  if (raw === undefined || raw === null) return [];
  const r: Reader = { problems, push: (path, message, hint) => problems.push({ path, message, hint }) };
  if (!isRecord(raw)) {
    r.push(
      ['metrics'],
      'must be a map of metric id to its definition',
      'write metrics: {ID: {type: simple, …}}',
    );
    return [];
  }
  const byId = new Map(catalog.map((d) => [d.id, d]));
  const read: { id: string; def: KpiDefinition; refs: string[] }[] = [];
  for (const [id, entry] of Object.entries(raw)) {
    const path: PathSegment[] = ['metrics', id];
    if (!metricIdSchema.safeParse(id).success) {
      r.push(
        path,
        `'${id}' is not a metric id`,
        'write ids in snake_case: lower-case letters, digits and underscores',
      );
      continue;
    }
    if (byId.has(id)) {
      r.push(
        path,
        `'${id}' is already a KPI id`,
        'choose another id; a shipped KPI’s params are changed under kpis:',
      );
      continue;
    }
    const common = CommonSchema.safeParse(entry);
    const body = MetricBodySchema.safeParse(
      isRecord(entry)
        ? Object.fromEntries(Object.entries(entry).filter(([k]) => !(k in EntryCommon)))
        : entry,
    );
    const issues = [
      ...(common.success ? [] : common.error.issues),
      ...(body.success ? [] : body.error.issues),
    ];
    for (const issue of issues) {
      const at = issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p));
      const missing = issue.code === 'invalid_type' && valueAt(entry, at) === undefined;
      r.push([...path, ...at], missing ? 'is required' : issue.message, ENTRY_HINT);
    }
    if (!common.success || !body.success) continue;
    const before = problems.length;
    checkBody(r, path, body.data);
    const unit = common.data.unit ?? DEFAULT_UNIT[body.data.type];
    if (unit === undefined)
      r.push([...path, 'unit'], 'a derived metric needs its unit', `one of ${UNITS.join(', ')}`);
    let refs: string[] = [];
    if (body.data.type === 'derived') {
      const parsed = expressionIds(body.data.expr);
      if ('problem' in parsed)
        r.push(
          [...path, 'expr'],
          parsed.problem,
          'write arithmetic (+ - * /, parentheses, numbers) over metric and KPI ids',
        );
      else refs = parsed.ids;
    }
    if (problems.length > before || unit === undefined) continue;
    const def = KpiDefinitionSchema.parse({
      id,
      name: common.data.name,
      description: common.data.description,
      activity: common.data.activity,
      kind: common.data.kind,
      unit,
      higherIsBetter: common.data.higher_is_better,
      formula: formulaOf(body.data),
      params: {},
      // A derived metric's lineage is its inputs', filled in below once they are all read.
      lineage:
        body.data.type === 'derived'
          ? [{ table: 'customers', columns: ['customer_id'] }]
          : bodyLineage(body.data),
      version: common.data.version,
      computation: 'project_metric',
      metric: body.data,
    });
    read.push({ id, def, refs });
  }
  // Derived metrics: every id they name is known, none reaches itself; lineage is their inputs'.
  const own = new Map(read.map((m) => [m.id, m]));
  const known = [...new Set([...byId.keys(), ...Object.keys(raw)])];
  const refs = new Map(read.filter((m) => m.def.metric?.type === 'derived').map((m) => [m.id, m.refs]));
  const bad = new Set<string>();
  for (const [id, names] of refs)
    for (const name of names.filter((n) => !known.includes(n))) {
      r.push(['metrics', id, 'expr'], `no metric or KPI '${name}'`, idHint(name, known));
      bad.add(id);
    }
  for (const cycle of cycles(refs)) {
    const first = cycle.split(' → ')[0] ?? '';
    r.push(
      ['metrics', first, 'expr'],
      `derived metrics refer to each other in a cycle: ${cycle}`,
      'break the cycle: one of them must be computed from measures',
    );
    for (const id of cycle.split(' → ')) bad.add(id);
  }
  const lineageOf = (id: string, seen = new Set<string>()): Lineage[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    const m = own.get(id);
    if (!m) return [...(byId.get(id)?.lineage ?? [])];
    if (m.def.metric?.type !== 'derived') return [...m.def.lineage];
    return m.refs.flatMap((ref) => lineageOf(ref, seen));
  };
  return read
    .filter((m) => !bad.has(m.id))
    .map((m) =>
      m.def.metric?.type === 'derived' ? { ...m.def, lineage: mergeLineage(lineageOf(m.id)) } : m.def,
    );
}

/** "did you mean" when an id is close, else where to find the ids. */
function idHint(name: string, known: readonly string[]): string {
  const near = closest(name, known);
  return near.length > 0
    ? `did you mean ${near.join(', ')}?`
    : 'run `tenure catalog` for KPI ids; the project’s metrics are the keys under metrics:';
}

const ENTRY_HINT = 'see src/catalog/tenure.schema.json (metrics) for the shape of a metric';

function mergeLineage(items: readonly Lineage[]): Lineage[] {
  const by = new Map<string, Set<string>>();
  for (const l of items) for (const c of l.columns) by.set(l.table, (by.get(l.table) ?? new Set()).add(c));
  return [...by].map(([table, columns]) => ({ table, columns: [...columns].sort() }) as Lineage);
}

/** The project file's `metrics:` section, for editors: a map of id to an entry (common fields and body). */
export const MetricsSectionSchema = z
  .record(z.string(), z.looseObject(EntryCommon).and(MetricBodySchema))
  .describe('The project’s own KPIs, in the metric language (docs/metrics.md)');
