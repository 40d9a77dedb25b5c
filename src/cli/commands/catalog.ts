// `tenure catalog [--json] [--project FILE]` and `tenure catalog show ID [--json] [--project FILE]`: the KPI
// definitions, with a project's overrides and custom KPIs applied when a project file is given or found.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CATALOG, definitionHash, getDefinition, type ResolvedCatalog } from '../../catalog/catalog.ts';
import { readChangeLog, recordDefinitions } from '../../catalog/change-log.ts';
import type { KpiDefinition, ParamSpec } from '../../catalog/definition.ts';
import { DEFAULT_PROJECT_FILE, loadProjectFile } from '../../catalog/project-file.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';

interface CatalogOptions {
  json?: boolean;
  project?: string;
}

/** The given project file, else ./tenure.yaml when present, else the shipped catalog unchanged. */
export async function resolveCatalog(
  project: string | undefined,
): Promise<ResolvedCatalog & { file?: string }> {
  const file = project ?? (existsSync(DEFAULT_PROJECT_FILE) ? DEFAULT_PROJECT_FILE : undefined);
  if (file === undefined) return { definitions: CATALOG, applied: [], custom: [] };
  return { ...(await loadProjectFile(file)), file };
}

const withHash = (def: KpiDefinition) => ({ ...def, hash: definitionHash(def) });

const showValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function paramLine(name: string, spec: ParamSpec): string {
  const range = [
    'min' in spec && spec.min !== undefined ? `min ${spec.min}` : '',
    'max' in spec && spec.max !== undefined ? `max ${spec.max}` : '',
    spec.type === 'enum' ? `one of ${spec.values.join('|')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `  ${name} (${spec.type}${range ? `; ${range}` : ''}) = ${showValue(spec.default)}\n    ${spec.description}`;
}

export function describeDefinition(def: KpiDefinition, overridden: readonly string[]): string {
  const params = Object.entries(def.params);
  const lines = [
    `${def.id} — ${def.name} (version ${def.version})`,
    '',
    def.description,
    '',
    `activity     ${def.activity}`,
    `kind         ${def.kind}`,
    `unit         ${def.unit}${def.higherIsBetter ? ' (higher is better)' : ' (lower is better)'}`,
    `computation  ${def.computation}`,
    ...(def.population ? [`population   ${def.population} customers only`] : []),
    ...(def.grainSensitive ? ['grain        depends on the period length; compare at one grain'] : []),
    ...(def.also?.length ? [`also         ${def.also.join(', ')}`] : []),
    `hash         ${definitionHash(def)}`,
    '',
    'formula',
    `  ${def.formula}`,
    '',
    params.length ? 'parameters' : 'parameters   none',
    ...params.map(
      ([name, spec]) =>
        `${paramLine(name, spec)}${overridden.includes(name) ? '\n    (set by the project file)' : ''}`,
    ),
    '',
    'lineage',
    ...def.lineage.map((l) => `  ${l.table}: ${l.columns.join(', ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Every KPI the project changes or adds, with the shipped and the project's hash and what changed. */
export function formatDiff(resolved: ResolvedCatalog & { file?: string }, only?: string): string {
  const shipped = new Map(CATALOG.map((d) => [d.id, definitionHash(d)]));
  const lines: string[] = [];
  for (const def of resolved.definitions) {
    if (only !== undefined && def.id !== only) continue;
    const before = shipped.get(def.id);
    const after = definitionHash(def);
    if (before === after) continue;
    if (before === undefined) {
      lines.push(`+ ${def.id} (custom KPI, hash ${after.slice(0, 12)})`);
      continue;
    }
    lines.push(`~ ${def.id} (hash ${before.slice(0, 12)} → ${after.slice(0, 12)})`);
    for (const a of resolved.applied.filter((x) => x.kpi === def.id)) {
      lines.push(`    ${a.param}: ${showValue(a.from)} → ${showValue(a.to)}`);
    }
  }
  const source = resolved.file ? `the project file ${resolved.file}` : 'no project file';
  return lines.length
    ? `changes from ${source}:\n${lines.join('\n')}`
    : `no changes to the shipped catalog (${source})`;
}

export function registerCatalog(program: Command): void {
  const catalog = program
    .command('catalog')
    .description('List the KPI definitions (id, activity, kind, unit, name); `catalog show ID` for one')
    .option('--json', 'print the full definitions, each with its hash, as JSON')
    .option(
      '--project <file>',
      `project file with overrides (default: ./${DEFAULT_PROJECT_FILE} when present)`,
    )
    .action(async (opts: CatalogOptions) => {
      const resolved = await resolveCatalog(opts.project);
      if (opts.json) return printJson(resolved.definitions.map(withHash));
      const rows = resolved.definitions.map((d) => [d.id, d.activity, d.kind, d.unit, d.name]);
      process.stdout.write(`${formatTable(['id', 'activity', 'kind', 'unit', 'name'], rows)}\n`);
      const note = resolved.file
        ? `${resolved.definitions.length} KPIs (${resolved.custom.length} custom, ${resolved.applied.length} parameter overrides from ${resolved.file})`
        : `${resolved.definitions.length} KPIs`;
      process.stdout.write(`\n${note}; \`tenure catalog show ID\` for one definition\n`);
    });

  catalog
    .command('diff')
    .description(
      'What the project file changes in the shipped catalog, with hashes; with --db, the change log of definitions',
    )
    .option(
      '--project <file>',
      `project file with overrides (default: ./${DEFAULT_PROJECT_FILE} when present)`,
    )
    .option(
      '--db <file|url>',
      'a warehouse: record the current definitions in its change log and print the log',
    )
    .option('--kpi <id>', 'only this KPI')
    .action(async (opts: CatalogOptions & { db?: string; kpi?: string }) => {
      const resolved = await resolveCatalog(opts.project ?? catalog.opts<CatalogOptions>().project);
      process.stdout.write(`${formatDiff(resolved, opts.kpi)}\n`);
      if (opts.db === undefined) return;
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        const recorded = await recordDefinitions(engine, resolved.definitions);
        const log = await readChangeLog(engine, opts.kpi);
        const rows = log.map((e) => [
          e.kpi,
          e.version,
          e.hash.slice(0, 12),
          String(e.recorded_at).slice(0, 19),
        ]);
        process.stdout.write(
          `\nchange log in ${opts.db}${recorded.length ? ` (${recorded.length} definitions recorded now)` : ''}:\n${formatTable(['kpi', 'version', 'hash', 'recorded at'], rows)}\n`,
        );
      } finally {
        await engine.close();
      }
    });

  catalog
    .command('show <id>')
    .description('Print one KPI definition: formula, parameters, lineage, version and hash')
    .option('--json', 'print the definition, with its hash, as JSON')
    .option(
      '--project <file>',
      `project file with overrides (default: ./${DEFAULT_PROJECT_FILE} when present)`,
    )
    .action(async (id: string, opts: CatalogOptions) => {
      const parent = catalog.opts<CatalogOptions>();
      const resolved = await resolveCatalog(opts.project ?? parent.project);
      const def = getDefinition(id, resolved.definitions);
      if (opts.json || parent.json) return printJson(withHash(def));
      const overridden = resolved.applied.filter((a) => a.kpi === id).map((a) => a.param);
      process.stdout.write(describeDefinition(def, overridden));
    });
}
