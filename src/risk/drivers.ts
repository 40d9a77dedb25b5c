// The main drivers of one customer's score, in words. A column's contribution is its coefficient times the
// customer's standardised value (the training mean is 0 on that scale), so it says how far this value
// moves the log-odds from an average customer's; columns of one variable (one-hot levels, a missing
// indicator) add up to one driver. The three largest that raise the risk are named.

import { DAYS_PER_MONTH } from '../compiler/periods.ts';
import type { FeatureRow } from './features-sql.ts';

export interface Driver {
  /** The variable: log_events_30d, usage_trend, plan, nps, … */
  feature: string;
  /** Its contribution to the log-odds of churning, against an average customer. */
  contribution: number;
  text: string;
}

const pct = (x: number) => `${Math.round(Math.abs(x) * 100)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The sentence for a variable, from the customer's raw values. */
export function describeDriver(feature: string, row: FeatureRow): string {
  switch (feature) {
    case 'usage_trend': {
      if (row.events_prev_30d === 0)
        return row.events_30d === 0 ? 'no usage in 60 days' : 'usage new in the last 30 days';
      const change = row.events_30d / row.events_prev_30d - 1;
      return `usage ${change < 0 ? 'down' : 'up'} ${pct(change)} vs previous 30 days`;
    }
    case 'usage_level':
      return row.events_30d === 0
        ? 'no usage in the last 30 days'
        : `${plural(row.events_30d, 'event')} on ${plural(row.active_days_30d, 'day')} in the last 30 days`;
    case 'log_key_actions_30d':
      return `${plural(row.key_actions_30d, 'key action')} in the last 30 days`;
    case 'features_30d':
      return `${plural(row.features_30d, 'feature')} used in the last 30 days`;
    case 'activated':
      return row.activated ? 'activated' : 'never activated';
    case 'nps':
      return row.nps === null ? 'no NPS answer in 180 days' : `last NPS ${row.nps}`;
    case 'csat':
      return row.csat === null ? 'no CSAT answer in 180 days' : `last CSAT ${row.csat}`;
    case 'contractions_90d':
      return row.contractions_90d === 0
        ? 'no downgrade in 90 days'
        : `${plural(row.contractions_90d, 'downgrade')} in 90 days`;
    case 'checked_in_90d':
      return row.checkins_90d === 0
        ? 'no check-in in 90 days'
        : `${plural(row.checkins_90d, 'check-in')} in 90 days`;
    case 'log_tenure_months': {
      const months = Math.floor(row.tenure_days / DAYS_PER_MONTH);
      return `paying for ${plural(months, 'month')}`;
    }
    case 'log_mrr':
      return `MRR ${Math.round(row.mrr)}`;
    case 'plan':
      return `plan ${row.plan ?? '(none)'}`;
    case 'channel':
      return `acquired through ${row.channel ?? '(unknown channel)'}`;
    default:
      return feature;
  }
}

/** The `top` variables that raise this customer's risk most, largest first. */
export function topDrivers(
  row: FeatureRow,
  contributions: readonly { group: string; value: number }[],
  top = 3,
): Driver[] {
  const byGroup = new Map<string, number>();
  for (const c of contributions) byGroup.set(c.group, (byGroup.get(c.group) ?? 0) + c.value);
  return [...byGroup.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([feature, contribution]) => ({ feature, contribution, text: describeDriver(feature, row) }));
}
