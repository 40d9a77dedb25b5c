// Product usage KPIs: active-user ratios, sessions, engagement, feature use, repeat behaviour and repeat
// purchases. Event-name defaults follow the synthetic company and are overridable per project.
import type { KpiDefinition } from '../definition.ts';
import {
  activeEvents,
  EVENT_LOG,
  engagementEvents,
  features,
  integer,
  keyActions,
  MRR_LOG,
  reads,
  SESSION_LOG,
  SIGNUPS,
  sessionGapMinutes,
  USER_ACCOUNTS,
} from './shared.ts';

const activeUserRatio = (id: string, name: string, formula: string, description: string): KpiDefinition => ({
  id,
  name,
  description,
  activity: 'retention_strategies',
  kind: 'leading',
  unit: 'rate',
  higherIsBetter: true,
  formula,
  params: { active_events: activeEvents },
  lineage: [EVENT_LOG],
  version: 1,
  computation: 'active_users',
});

export const USAGE_KPIS: KpiDefinition[] = [
  activeUserRatio(
    'dau_wau_ratio',
    'DAU/WAU Ratio',
    'mean DAU(d) / mean WAU(d) over days d in P',
    'How many of the users active in a week are active on a given day, averaged over the days of the period: a measure of how habitual use is.',
  ),
  activeUserRatio(
    'stickiness_ratio',
    'Stickiness Ratio (DAU/MAU)',
    'mean DAU(d) / mean MAU(d) over days d in P',
    'Daily active users as a share of users active over the trailing thirty days, averaged over the period; higher means people come back most days.',
  ),
  activeUserRatio(
    'wau_mau_ratio',
    'WAU/MAU Ratio',
    'mean WAU(d) / mean MAU(d) over days d in P',
    'Weekly active users as a share of users active over the trailing thirty days, averaged over the period; shows whether monthly users return every week.',
  ),
  {
    id: 'session_frequency',
    name: 'Session Frequency',
    description: 'Sessions started in the period per user active in it: how often people come back.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'count',
    higherIsBetter: true,
    formula: 'sessions starting in P / active users in P',
    params: { session_gap_minutes: sessionGapMinutes, active_events: activeEvents },
    lineage: [SESSION_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'session',
  },
  {
    id: 'meaningful_session_frequency',
    name: 'Meaningful Session Frequency',
    description:
      'Sessions in which a user did several distinct high-value actions, per active user: it counts visits that got work done rather than every visit.',
    activity: 'retention_campaigns',
    kind: 'leading',
    unit: 'count',
    higherIsBetter: true,
    formula:
      'sessions in P holding at least `min_key_actions` (2) distinct `key_actions` / active users in P',
    params: {
      session_gap_minutes: sessionGapMinutes,
      key_actions: keyActions,
      min_key_actions: integer(2, 'Distinct key actions a session must hold to be meaningful.'),
      active_events: activeEvents,
    },
    lineage: [SESSION_LOG],
    grainSensitive: true,
    version: 1,
    computation: 'session',
  },
  {
    id: 'engagement_rate',
    name: 'Engagement Rate',
    description:
      'The share of subscribed accounts that did something meaningful in the period (every signed-up account when there is no subscription data). The engagement events are overridable.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'accounts with ≥ `min_events` (1) `engagement_events` in P / accounts subscribed at any time in P (all signed-up accounts where there is no subscription data)',
    params: {
      engagement_events: engagementEvents,
      min_events: integer(1, 'Engagement events an account needs in the period to count as engaged.'),
    },
    lineage: [EVENT_LOG, USER_ACCOUNTS, MRR_LOG, SIGNUPS],
    grainSensitive: true,
    version: 1,
    computation: 'account_activity',
  },
  {
    id: 'engagement_metrics',
    name: 'Engagement Metrics',
    description:
      'A small family describing depth of use: events and sessions per active user, average session length and key actions per session. The headline value is events per active user.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'count',
    higherIsBetter: true,
    formula:
      'a family: events per active user, sessions per active user, mean session minutes, key actions per session',
    params: {
      session_gap_minutes: sessionGapMinutes,
      active_events: activeEvents,
      key_actions: keyActions,
    },
    lineage: [SESSION_LOG],
    version: 1,
    computation: 'session_engagement',
    also: ['sessions_per_active_user', 'mean_session_minutes', 'key_actions_per_session'],
  },
  {
    id: 'customer_engagement_score',
    name: 'Customer Engagement Score',
    description:
      'A 0–100 score per account from weighted, log-damped counts of key actions, each held against a fixed reference count; the KPI is the average over subscribed accounts, with how many score low, middling and high. Default references are monthly counts from the first three complete months of events, so the scale stays put and is best compared at month grain.',
    activity: 'retention_programs',
    kind: 'leading',
    unit: 'score',
    higherIsBetter: true,
    formula:
      'per account and period: 100 · Σ w_e · min(1, ln(1 + count_e) / ln(1 + cap_e)) / Σ w_e over `key_actions`, where `cap_e` is a fixed reference per action (set in the project; by default the 90th percentile of per-account counts over the first 3 complete months of data, frozen so the scale does not move); the KPI is the mean over accounts subscribed in P, with the shares of low (<33) / mid / high (≥67). A percentile rank among accounts is not used: its mean is 50 by construction and cannot show a trend',
    params: {
      key_actions: keyActions,
      key_action_weights: {
        type: 'number_map',
        default: {},
        min: 0,
        description: 'Weight w_e per key action (e.g. {export_data: 2}); actions left out weigh 1.',
      },
      cap_e: {
        type: 'number_map',
        default: {},
        min: 1,
        description:
          'Reference count cap_e per key action (e.g. {export_data: 20}): a count at or above it scores full marks. Actions left out take the 90th percentile of the subscribed accounts’ monthly counts (none = 0) over the first 3 complete calendar months of events, at least 1.',
      },
    },
    lineage: [EVENT_LOG, USER_ACCOUNTS, MRR_LOG],
    grainSensitive: true,
    // 2: scored against fixed references per action; v1 was a percentile rank among accounts (mean 50).
    version: 2,
    computation: 'engagement_score',
    also: ['share_low', 'share_mid', 'share_high'],
  },
  {
    id: 'feature_adoption_rate',
    name: 'Feature Adoption Rate (Ongoing)',
    description:
      'For each feature, the share of recently active users who used it in most of the last few complete weeks: sustained use, not a single try; a period whose weeks reach back before the data’s first day is flagged censored, and the feature list is overridable.',
    activity: 'retention_programs',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'for each feature: active users who used it in ≥ `k` (3) of the last `n` (4) complete weeks before p_end / users active in those weeks',
    params: {
      features,
      k: integer(3, 'Weeks of use (out of n) that make a user an ongoing adopter.'),
      n: integer(4, 'Complete weeks before the period’s end that are looked at.'),
      active_events: activeEvents,
    },
    lineage: [EVENT_LOG],
    // 2: a period whose first week begins before the data is flagged censored (issue 15 item 4).
    version: 2,
    computation: 'feature_usage',
    also: ['per_feature'],
  },
  {
    id: 'retained_feature_users',
    name: 'Percent of Retained Feature Users',
    description:
      'For each feature, the share of the previous period’s users of it who used it again this period. The feature list is overridable.',
    activity: 'retention_campaigns',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula: 'for each feature: users who used it in P−1 and again in P / users who used it in P−1',
    params: { features },
    lineage: [EVENT_LOG],
    version: 1,
    computation: 'feature_usage',
    also: ['per_feature'],
  },
  {
    id: 'time_to_first_repeat_action',
    name: 'Time to First Repeat Action',
    description:
      'For users who first did a key action in the period, the median number of days until they did it a second time, among those who did so within the horizon; the share who repeated is reported too. A user counts only once the whole horizon after the first use is observed, in the share’s numerator and denominator alike; the action is overridable.',
    activity: 'retention_campaigns',
    kind: 'leading',
    unit: 'days',
    higherIsBetter: false,
    formula:
      'for `key_action`, users whose first use is in P: median days between first and second use, among those who repeat within `horizon_days` (30); the share who repeat is reported',
    params: {
      key_action: {
        type: 'string',
        default: 'create_report',
        description: 'The action whose repetition is timed; the default is the synthetic company’s.',
      },
      horizon_days: integer(30, 'Days after the first use within which a repeat counts.'),
    },
    lineage: [EVENT_LOG],
    // 2: users whose horizon is still open at the data's end are censored, successes included (issue 15 item 1).
    version: 2,
    computation: 'time_to_event',
    also: ['repeat_share'],
  },
  {
    id: 'repeat_purchase_rate',
    name: 'Repeat Purchase Rate',
    description: 'Among customers who ordered in the period, the share who ordered at least twice.',
    activity: 'retention_strategies',
    kind: 'lagging',
    unit: 'rate',
    higherIsBetter: true,
    formula: 'customers with ≥ 2 orders in P / customers with ≥ 1 order in P',
    params: {},
    lineage: [reads('orders', 'order_id', 'customer_id', 'ordered_at')],
    grainSensitive: true,
    version: 1,
    computation: 'orders',
  },
];
