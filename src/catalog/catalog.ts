// The catalog: every shipped KPI definition, checked against the schema when this module loads, plus the
// operations on it — look-up, a content hash for the change log, and a project's overrides applied.
import { createHash } from 'node:crypto';
import { type AlertsConfig, readAlertsConfig } from '../alerts/config.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { type FeedbackConfig, readFeedbackConfig } from '../feedback/config.ts';
import { readTree, type TreeEdge } from '../goals/kpi-tree.ts';
import { readTargets, type Target } from '../goals/targets.ts';
import { type DataQualityConfig, readDataQuality } from '../quality/config.ts';
import { DEFAULT_CURRENCY, isCurrencyCode } from '../results/format.ts';
import { type KpiDefinition, KpiDefinitionSchema, paramValueProblem } from './definition.ts';
import { ACTIVATION_KPIS } from './kpis/activation.ts';
import { FEEDBACK_KPIS } from './kpis/feedback.ts';
import { MARKETING_KPIS } from './kpis/marketing.ts';
import { REVENUE_KPIS } from './kpis/revenue.ts';
import { SUBSCRIPTION_KPIS } from './kpis/subscription.ts';
import { USAGE_KPIS } from './kpis/usage.ts';
import { VALUE_KPIS } from './kpis/value.ts';
import { readMetrics } from './metric-language.ts';
import {
  type ConfigProblem,
  ConfigProblemsError,
  closest,
  type PathSegment,
  suggestion,
  valueAt,
} from './problems.ts';

export type Catalog = readonly KpiDefinition[];

/** Validates definitions against the schema and refuses duplicate ids; a failure is a bug in the catalog. */
export function buildCatalog(definitions: readonly unknown[]): Catalog {
  const seen = new Set<string>();
  return definitions.map((raw, i) => {
    const parsed = KpiDefinitionSchema.safeParse(raw);
    const label = (raw as { id?: unknown } | null)?.id ?? `#${i}`;
    if (!parsed.success) {
      const detail = parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ');
      throw new TenureError('internal', `KPI definition ${String(label)} is invalid: ${detail}`);
    }
    if (seen.has(parsed.data.id)) throw new TenureError('internal', `duplicate KPI id ${parsed.data.id}`);
    seen.add(parsed.data.id);
    return Object.freeze(parsed.data);
  });
}

export const CATALOG: Catalog = buildCatalog([
  ...SUBSCRIPTION_KPIS,
  ...REVENUE_KPIS,
  ...VALUE_KPIS,
  ...USAGE_KPIS,
  ...ACTIVATION_KPIS,
  ...FEEDBACK_KPIS,
  ...MARKETING_KPIS,
]);

