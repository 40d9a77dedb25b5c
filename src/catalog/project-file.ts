// The project file, tenure.yaml: parameter overrides of shipped KPIs and the project's own KPIs. Read with
// the `yaml` package so problems can name their line; checked by applyOverrides, which collects them all.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { AlertsConfigSchema } from '../alerts/config.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { FeedbackConfigSchema } from '../feedback/config.ts';
import { TreeSectionSchema } from '../goals/kpi-tree.ts';
import { TargetSchema } from '../goals/targets.ts';
import { DataQualitySchema } from '../quality/config.ts';
import { applyOverrides, CATALOG, type Catalog, type ResolvedCatalog } from './catalog.ts';
import { type KpiDefinition, KpiDefinitionSchema, type ParamSpec } from './definition.ts';
import { MetricsSectionSchema } from './metric-language.ts';
import { ConfigProblemsError, locatedProblems, type PathSegment } from './problems.ts';

export const DEFAULT_PROJECT_FILE = 'tenure.yaml';

const ParamValueSchema = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.array(z.string()),
  z.array(z.number()),
  z.record(z.string(), z.number()),
]);

/** A zod schema of one parameter's values, carrying its description and default for editors. */
function paramValueSchema(spec: ParamSpec): z.ZodType {
  const bounded = (n: z.ZodNumber) => {
    let out = n;
    if ('min' in spec && spec.min !== undefined) out = out.min(spec.min);
    if ('max' in spec && spec.max !== undefined) out = out.max(spec.max);
    return out;
  };
  const meta = { description: spec.description, default: spec.default };
  switch (spec.type) {
    case 'number':
      return bounded(z.number()).meta(meta);
    case 'integer':
      return bounded(z.number().int()).meta(meta);
    case 'string':
      return z.string().meta(meta);
    case 'boolean':
      return z.boolean().meta(meta);
    case 'enum':
      return z.enum(spec.values).meta(meta);
    case 'string[]':
      return z.array(z.string()).meta(meta);
    case 'integer[]':
      return z.array(bounded(z.number().int())).meta(meta);
    case 'number[]':
      return z.array(bounded(z.number())).meta(meta);
    case 'number_map':
      return z.record(z.string(), bounded(z.number())).meta(meta);
  }
}

/** Overrides of one KPI: only its own parameters, each with its type. */
const kpiOverrideSchema = (def: KpiDefinition) =>
  z
    .strictObject({
      params: z
        .strictObject(
          Object.fromEntries(Object.entries(def.params).map(([k, v]) => [k, paramValueSchema(v)])),
        )
        .partial()
        .optional(),
    })
    .describe(def.name);

/**
 * The project file's shape, for editors (tenure.schema.json). Other parts of Tenure may add top-level
 * sections, so unknown top-level keys are allowed; under kpis and custom_kpis everything is checked. Keys of
 * kpis that are not shipped KPIs are the project's own (custom_kpis), with parameters of any type.
 */
export function projectFileSchema(catalog: Catalog = CATALOG) {
  const shipped = Object.fromEntries(catalog.map((d) => [d.id, kpiOverrideSchema(d).optional()]));
  const customOverride = z.strictObject({ params: z.record(z.string(), ParamValueSchema).optional() });
  return z
    .looseObject({
      version: z.literal(1).optional().describe('Version of the project file format'),
      kpis: z
        .object(shipped)
        .catchall(customOverride)
        .optional()
        .describe('New parameter defaults of KPIs, by KPI id'),
      custom_kpis: z
        .array(KpiDefinitionSchema)
        .optional()
        .describe(
          'Definitions in the shipped catalog’s shape (refused: write a project’s own KPIs under metrics)',
        ),
      metrics: MetricsSectionSchema.optional(),
      targets: z.array(TargetSchema).optional().describe('Targets, owners and action plans per KPI'),
      tree: TreeSectionSchema.optional().describe('Edges of the KPI tree, from leading to lagging KPIs'),
      data_quality: DataQualitySchema.optional(),
      alerts: AlertsConfigSchema.optional(),
      feedback: FeedbackConfigSchema.optional(),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional()
        .describe(
          'ISO 4217 code of the money in the data (USD when absent); amounts are written with its symbol ($179,021.90, €1.2M)',
        )
        .meta({ examples: ['EUR'] }),
    })
    .describe('Tenure project file (tenure.yaml)');
}

/** The JSON Schema of the project file; src/catalog/tenure.schema.json holds its output. */
export function projectFileJsonSchema(): unknown {
  return {
    $id: 'https://tenure.dev/schemas/tenure.schema.json',
    ...z.toJSONSchema(projectFileSchema(), { target: 'draft-2020-12', unrepresentable: 'any' }),
  };
}

/** Parses project-file text; `file` names it in messages. Problems carry the line they sit on. */
export function parseProjectFile(text: string, file: string, catalog: Catalog = CATALOG): ResolvedCatalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line;
    throw new TenureError('bad_config', `not valid YAML: ${syntax.message.split('\n')[0]}`, {
      where: line === undefined ? { file } : { file, line },
      hint: 'fix the YAML syntax at that line',
    });
  }
  const data: unknown = doc.toJS() ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new TenureError('bad_config', 'the project file must be a map (kpis:, custom_kpis:)', {
      where: { file },
      hint: 'start the file with kpis: or custom_kpis:',
    });
  /** The line of the node at `path`, or of its nearest parent that exists (a missing field's parent). */
  const locate = (path: readonly PathSegment[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      const start = node?.range?.[0];
      if (start !== undefined) return lineCounter.linePos(start).line;
    }
    return undefined;
  };
  try {
    return { ...applyOverrides(catalog, data), locate };
  } catch (err) {
    if (!(err instanceof ConfigProblemsError)) throw err;
    throw locatedProblems(err.problems, locate, file);
  }
}

/** Reads a project file; a missing file is not_found. */
export async function loadProjectFile(file: string, catalog: Catalog = CATALOG): Promise<ResolvedCatalog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TenureError('not_found', `cannot read project file ${file}`, {
      where: { file },
      hint: 'check the path given to --project',
      cause: err,
    });
  }
  return parseProjectFile(text, file, catalog);
}
