// Event names a project's metrics name in their conditions (`where: { name: … }` on events) must occur in the
// warehouse's events: a misspelt name would otherwise count nothing and read as a real zero. Checked before a
// computation that asks for such a metric (and by the commands that open a warehouse with a project file, so
// the problem carries its line); a warehouse without events is not judged. Names once found are remembered
// per warehouse (loads only append), so a served dashboard asks once.
import type { Catalog, ResolvedCatalog } from '../../catalog/catalog.ts';
import { getDefinition } from '../../catalog/catalog.ts';
import type { MetricBody, Where } from '../../catalog/metric-schema.ts';
import { type ConfigProblem, closest, locatedProblems, type PathSegment } from '../../catalog/problems.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { SqlParams } from '../../warehouse/sql-builder.ts';
import { tableHasRows } from '../../warehouse/table-checks.ts';

interface NamedEvent {
  readonly path: readonly PathSegment[];
  readonly name: string;
}

/** Every event name a condition on events.name writes, at its path under metrics.ID. */
function namesIn(where: Where | undefined, path: readonly PathSegment[]): NamedEvent[] {
  const cond = where?.name;
  if (cond === undefined) return [];
  const at = [...path, 'where', 'name'];
  if (Array.isArray(cond)) return cond.map((name, i) => ({ path: [...at, i], name: String(name) }));
  if (typeof cond !== 'object') return [{ path: at, name: String(cond) }];
  return Object.entries(cond).flatMap(([op, value]) =>
    Array.isArray(value)
      ? value.map((name, i) => ({ path: [...at, op, i], name: String(name) }))
      : typeof value === 'string'
        ? [{ path: [...at, op], name: value }]
        : [],
  );
}

/** The event names a metric's body names, each at its path. */
export function metricEventNames(id: string, body: MetricBody): NamedEvent[] {
  const parts: [string, { table: string; where?: Where }][] = [];
  if (body.type === 'simple' || body.type === 'cumulative') parts.push(['measure', body.measure]);
  if (body.type === 'ratio') parts.push(['numerator', body.numerator], ['denominator', body.denominator]);
  if (body.type === 'conversion') parts.push(['from', body.from], ['to', body.to]);
  if (body.type === 'retention') parts.push(['anchor', body.anchor], ['active', body.active]);
  return parts
    .filter(([, x]) => x.table === 'events')
    .flatMap(([key, x]) => namesIn(x.where, ['metrics', id, key]));
}

/** Event names found in each warehouse (by location). */
const FOUND = new Map<string, Set<string>>();

/**
 * Problems for the event names that the project metrics among `ids` name and the warehouse's events do not
 * hold (none when it holds no events), each with the closest names it does hold.
 */
export async function missingEventNames(
  engine: Engine,
  catalog: Catalog,
  ids: readonly string[],
): Promise<ConfigProblem[]> {
  const named = ids.flatMap((id) => {
    const body = getDefinition(id, catalog).metric;
    return body ? metricEventNames(id, body) : [];
  });
  const found = FOUND.get(engine.location) ?? new Set<string>();
  const unknown = [...new Set(named.map((n) => n.name))].filter((name) => !found.has(name));
  if (unknown.length === 0 || !(await tableHasRows(engine, 'events'))) return [];
  const params = new SqlParams(engine.dialect);
  const rows = await engine.query(
    `SELECT DISTINCT name FROM events WHERE name IN (${unknown.map((n) => params.bind(n)).join(', ')})`,
    params.values,
  );
  for (const r of rows) found.add(String(r.name));
  FOUND.set(engine.location, found);
  const missing = named.filter((n) => !found.has(n.name));
  if (missing.length === 0) return [];
  const all = (await engine.query('SELECT DISTINCT name FROM events')).map((r) => String(r.name)).sort();
  return missing.map((n) => {
    const near = closest(n.name, all);
    return {
      path: n.path,
      message: `no event named '${n.name}' in the warehouse's events`,
      hint: near.length
        ? `did you mean ${near.join(', ')}?`
        : `the events hold ${all.length > 12 ? `${all.slice(0, 12).join(', ')}, …` : all.join(', ')}`,
    };
  });
}

/** Refuses a project whose metrics name events the warehouse has none of: bad_config, each at its line. */
export async function checkProjectEvents(
  engine: Engine,
  project: ResolvedCatalog & { readonly file?: string },
): Promise<void> {
  const problems = await missingEventNames(engine, project.definitions, project.custom);
  if (problems.length > 0) throw locatedProblems(problems, project.locate, project.file);
}