export function getDefinition(id: string, catalog: Catalog = CATALOG): KpiDefinition {
  const found = catalog.find((d) => d.id === id);
  if (found) return found;
  const near = closest(
    id,
    catalog.map((d) => d.id),
  );
  throw new TenureError('not_found', `no KPI '${id}' in the catalog`, {
    hint: near.length ? `did you mean ${near.join(', ')}?` : 'run `tenure catalog` to list KPI ids',
  });
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of the definition's canonical JSON: any change to it, a default included, changes this. */
export function definitionHash(def: KpiDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

/** The overridable part of a project file, as read (values are checked here, not trusted). */
export interface ProjectOverrides {
  readonly kpis?: unknown;
  readonly custom_kpis?: unknown;
  readonly metrics?: unknown;
  readonly targets?: unknown;
  readonly tree?: unknown;
  readonly data_quality?: unknown;
  readonly alerts?: unknown;
  readonly currency?: unknown;
  readonly feedback?: unknown;
}

/** One parameter default a project changed, for the change log. */
export interface AppliedOverride {
  readonly kpi: string;
  readonly param: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface ResolvedCatalog {
  readonly definitions: Catalog;
  readonly applied: readonly AppliedOverride[];
  /** Ids of the project's own KPIs (its metrics). */
  readonly custom: readonly string[];
  /** The project's targets and owners (none when absent). */
  readonly targets?: readonly Target[];
  /** The KPI tree: the shipped edges with the project's own (the shipped ones when absent). */
  readonly tree?: readonly TreeEdge[];
  /** The data-quality checks' settings (defaults when absent). */
  readonly dataQuality?: DataQualityConfig;
  /** How alerts are sent: the private hosts a webhook may reach (defaults when absent). */
  readonly alerts?: AlertsConfig;
  /** Feedback themes' settings and the project's own themes (defaults when absent). */
  readonly feedback?: FeedbackConfig;
  /** The ISO 4217 code money is written in (`currency:`; USD when absent). Text only: values stay numbers. */
  readonly currency?: string;
  /** The project file's line of a path in it (project-file.ts), for problems found after it was read. */
  readonly locate?: (path: readonly PathSegment[]) => number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The catalog with a project's custom KPIs added and its parameter overrides applied. Every problem is
 * collected and thrown together as one bad_config error.
 */
export function applyOverrides(catalog: Catalog, overrides: ProjectOverrides): ResolvedCatalog {
  const problems: ConfigProblem[] = [];
  const customKpis = readCustomKpis(catalog, overrides.custom_kpis, problems);
  const custom = [...customKpis, ...readMetrics([...catalog, ...customKpis], overrides.metrics, problems)];
  const merged = [...catalog, ...custom].map((d) => structuredClone(d));
  const applied = applyParamOverrides(merged, overrides.kpis, problems);
  const targets = readTargets(merged, overrides.targets, problems);
  const tree = readTree(merged, overrides.tree, problems);
  const dataQuality = readDataQuality(overrides.data_quality, problems);
  const alerts = readAlertsConfig(overrides.alerts, problems);
  const currency = readCurrency(overrides.currency, problems);
  const feedback = readFeedbackConfig(overrides.feedback, new Set(merged.map((d) => d.id)), problems);
  if (problems.length > 0) throw new ConfigProblemsError(problems);
  return {
    definitions: merged.map((d) => Object.freeze(d)),
    applied,
    custom: custom.map((d) => d.id),
    targets,
    tree,
    dataQuality,
    alerts,
    currency,
    feedback,
  };
}

/** `currency:` — an ISO 4217 code (EUR, GBP…); USD when absent. */
function readCurrency(raw: unknown, problems: ConfigProblem[]): string {
  if (raw === undefined || raw === null) return DEFAULT_CURRENCY;
  if (typeof raw === 'string' && isCurrencyCode(raw)) return raw;
  problems.push({
    path: ['currency'],
    message: `${JSON.stringify(raw)} is not an ISO 4217 currency code`,
    hint: 'write the three capital letters of the data’s money, such as USD, EUR or GBP',
  });
  return DEFAULT_CURRENCY;
}

function readCustomKpis(catalog: Catalog, raw: unknown, problems: ConfigProblem[]): KpiDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({
      path: ['custom_kpis'],
      message: 'must be a list of KPI definitions',
      hint: 'write each custom KPI as a list item (- id: …)',
    });
    return [];
  }
  const taken = new Set(catalog.map((d) => d.id));
  const out: KpiDefinition[] = [];
  raw.forEach((item, i) => {
    // The compiler's families compute the shipped KPIs by id, and a project's own by their metric body. A
    // definition in the shipped shape with a new id would pass here and then fail every run that asks for it
    // (`--kpi all`, the dashboard's overview), so it is refused now, whatever its shape.
    const id = isRecord(item) ? item.id : undefined;
    if (typeof id === 'string' && !taken.has(id)) {
      problems.push({
        path: ['custom_kpis', i, 'id'],
        message: `'${id}' cannot be computed: a definition in the shipped catalog's shape has no computation of a project's own`,
        hint: 'write it under metrics: in the metric language (simple, ratio, derived, cumulative, conversion or retention; docs/metrics.md), which Tenure compiles to SQL',
      });
      return;
    }
    const parsed = KpiDefinitionSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p));
        problems.push({
          path: ['custom_kpis', i, ...path],
          message: valueAt(item, path) === undefined ? 'is required' : issue.message,
          hint: 'see src/catalog/tenure.schema.json for the shape of a KPI definition',
        });
      }
      return;
    }
    if (taken.has(parsed.data.id)) {
      problems.push({
        path: ['custom_kpis', i, 'id'],
        message: `'${parsed.data.id}' is already a KPI id`,
        hint: 'choose another id, or override the shipped KPI’s params under kpis:',
      });
      return;
    }
    taken.add(parsed.data.id);
    out.push(parsed.data);
  });
  return out;
}

function applyParamOverrides(
  definitions: KpiDefinition[],
  raw: unknown,
  problems: ConfigProblem[],
): AppliedOverride[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) {
    problems.push({
      path: ['kpis'],
      message: 'must be a map of KPI id to overrides',
      hint: 'kpis: {ID: {params: {…}}}',
    });
    return [];
  }
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const applied: AppliedOverride[] = [];
  for (const [id, entry] of Object.entries(raw)) {
    const def = byId.get(id);
    if (!def) {
      problems.push({
        path: ['kpis', id],
        message: `no KPI '${id}' in the catalog`,
        hint: suggestion(id, [...byId.keys()], 'KPI ids'),
      });
      continue;
    }
    if (entry === null || entry === undefined) continue; // `mrr:` with nothing under it
    if (!isRecord(entry)) {
      problems.push({
        path: ['kpis', id],
        message: 'must be a map with params',
        hint: 'write params: {NAME: VALUE}',
      });
      continue;
    }
    for (const key of Object.keys(entry).filter((k) => k !== 'params'))
      problems.push({
        path: ['kpis', id, key],
        message: `'${key}' cannot be overridden; only params can`,
        hint: 'a KPI’s formula, lineage and the rest are fixed; override its params instead',
      });
    const params = entry.params;
    if (params === undefined || params === null) continue;
    if (!isRecord(params)) {
      problems.push({
        path: ['kpis', id, 'params'],
        message: 'must be a map of parameter name to value',
        hint: '',
      });
      continue;
    }
    for (const [name, value] of Object.entries(params)) {
      const path = ['kpis', id, 'params', name];
      const spec = def.params[name];
      if (!spec) {
        problems.push({
          path,
          message: `${id} has no parameter '${name}'`,
          hint:
            Object.keys(def.params).length === 0
              ? `${id} takes no parameters, so nothing of it can be overridden`
              : suggestion(name, Object.keys(def.params), 'parameters'),
        });
        continue;
      }
      const problem = paramValueProblem(spec, value);
      if (problem) {
        problems.push({ path, message: problem, hint: `the default is ${JSON.stringify(spec.default)}` });
        continue;
      }
      applied.push({ kpi: id, param: name, from: spec.default, to: value });
      (spec as { default: unknown }).default = structuredClone(value);
    }
  }
  return applied;
}
