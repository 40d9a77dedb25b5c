// Feedback themes end to end: read the window's comments with their customers' MRR facts (one query),
// group them into themes (themes.ts), compute each theme's figures (stats.ts) and rank the backlog by MRR at
// stake × excess churn. `feedbackReport` is what `tenure feedback --json` prints and GET /api/feedback
// returns (snake_case).
import type { Catalog } from '../catalog/catalog.ts';
import { asOfOrDataEnd } from '../compiler/as-of.ts';
import type { Engine } from '../warehouse/engine.ts';
import { type CommentRow, readComments } from './comments-sql.ts';
import { DEFAULT_FEEDBACK, type FeedbackConfig } from './config.ts';
import { churnCounted, monthOf, themeStats, type Window } from './stats.ts';
import { findThemes, type Theme } from './themes.ts';

export interface FeedbackOptions {
  /** A day or an RFC 3339 instant; default the data's end. */
  asOf?: string;
  config?: FeedbackConfig;
  catalog: Catalog;
}

/** Example comments shown per theme. */
const EXAMPLES = 3;

/** The window: the config's calendar months ending with the month holding as_of (its last instant before). */
export function feedbackWindow(asOf: string, config: FeedbackConfig): Window {
  const asOfMs = Date.parse(asOf);
  const last = new Date(asOfMs - 1);
  const months: string[] = [];
  for (let k = config.window_months - 1; k >= 0; k--)
    months.push(monthOf(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - k, 1)));
  const start = Date.parse(`${months[0]}-01T00:00:00Z`);
  return { start, asOf: asOfMs, months, churnDays: config.churn_days };
}

/** The theme's comments that hold most of its top terms, distinct, as examples. */
function examples(theme: Theme, rows: readonly CommentRow[]): string[] {
  const terms = theme.terms.slice(0, 3).map((t) => t.toLowerCase());
  const scored = theme.members.map((m) => {
    const text = (rows[m] as CommentRow).comment;
    const lower = text.toLowerCase();
    return { text, hits: terms.filter((t) => lower.includes(t)).length };
  });
  scored.sort((a, b) => b.hits - a.hits || a.text.length - b.text.length || (a.text < b.text ? -1 : 1));
  return [...new Set(scored.map((s) => s.text))].slice(0, EXAMPLES);
}

export async function feedbackReport(engine: Engine, opts: FeedbackOptions) {
  const config = opts.config ?? DEFAULT_FEEDBACK;
  const asOf = await asOfOrDataEnd(engine, opts.asOf, 'as_of');
  const w = feedbackWindow(asOf, config);
  const rows = await readComments(engine, new Date(w.start).toISOString(), asOf, config.churn_days);
  const names = new Map(opts.catalog.map((d) => [d.id, d.name]));
  const found = findThemes(
    rows.map((r) => r.comment),
    config,
    new Set(names.keys()),
  );
  const themes = found.themes.map((t) => ({
    id: t.id,
    name: t.name,
    configured: t.configured,
    terms: t.terms,
    kpis: t.kpis.map((id) => ({ id, name: names.get(id) ?? id })),
    examples: examples(t, rows),
    ...themeStats(rows, t.members, w),
  }));
  const backlog = themes
    .filter((t) => t.priority > 0)
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1))
    .map((t, i) => ({
      rank: i + 1,
      theme: t.id,
      name: t.name,
      mrr_at_stake: t.mrr_at_stake,
      excess_churn: t.excess_churn,
      priority: t.priority,
      churn_difference_lower_95: t.churn.lower_95,
      churn_difference_upper_95: t.churn.upper_95,
      // The interval of the difference lies above 0: the extra churn is not noise.
      clear: (t.churn.lower_95 ?? 0) > 0,
      kpis: t.kpis,
    }));
  const counted = rows.filter((r) => churnCounted(r, w));
  return {
    as_of: asOf,
    window: { start: new Date(w.start).toISOString(), end: asOf, months: w.months },
    churn_days: config.churn_days,
    comments: rows.length,
    customers: new Set(rows.map((r) => r.customerId)).size,
    churn_answers: counted.length,
    churn_rate: counted.length ? counted.filter((r) => r.churned).length / counted.length : null,
    unthemed_comments: found.unthemed.length,
    silhouette: found.silhouette,
    themes,
    backlog,
    notes: found.notes,
  };
}

export type FeedbackReport = Awaited<ReturnType<typeof feedbackReport>>;
