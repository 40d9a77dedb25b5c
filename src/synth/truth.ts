// The ground truth: every parameter that drives the synthetic company, in one object. The generator reads
// it; truth.json repeats it (with the options used) so that tests can check estimates against it.

export const PLANS = ['starter', 'growth', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];
export const CHANNELS = ['organic', 'paid_search', 'paid_social', 'referral', 'partner', 'outbound'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Billing = 'monthly' | 'annual';

export const MILESTONES = ['create_project', 'invite_teammate', 'connect_integration'] as const;
export const FUNNEL_STEPS = [
  'signup_started',
  'workspace_created',
  'first_project_created',
  'teammate_invited',
] as const;
export const FEATURES = ['reports', 'dashboards', 'alerts', 'api'] as const;
export type Feature = (typeof FEATURES)[number];
export const KEY_ACTIONS = ['create_report', 'share_dashboard', 'export_data'] as const;
/** The experiment's true effect, used by both the churn hazard and the experiment's record. */
const TREATMENT_HAZARD_MULTIPLIER = 0.8;

export const PARAMS = {
  window: {
    note: 'data spans [end − months, end); nothing is written at or after end: the contract term in progress at the end is left out, and an offer still valid at the end has no expires_at',
  },
  signups: { monthly_growth: 0.04, note: 'signup intensity grows by this share every month of the window' },
  plans: {
    share: { starter: 0.6, growth: 0.3, enterprise: 0.1 },
    price_per_seat: { starter: 12, growth: 29, enterprise: 55 },
    seats: {
      starter: { min: 1, extra_mean: 2, max: 10 },
      growth: { min: 5, extra_mean: 8, max: 60 },
      enterprise: { min: 20, extra_mean: 40, max: 400 },
    },
    max_users: { starter: 5, growth: 12, enterprise: 25 },
  },
  channels: {
    share_by_plan: {
      starter: {
        organic: 0.32,
        paid_search: 0.22,
        paid_social: 0.2,
        referral: 0.14,
        partner: 0.06,
        outbound: 0.06,
      },
      growth: {
        organic: 0.25,
        paid_search: 0.22,
        paid_social: 0.12,
        referral: 0.15,
        partner: 0.14,
        outbound: 0.12,
      },
      enterprise: {
        organic: 0.1,
        paid_search: 0.1,
        paid_social: 0.05,
        referral: 0.15,
        partner: 0.2,
        outbound: 0.4,
      },
    },
    referral_rule:
      'referral-channel customers have referred_by = an earlier customer (the first customer cannot)',
  },
  countries: {
    US: 0.42,
    GB: 0.1,
    DE: 0.08,
    FR: 0.06,
    CA: 0.06,
    IN: 0.05,
    AU: 0.04,
    NL: 0.04,
    BR: 0.04,
    ES: 0.03,
    SE: 0.03,
    JP: 0.03,
    SG: 0.02,
  },
  industries: {
    software: 0.3,
    fintech: 0.12,
    ecommerce: 0.14,
    healthcare: 0.1,
    education: 0.08,
    media: 0.08,
    manufacturing: 0.08,
    professional_services: 0.1,
  },
  company_size: {
    starter: { '1-10': 0.7, '11-50': 0.3 },
    growth: { '11-50': 0.6, '51-200': 0.4 },
    enterprise: { '201-1000': 0.6, '1000+': 0.4 },
  },
  trial: {
    days: 14,
    conversion: { activated: 0.75, not_activated: 0.4 },
    note: 'the first payment (reason new) is at signup + trial days; customers who do not convert never pay',
  },
  billing: { annual_share: { starter: 0, growth: 0.3, enterprise: 0.8 }, annual_discount: 0.15 },
  activation: {
    milestones: MILESTONES,
    window_days: 14,
    rate: 0.42,
    not_activated_milestone_in_window: 0.55,
    not_activated_late_milestone: 0.5,
    note: 'activated = all milestones within window_days of signup; others miss at least one, or do it late',
  },
  funnel: { steps: FUNNEL_STEPS, step_rates: [1, 0.86, 0.72, 0.48], window_days: 7 },
  churn: {
    base_monthly_hazard: { starter: 0.05, growth: 0.03, enterprise: 0.015 },
    multipliers: {
      channel: { organic: 1, paid_search: 1.15, paid_social: 1.35, referral: 1, partner: 0.9, outbound: 1.1 },
      activated: 0.6,
      referred: 0.75,
      checkin_90d: 0.65,
      experiment_treatment: TREATMENT_HAZARD_MULTIPLIER,
    },
    checkin_lookback_days: 90,
    hazard_formula:
      'h = base_monthly_hazard[plan in force just before the anniversary] × channel[channel] × (activated ? activated : 1) × (referred_by set ? referred : 1) × (check-in in [t − 90 days, t) ? checkin_90d : 1) × (treatment ? experiment_treatment : 1)',
    monthly_billing:
      'at every monthly anniversary t = start + k months (k ≥ 1) of the paying spell, churn with probability h; the cancel row (mrr 0, reason cancel) is effective at t',
    annual_billing: 'only at renewals (k a multiple of 12), churn with probability 1 − (1 − h)^12',
  },
  changes: {
    monthly_probability: {
      expansion: { starter: 0.06, growth: 0.09, enterprise: 0.09 },
      contraction: { starter: 0.008, growth: 0.012, enterprise: 0.012 },
      upgrade: { starter: 0.01, growth: 0.005, enterprise: 0 },
      downgrade: { starter: 0, growth: 0.004, enterprise: 0.003 },
    },
    annual_renewal_contraction: 0.1,
    note: 'at most one change per month, at a random time inside the month; annual customers contract or downgrade only at renewal',
  },
  reactivation: { monthly_probability: 0.03, max_months_after_churn: 12, billing: 'monthly' },
  checkins: {
    onboarding: { starter: 0, growth: 0.7, enterprise: 0.95 },
    monthly_call: { starter: 0, growth: 0.3, enterprise: 0.45 },
    qbr_every_months: 3,
    qbr_probability: { starter: 0, growth: 0, enterprise: 0.85 },
  },
  events: {
    session_gap_minutes: 30,
    sessions_per_active_day: { trial: 0.5, starter: 0.26, growth: 0.33, enterprise: 0.42 },
    session_gap_shape: 6,
    core_users: { starter: 1, growth: 2, enterprise: 3 },
    core_share: 0.95,
    engagement_sigma: 0.45,
    engagement_multiplier: { activated: 1.05, not_activated: 0.96 },
    extra_events_per_session_mean: 0.4,
    in_session_gap_mean_seconds: 100,
    churn_decay_days: 75,
    churn_decay_floor: 0.3,
    weekend_factor: 0.35,
    off_hours_factor: 0.25,
    business_hours_utc: [8, 20],
    feature_adoption: { reports: 0.9, dashboards: 0.7, alerts: 0.4, api: 0.25 },
    feature_use_per_session: { reports: 0.75, dashboards: 0.65, alerts: 0.55, api: 0.55 },
    key_action_after_use: { create_report: 0.22, export_data: 0.08, share_dashboard: 0.2 },
    login_per_session: 0.3,
    event_weights: {
      view_page: 0.3,
      features: { reports: 0.9, dashboards: 0.7, alerts: 0.4, api: 0.5 },
      create_report: 0.6,
      export_data: 0.15,
      share_dashboard: 0.25,
    },
    features: FEATURES,
    key_actions: KEY_ACTIONS,
    note: 'candidate sessions arrive with Gamma(session_gap_shape) gaps at the plan rate × engagement, thinned by time of day, weekend and the churn decay; a session goes to one of the first core_users[plan] users with probability core_share, else to one of the others; it opens with login with probability login_per_session, uses each adopted feature with feature_use_per_session (then its key action with key_action_after_use), then a geometric number (mean extra_events_per_session_mean) of events drawn by event_weights; a key action at most once a session; a session left empty is one page view',
  },
  feedback: {
    nps_every_months: 3,
    nps_schedule:
      'a paying account is asked in window months m with m ≡ its index (mod nps_every_months), two days and 14 hours into the month; it answers with nps_response_rate within 14 days',
    nps_response_rate: 0.35,
    nps_mean: { normal: 8.7, churning_within_90_days: 4.8 },
    nps_sd: 1.6,
    csat_response_rate: 0.5,
    csat_mean: { normal: 4.25, churning_within_90_days: 3.1 },
    csat_sd: 0.9,
    comment_rate: 0.15,
    more_comments_rate: 0.3,
    comments_note:
      'an answer carries a comment with comment_rate (drawn from the extras stream, as before topics were planted), else with more_comments_rate (from the comments stream): 1 − 0.85 × 0.7 ≈ 40% of answers. The words come from the comments stream alone, so no other table depends on them. A comment is about a planted topic with the topic’s share_if_churning when the customer, paying at the answer, churns within 90 days after it (MRR to 0 in (answered_at, answered_at + 90 days], inside the window), else with share_otherwise; the rest are generic remarks chosen by score. Among counted answers with base churn share π, raisers of a topic churn at aπ / (aπ + b(1 − π)) and the others at (1 − a)π / ((1 − a)π + (1 − b)(1 − π)) (a = share_if_churning, b = share_otherwise): the planted churn difference',
    topics: {
      pricing: {
        share_if_churning: 0.3,
        share_otherwise: 0.07,
        words: ['price', 'expensive', 'budget'],
        phrases: [
          'Too expensive for what we use',
          'The price went up again, too expensive for our budget',
          'Pricing is too expensive for a team our size',
          'Expensive compared to the alternatives we looked at',
          'Too expensive, the price per seat is too high',
        ],
      },
      slow_reports: {
        share_if_churning: 0.22,
        share_otherwise: 0.1,
        words: ['report', 'slow', 'export'],
        phrases: [
          'Reports are slow, and exports time out',
          'Exports of large reports keep timing out',
          'The reports are slow to load',
          'Slow reports every Monday morning',
          'Exporting a report is painfully slow',
        ],
      },
      support_response: {
        share_if_churning: 0.15,
        share_otherwise: 0.05,
        words: ['support', 'days', 'reply'],
        phrases: [
          'Support took days to answer',
          'Waited days for a reply from support',
          'Support tickets sit unanswered for days',
          'Had to chase support before anyone replied',
        ],
      },
      missing_integration: {
        share_if_churning: 0.08,
        share_otherwise: 0.08,
        words: ['integration', 'salesforce', 'hubspot'],
        phrases: [
          'We need a Salesforce integration',
          'No integration with HubSpot, so we copy data by hand',
          'Missing an integration with our CRM',
          'An integration with Slack and HubSpot would help',
        ],
      },
    },
  },
  orders: {
    monthly_rate: { starter: 0.02, growth: 0.05, enterprise: 0.08 },
    mean_amount: { starter: 80, growth: 250, enterprise: 900 },
    amount_sigma: 0.7,
    enterprise_services_at_conversion: 0.4,
  },
  costs: {
    gross_margin: 0.78,
    noise_sigma: 0.05,
    note: 'per customer and period: (1 − gross_margin) × recurring revenue earned in the period (a per-seat cost)',
  },
  acquisition: {
    cost_per_signup: {
      organic: 320,
      paid_search: 2800,
      paid_social: 2000,
      referral: 850,
      partner: 1750,
      outbound: 7000,
    },
    noise_sigma: 0.05,
  },
  content: {
    base_pieces_per_month: 4,
    extra_piece_per_customers: 25000,
    mean_cost: 1500,
    cost_sigma: 0.6,
    revenue_multiple_mean: 2,
    revenue_multiple_sigma: 0.8,
    monthly_decay: 0.75,
  },
  promotions: {
    winback: {
      campaign: 'winback_30',
      issue_rate: 0.6,
      valid_days: 30,
      redeemed_when: 'the customer reactivates while valid',
    },
    upgrade: {
      campaign: 'annual_upgrade',
      issue_rate: 0.3,
      valid_days: 21,
      redeem_rate: 0.25,
      at_spell_month: 3,
    },
  },
  loyalty: { join_rate: 0.25, monthly_earn: 0.7, monthly_redeem: 0.1 },
  experiment: {
    experiment_id: 'onboarding_checklist',
    name: 'Onboarding checklist',
    hypothesis: 'Showing new accounts a guided onboarding checklist lowers their monthly churn hazard by 20%',
    primary_kpi: 'customer_churn_rate',
    start_fraction_of_window: 0.25,
    duration_months: 6,
    treatment_share: 0.5,
    true_effect: { churn_hazard_multiplier: TREATMENT_HAZARD_MULTIPLIER },
    pre_registration: {
      metric: 'customer_churn_rate',
      mde: 0.2,
      mde_kind: 'relative',
      alpha: 0.05,
      power: 0.8,
      unit: 'customer',
      variants: ['control', 'treatment'],
    },
  },
} as const;

/** The options a company was generated with, as recorded in truth.json. */
export interface TruthOptions {
  customers: number;
  months: number;
  seed: number;
  end: string;
  start: string;
  format: string;
}

export function buildTruth(options: TruthOptions, realized: Record<string, number | string | null>) {
  return {
    generator: 'tenure synth',
    version: 1,
    options,
    parameters: PARAMS,
    realized,
  };
}
