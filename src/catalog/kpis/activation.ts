// Onboarding KPIs: reaching activation, what activated accounts do next, the signup funnel and the time it
// takes an account to get more than it expected. Milestones and funnel steps are overridable per project.
import type { KpiDefinition } from '../definition.ts';
import {
  ACTIVATION_MILESTONES,
  activationMilestones,
  activationWindowDays,
  activeEvents,
  EVENT_LOG,
  engagementEvents,
  events,
  FUNNEL_STEPS,
  integer,
  SIGNUPS,
  SURVEY_ANSWERS,
  USER_ACCOUNTS,
} from './shared.ts';

const activationParams = {
  activation_milestones: activationMilestones,
  activation_window_days: activationWindowDays,
};

export const ACTIVATION_KPIS: KpiDefinition[] = [
  {
    id: 'activation_milestone_completion',
    name: 'Percent of Accounts Completing Key Activation Milestones',
    description: `Of the accounts that signed up in the period and whose activation window has closed, the share that completed every milestone in time; each milestone's own rate is reported too. Milestones default to ${ACTIVATION_MILESTONES.join(', ')} and are overridable.`,
    activity: 'retention_campaigns',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'accounts signed up in P activated within the window / accounts signed up in P whose window is over; per-milestone rates too',
    params: { ...activationParams },
    lineage: [SIGNUPS, EVENT_LOG, USER_ACCOUNTS],
    version: 1,
    computation: 'activation',
    also: ['per_milestone'],
  },
  {
    id: 'activated_follow_up_engagement_rate',
    name: 'Activated-to-Follow-Up Engagement Rate',
    description:
      'Of the accounts that became activated in the period, the share that came back and engaged within a few days after; accounts whose follow-up window is still open are left out.',
    activity: 'retention_campaigns',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'accounts activated in P with an engagement event in (activated_at, activated_at + `days` (7)] / accounts activated in P whose window is over',
    params: {
      ...activationParams,
      engagement_events: engagementEvents,
      days: integer(7, 'Days after activation in which an engagement event must follow.'),
    },
    lineage: [SIGNUPS, EVENT_LOG, USER_ACCOUNTS],
    version: 1,
    computation: 'activation',
  },
  {
    id: 'activation_cohort_retention',
    name: 'Activation Cohort Retention Rate (Day 7/30)',
    description:
      'Of the accounts activated on a given day of the period, the share active again exactly N days later (or on any day from then, in on_or_after mode), for N of 7 and 30.',
    activity: 'retention_campaigns',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: true,
    formula:
      'of accounts activated on day d0 in P, share active on day d0+N (N = 7, 30); `mode`: on_day (default) or on_or_after',
    params: {
      ...activationParams,
      active_events: activeEvents,
      n_days: {
        type: 'integer[]',
        default: [7, 30],
        min: 1,
        description: 'The days N after activation at which return is checked; one rate per N.',
      },
      mode: {
        type: 'enum',
        default: 'on_day',
        values: ['on_day', 'on_or_after'],
        description: 'on_day: active on day d0+N itself; on_or_after: active on any day from d0+N on.',
      },
    },
    lineage: [SIGNUPS, EVENT_LOG, USER_ACCOUNTS],
    version: 1,
    computation: 'activation',
    also: ['per_day'],
  },
  {
    id: 'drop_off_rate',
    name: 'Drop-Off Rate',
    description: `The share of accounts that start a funnel but do not reach its last step within a window of starting, with the loss at each step (an account reaches a step when any of its users does). Steps default to the synthetic signup funnel (${FUNNEL_STEPS.join(' → ')}) and are overridable.`,
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'rate',
    higherIsBetter: false,
    formula:
      'for a configured funnel of ordered steps within `window_days` (7) of step 1: 1 − reached(last) / reached(first); per step 1 − reached(i) / reached(i−1)',
    params: {
      steps: events(FUNNEL_STEPS, 'The funnel’s events in order; override with your own funnel.'),
      window_days: integer(7, 'Days after step 1 within which later steps must be reached.'),
    },
    lineage: [EVENT_LOG],
    version: 2,
    computation: 'funnel',
    also: ['per_step'],
  },
  {
    id: 'time_to_exceed_value',
    name: 'Time to Exceed Value',
    description:
      'Median days from signup to the first sign that an account got more than it expected (a configured event, a top CSAT answer or an NPS of 9 or 10), with the share that shows such a sign within the horizon. An account counts once its horizon is over; one signed up too recently is censored (left out of the median and the share), even when it has already shown the sign.',
    activity: 'retention_strategies',
    kind: 'leading',
    unit: 'days',
    higherIsBetter: false,
    formula:
      "days from signup to the first `value_exceeded` signal (a configured event, a CSAT at the scale's top, or NPS ≥ 9); median over accounts signed up in P who reach it, with the share reaching it within `horizon_days` (90)",
    params: {
      value_exceeded: events(
        [],
        'Events that signal value exceeded, besides top CSAT and NPS ≥ 9; none by default.',
      ),
      horizon_days: integer(90, 'Days after signup within which the signal must come.'),
    },
    lineage: [SIGNUPS, EVENT_LOG, USER_ACCOUNTS, SURVEY_ANSWERS],
    // 2: accounts whose horizon is open are left out even when they reached the signal (v1 counted them).
    version: 2,
    computation: 'time_to_value',
    also: ['share_reaching'],
  },
];
