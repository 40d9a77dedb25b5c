// Parameters and lineage that several definitions share, so one default is written once. The event-name
// defaults follow the synthetic company (src/synth/truth.ts); a project overrides them in tenure.yaml.
import type { TableName } from '../../schema/tables.ts';
import type { Lineage, ParamSpec } from '../definition.ts';

export const integer = (value: number, description: string, min = 1, max?: number): ParamSpec =>
  max === undefined
    ? { type: 'integer', default: value, description, min }
    : { type: 'integer', default: value, description, min, max };

export const events = (value: readonly string[], description: string): ParamSpec => ({
  type: 'string[]',
  default: [...value],
  description,
});

export const ACTIVATION_MILESTONES = ['create_project', 'invite_teammate', 'connect_integration'];
export const KEY_ACTIONS = ['create_report', 'share_dashboard', 'export_data'];
export const FEATURE_EVENTS = ['use_reports', 'use_dashboards', 'use_alerts', 'use_api'];
export const FUNNEL_STEPS = [
  'signup_started',
  'workspace_created',
  'first_project_created',
  'teammate_invited',
];
/** Events that show work being done, as opposed to logging in or looking around. */
export const ENGAGEMENT_EVENTS = [...KEY_ACTIONS, ...FEATURE_EVENTS];

export const activeEvents = events(
  [],
  'Events that make a user active on a day; an empty list means every event.',
);
export const sessionGapMinutes = integer(
  30,
  'Longest gap between two events of one session, in minutes; a session_id in the data wins.',
);
export const keyActions = events(
  KEY_ACTIONS,
  'The high-value actions; the default names the synthetic company’s events, override with your own.',
);
export const engagementEvents = events(
  ENGAGEMENT_EVENTS,
  'Events that count as engagement; the default (key actions and feature use) is overridable.',
);
export const activationMilestones = events(
  ACTIVATION_MILESTONES,
  'Events an account must all complete to be activated; overridable with your own milestones.',
);
export const activationWindowDays = integer(
  14,
  'Days after signup within which the milestones must be done.',
);
export const features = events(
  FEATURE_EVENTS,
  'One event per feature whose use is measured; the default is overridable.',
);
export const lookbackDays = integer(
  90,
  'Days before the period’s start in which the touch must have happened.',
);
export const grossMargin: ParamSpec = {
  type: 'number',
  default: 1.0,
  min: 0,
  max: 1,
  description: 'Gross margin used when there is no costs data, as a fraction of revenue.',
};

/** One lineage entry: the columns of a canonical table a KPI reads. */
export const reads = (table: TableName, ...columns: string[]): Lineage => ({ table, columns });

export const MRR_LOG = reads('subscription_changes', 'customer_id', 'effective_at', 'mrr');
export const REFERRALS = reads('customers', 'customer_id', 'referred_by', 'channel');
export const SIGNUPS = reads('customers', 'customer_id', 'signed_up_at');
export const EVENT_LOG = reads('events', 'user_id', 'customer_id', 'occurred_at', 'name');
export const SESSION_LOG = reads('events', 'user_id', 'customer_id', 'occurred_at', 'name', 'session_id');
export const USER_ACCOUNTS = reads('users', 'user_id', 'customer_id');
export const ORDERS = reads('orders', 'customer_id', 'ordered_at', 'amount');
export const COSTS = reads('costs', 'customer_id', 'segment', 'period_start', 'period_end', 'amount');
export const SURVEY_ANSWERS = reads('feedback', 'customer_id', 'answered_at', 'kind', 'score');
