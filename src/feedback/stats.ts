// Per-theme figures from each comment's facts (comments-sql.ts), pure: volume per month and its trend,
// the scores of those who raise it, the churn of their answers against the others' with Newcombe's
// interval (src/models/proportions.ts), and the MRR at stake.
//
// Churn, precisely: an answer counts when the customer was paying as it was given (MRR > 0 at answered_at)
// and its churn window has closed (answered_at + churn_days ≤ as_of); it is followed by churn when the
// customer's MRR goes to 0 in (answered_at, answered_at + churn_days]. The theme's answers are compared
// with every other counted answer with a comment. The unit is the answer: a customer who commented twice
// counts twice, as two looks at them at two times.
import { newcombeDifference } from '../models/proportions.ts';

export interface CommentFacts {
  customerId: string;
  /** Epoch milliseconds. */
  answeredAt: number;
  kind: string;
  score: number;
  /** MRR just before the answer (0 when not paying). */
  mrrAtAnswer: number;
  /** MRR at as_of (0 when not paying). */
  mrrNow: number;
  /** MRR went to 0 within churn_days after the answer. */
  churned: boolean;
}

export interface Window {
  /** Epoch ms of the first month's start, and of as_of. */
  start: number;
  asOf: number;
  /** 'YYYY-MM' of each month of the window, oldest first. */
  months: string[];
  churnDays: number;
}

const DAY_MS = 86_400_000;
/** Months compared by the trend: the latest three against the three before. */
const TREND_MONTHS = 3;

export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** NPS of the answers: % promoters (9–10) − % detractors (0–6), in points; null without answers. */
export function netPromoterScore(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return (100 * (promoters - detractors)) / scores.length;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Whether an answer enters the churn comparison (paying then, window closed by as_of). */
export const churnCounted = (f: CommentFacts, w: Window) =>
  f.mrrAtAnswer > 0 && f.answeredAt + w.churnDays * DAY_MS <= w.asOf;

export function themeStats(facts: readonly CommentFacts[], members: readonly number[], w: Window) {
  const inTheme = new Set(members);
  const mine = members.map((m) => facts[m] as CommentFacts);
  const monthly = new Map(w.months.map((m) => [m, 0]));
  for (const f of mine) monthly.set(monthOf(f.answeredAt), (monthly.get(monthOf(f.answeredAt)) ?? 0) + 1);
  // Trend: the theme's share of all comments in the latest months against the months before.
  const recent = new Set(w.months.slice(-TREND_MONTHS));
  const previous = new Set(w.months.slice(-2 * TREND_MONTHS, -TREND_MONTHS));
  const count = (months: Set<string>, only: boolean) =>
    facts.filter((f, i) => months.has(monthOf(f.answeredAt)) && (!only || inTheme.has(i))).length;
  const [recentTheme, recentAll] = [count(recent, true), count(recent, false)];
  const [previousTheme, previousAll] = [count(previous, true), count(previous, false)];
  const change = newcombeDifference(recentTheme, recentAll, previousTheme, previousAll);
  const direction =
    change === null ? null : change.lower > 0 ? 'rising' : change.upper < 0 ? 'falling' : 'steady';
  let raisers = { answers: 0, churned: 0 };
  let others = { answers: 0, churned: 0 };
  facts.forEach((f, i) => {
    if (!churnCounted(f, w)) return;
    const add = (g: typeof raisers) => ({ answers: g.answers + 1, churned: g.churned + (f.churned ? 1 : 0) });
    if (inTheme.has(i)) raisers = add(raisers);
    else others = add(others);
  });
  const churn = newcombeDifference(raisers.churned, raisers.answers, others.churned, others.answers);
  // MRR at stake: what the customers who raised it in the window still pay at as_of, each counted once.
  const paying = new Map<string, number>();
  for (const f of mine) if (f.mrrNow > 0) paying.set(f.customerId, f.mrrNow);
  const mrrAtStake = [...paying.values()].reduce((s, x) => s + x, 0);
  const excess = churn === null ? 0 : Math.max(0, churn.estimate);
  const nps = mine.filter((f) => f.kind === 'nps').map((f) => f.score);
  const csat = mine.filter((f) => f.kind === 'csat').map((f) => f.score);
  return {
    comments: mine.length,
    customers: new Set(mine.map((f) => f.customerId)).size,
    share: facts.length ? mine.length / facts.length : 0,
    monthly: [...monthly.entries()].map(([month, comments]) => ({ month, comments })),
    trend: {
      recent_share: shareOf(recentTheme, recentAll),
      previous_share: shareOf(previousTheme, previousAll),
      change: change?.estimate ?? null,
      lower_95: change?.lower ?? null,
      upper_95: change?.upper ?? null,
      direction,
    },
    nps: { score: netPromoterScore(nps), answers: nps.length },
    csat: { mean: mean(csat), answers: csat.length },
    churn: {
      raisers: { ...raisers, rate: raisers.answers ? raisers.churned / raisers.answers : null },
      others: { ...others, rate: others.answers ? others.churned / others.answers : null },
      difference: churn?.estimate ?? null,
      lower_95: churn?.lower ?? null,
      upper_95: churn?.upper ?? null,
    },
    mrr_at_stake: mrrAtStake,
    paying_customers: paying.size,
    excess_churn: excess,
    priority: mrrAtStake * excess,
  };
}

const shareOf = (part: number, whole: number) => (whole ? part / whole : null);

export type ThemeStats = ReturnType<typeof themeStats>;
