// What the Feedback page shows in each cell, as pure functions of GET /api/feedback's answer, so the browser
// test formats the API's numbers with the same code and compares text.
import { type FormatOptions, formatDelta, formatPercent, formatValue, NO_VALUE } from '../format.ts';

export interface FeedbackTheme {
  id: string;
  name: string;
  configured: boolean;
  terms: string[];
  kpis: { id: string; name: string }[];
  examples: string[];
  comments: number;
  customers: number;
  share: number;
  monthly: { month: string; comments: number }[];
  trend: {
    recent_share: number | null;
    previous_share: number | null;
    change: number | null;
    lower_95: number | null;
    upper_95: number | null;
    direction: 'rising' | 'falling' | 'steady' | null;
  };
  nps: { score: number | null; answers: number };
  csat: { mean: number | null; answers: number };
  churn: {
    raisers: { answers: number; churned: number; rate: number | null };
    others: { answers: number; churned: number; rate: number | null };
    difference: number | null;
    lower_95: number | null;
    upper_95: number | null;
  };
  mrr_at_stake: number;
  paying_customers: number;
  excess_churn: number;
  priority: number;
}

export interface FeedbackAnswer {
  as_of: string;
  window: { start: string; end: string; months: string[] };
  churn_days: number;
  comments: number;
  customers: number;
  churn_answers: number;
  churn_rate: number | null;
  unthemed_comments: number;
  themes: FeedbackTheme[];
  backlog: {
    rank: number;
    theme: string;
    name: string;
    mrr_at_stake: number;
    excess_churn: number;
    priority: number;
    churn_difference_lower_95: number | null;
    churn_difference_upper_95: number | null;
    clear: boolean;
    kpis: { id: string; name: string }[];
  }[];
  notes: string[];
}

/** A difference of two rates with its 95% interval: "+12.0 pt (3.1 to 20.9)". */
export function differenceText(d: number | null, lower: number | null, upper: number | null): string {
  if (d === null || lower === null || upper === null) return NO_VALUE;
  const bound = (x: number) => formatDelta(x, 'rate').replace(' pt', '');
  return `${formatDelta(d, 'rate')} (${bound(lower)} to ${bound(upper)})`;
}

const TREND_WORDS = { rising: '↑ rising', falling: '↓ falling', steady: 'steady' } as const;

/** The themes table's cells: theme, comments, trend, NPS, CSAT, churn (raisers / others), difference, MRR. */
export function themeCells(t: FeedbackTheme, money: FormatOptions = {}): string[] {
  return [
    t.name,
    `${t.comments} (${formatPercent(t.share, { digits: 0 })})`,
    t.trend.direction === null ? NO_VALUE : TREND_WORDS[t.trend.direction],
    t.nps.score === null ? NO_VALUE : formatValue(t.nps.score, 'points', { digits: 0 }),
    t.csat.mean === null ? NO_VALUE : formatValue(t.csat.mean, 'score', { digits: 2 }),
    `${formatPercent(t.churn.raisers.rate)} vs ${formatPercent(t.churn.others.rate)}`,
    differenceText(t.churn.difference, t.churn.lower_95, t.churn.upper_95),
    formatValue(t.mrr_at_stake, 'currency', money),
  ];
}

/**
 * The backlog's cells: rank, theme, MRR at stake, extra churn with its 95% interval (and "may be noise" when
 * the interval reaches 0), MRR × extra churn, KPIs to move.
 */
export function backlogCells(b: FeedbackAnswer['backlog'][number], money: FormatOptions = {}): string[] {
  return [
    String(b.rank),
    b.name,
    formatValue(b.mrr_at_stake, 'currency', money),
    `${differenceText(b.excess_churn, b.churn_difference_lower_95, b.churn_difference_upper_95)}${b.clear ? '' : ', may be noise'}`,
    formatValue(b.priority, 'currency', money),
    b.kpis.map((k) => k.name).join(', ') || NO_VALUE,
  ];
}
