// The project file's `feedback:` section: the window of comments read, the churn horizon, how many themes
// discovery may find, and the project's own themes — seeded by keywords, or named merges of discovered
// themes (by their id, the top terms `tenure feedback` prints) — with the KPIs each should move. Every
// field has a default, so the section is optional; problems are collected with their path.
import { z } from 'zod';
import type { ConfigProblem, PathSegment } from '../catalog/problems.ts';
import { keywordStems } from './text.ts';

export const FeedbackThemeSchema = z
  .strictObject({
    name: z.string().min(1).max(80).describe('The theme’s name on the dashboard and in `tenure feedback`'),
    keywords: z
      .array(z.string().min(1).max(60))
      .optional()
      .describe(
        'Seed words: a comment holding any of them (by stem: "exports" matches "export") is in this theme',
      ),
    merge: z
      .array(z.string().min(1).max(200))
      .optional()
      .describe(
        'Ids of discovered themes (their top terms, as `tenure feedback` lists them) folded into this one: one id renames it',
      ),
    kpis: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'The leading KPIs this theme should move (default: from its terms, src/feedback/kpi-links.ts)',
      ),
  })
  .describe('A theme of the project: seeded by keywords, or a name for discovered themes merged');

export const FeedbackConfigSchema = z
  .strictObject({
    window_months: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(12)
      .describe('Calendar months of comments read, ending with the month of as_of'),
    churn_days: z
      .number()
      .int()
      .min(7)
      .max(365)
      .default(90)
      .describe('An answer counts as followed by churn when MRR goes to 0 within this many days after it'),
    max_themes: z
      .number()
      .int()
      .min(2)
      .max(30)
      .default(20)
      .describe('Most themes discovery may find (k is chosen from 2 to this by the silhouette)'),
    min_comments: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('A discovered theme with fewer comments is left unthemed'),
    themes: z.array(FeedbackThemeSchema).default([]).describe('The project’s own themes'),
  })
  .describe('Feedback themes: comments grouped by topic, with their churn and MRR at stake');

export type FeedbackConfig = z.infer<typeof FeedbackConfigSchema>;
export type FeedbackThemeConfig = z.infer<typeof FeedbackThemeSchema>;

export const DEFAULT_FEEDBACK: FeedbackConfig = FeedbackConfigSchema.parse({});

const HINT = 'see src/catalog/tenure.schema.json for the feedback section (docs/feedback.md)';

/** Reads `feedback:`; KPI ids are checked against the catalog's. Each problem is collected, none thrown. */
export function readFeedbackConfig(
  raw: unknown,
  kpiIds: ReadonlySet<string>,
  problems: ConfigProblem[],
): FeedbackConfig {
  if (raw === undefined || raw === null) return DEFAULT_FEEDBACK;
  const parsed = FeedbackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p));
      problems.push({ path: ['feedback', ...path], message: issue.message, hint: HINT });
    }
    return DEFAULT_FEEDBACK;
  }
  const before = problems.length;
  const names = new Set<string>();
  parsed.data.themes.forEach((t, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ['feedback', 'themes', i, ...rest];
    if (names.has(t.name.toLowerCase()))
      problems.push({
        path: at('name'),
        message: `'${t.name}' names two themes`,
        hint: 'give each theme its own name',
      });
    names.add(t.name.toLowerCase());
    if (!t.keywords?.length && !t.merge?.length)
      problems.push({
        path: at(),
        message: 'a theme needs keywords (to seed it) or merge (discovered theme ids to name)',
        hint: 'add keywords: [word, …] or merge: [theme id, …]',
      });
    t.keywords?.forEach((k, j) => {
      if (keywordStems([k]).length === 0)
        problems.push({
          path: at('keywords', j),
          message: `'${k}' is a stopword or under 3 letters, so it matches no comment`,
          hint: 'seed the theme with words that carry its topic (price, export, integration)',
        });
    });
    t.kpis?.forEach((id, j) => {
      if (!kpiIds.has(id))
        problems.push({
          path: at('kpis', j),
          message: `'${id}' is not a KPI of the catalog`,
          hint: 'name a KPI id that `tenure catalog` lists',
        });
    });
  });
  return problems.length > before ? DEFAULT_FEEDBACK : parsed.data;
}
