// Which code computes which KPIs: each family turns one request (KPIs sharing resolved parameters) into
// results. A family reads the catalog's snake_case parameters and maps them onto its own.
import type { Computation, KpiDefinition } from '../catalog/definition.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';
import { ACTIVATION_KPIS, computeActivationKpis, DEFAULT_ACTIVATION_PARAMS } from './kpis/activation.ts';
import {
  COMMERCE_KPIS,
  commerceSettlesAt,
  computeCommerceKpis,
  DEFAULT_COMMERCE_PARAMS,
} from './kpis/commerce.ts';
import { CONTRACT_KPIS, computeContractKpis, DEFAULT_CONTRACT_PARAMS } from './kpis/contracts.ts';
import { computeEngagementKpis, DEFAULT_ENGAGEMENT_PARAMS, ENGAGEMENT_KPIS } from './kpis/engagement.ts';
import { scoreReachDays, scoreSettlesAt } from './kpis/engagement-score.ts';
import { computeFeatureKpis, DEFAULT_FEATURE_PARAMS, FEATURE_KPIS } from './kpis/features.ts';
import { computeFeedbackKpis, DEFAULT_FEEDBACK_PARAMS, FEEDBACK_KPIS } from './kpis/feedback.ts';
import { computeLifetimeKpis, DEFAULT_LIFETIME_PARAMS, LIFETIME_KPIS } from './kpis/lifetime.ts';
import { computeRevenueKpis, REVENUE_FORMULAS } from './kpis/revenue.ts';
import { computeUsageKpis, DEFAULT_USAGE_PARAMS, USAGE_KPIS } from './kpis/usage.ts';
import {
  computeProjectMetrics,
  DEFAULT_PROJECT_METRIC_PARAMS,
  metricActivityEvents,
  metricReachDays,
  metricRollups,
} from './metrics/project-metrics.ts';
import type { Grain, Period } from './periods.ts';
import type { RunRollups, SessionParams } from './rollups/run-rollups.ts';

export interface FamilyCall {
  readonly kpis: readonly string[];
  readonly periods: readonly Period[];
  readonly grain: Grain;
  readonly by?: string;
  readonly asOf: string;
  readonly minSample: number;
  /** The KPIs' resolved parameters (catalog defaults with the project's overrides), snake_case. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly rollups?: RunRollups;
  /** RFM's window in days (customer segmentation's `rfm_window_days`), for a breakdown by rfm. */
  readonly rfmWindowDays?: number;
}

export interface Family {
  readonly name: string;
  /** The definitions' computation tags this family computes: its keys in the registry (FAMILIES). */
  readonly computations: readonly Computation[];
  /** The shipped KPIs it computes (a project's metrics are computed from their body, not by id). */
  readonly kpis: readonly string[];
  /** The family's own parameters and their defaults (camelCase); empty when it has none. */
  readonly defaults: object;
  /** Catalog parameter names that do not simply camelCase onto the family's. */
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
  run(engine: Engine, call: FamilyCall): Promise<KpiResult[]>;
  /**
   * The event names whose activity rows the family reads with these (catalog) parameters, or 'all' when
   * some query reads every event's; none when it reads no activity.
   */
  activityEvents(params: Readonly<Record<string, unknown>>): readonly string[] | 'all';
  /** The user days and sessions the family reads with these (catalog) parameters: what a warehouse keeps. */
  otherRollups(params: Readonly<Record<string, unknown>>): OtherRollups;
  /**
   * A KPI's forward reach with these (catalog) parameters, in days: its result for a period depends only on
   * rows before the period's end plus this many days, and on as_of only through whether as_of is past
   * that (kept-results.ts). Undefined when it depends on the data's end in any other way: never kept.
   */
  reachDays(kpi: string, params: Readonly<Record<string, unknown>>): number | undefined;
  /**
   * The gap of the sessions a KPI's result for a period belongs to (those starting in it, which run on past
   * its end: session-reach.ts), with these (catalog) parameters; undefined when it reads none so.
   */
  sessionGapMinutes(kpi: string, params: Readonly<Record<string, unknown>>): number | undefined;
  /**
   * Whether a result of a period past its KPI's reach has settled: false when it still waits on something
   * the reach cannot bound (the engagement score against a provisional scale). A `censored` flag alone
   * does not say so (lifetime value's short history is final).
   */
  settled(kpi: string, result: KpiResult): boolean;
  /**
   * Where a KPI's reach depends on the data (an offer's expiry, a spend row's dates, the engagement score's
   * reference months): per period start, the instant from which its result is settled as reachDays defines
   * it (at least the period's end: no row at or after it, and no later as_of, can change the result), or
   * null while the data leaves it open. Undefined when the reach in days alone bounds the KPI. Read instead
   * of P.end + reachDays by kept-results.ts; derived metrics keep going by reachDays.
   */
  settlesAt(
    engine: Engine,
    kpi: string,
    params: Readonly<Record<string, unknown>>,
    periods: readonly Period[],
    asOf: string,
  ): Promise<SettleInstants | undefined>;
}

/** Per period start: when a KPI's result for it settles (an instant), or null while the data leaves it open. */
export type SettleInstants = ReadonlyMap<string, string | null>;

export interface OtherRollups {
  readonly userDays?: readonly (readonly string[])[];
  readonly sessions?: readonly SessionParams[];
  readonly firstUses?: readonly string[];
  readonly namedEvents?: readonly (readonly string[])[];
  /** Active events whose active accounts per period are read (RunRollups.periodAccounts). */
  readonly periodAccounts?: readonly (readonly string[])[];
  /** Reads the accounts subscribed in each period (RunRollups.subscribed). */
  readonly subscribed?: boolean;
  /** Reads customer MRR at period bounds (RunRollups.customerMrr). */
  readonly customerMrr?: boolean;
  /** Active events, and features, whose weeks per user are read as masks (RunRollups.keptWeeks). */
  readonly userWeeks?: readonly (readonly string[])[];
  readonly featureWeeks?: readonly (readonly string[])[];
}

interface FamilyOptions<P> {
  /** Catalog parameter names that do not simply camelCase onto the family's. */
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
  readonly activityEvents?: (params: P) => readonly string[] | 'all';
  readonly otherRollups?: (params: P) => OtherRollups;
  readonly reachDays?: (kpi: string, params: P) => number | undefined;
  readonly sessionGapMinutes?: (kpi: string, params: P) => number | undefined;
  readonly settled?: (kpi: string, result: KpiResult) => boolean;
  readonly settlesAt?: (
    engine: Engine,
    kpi: string,
    params: P,
    periods: readonly Period[],
    asOf: string,
  ) => Promise<SettleInstants | undefined>;
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The family parameters a catalog parameter sets. */
export function targetsOf(family: Family, name: string): string[] {
  return (family.aliases?.[name] ?? [camel(name)]).filter((k) => k in family.defaults);
}

/**
 * The family's defaults with every catalog parameter laid over the family parameters it names. A catalog
 * parameter that lands nowhere would have its overrides silently ignored: a test checks none does.
 */
export function familyParams<T extends object>(
  family: Family & { defaults: T },
  params: Readonly<Record<string, unknown>>,
): T {
  const out = { ...family.defaults } as Record<string, unknown>;
  for (const [name, value] of Object.entries(params))
    for (const key of targetsOf(family, name)) out[key] = value;
  return out as T;
}

/** Declares a family whose compute function takes its own parameter object. */
function family<P extends object>(
  name: string,
  computations: readonly Computation[],
  kpis: readonly string[],
  defaults: P,
  compute: (engine: Engine, req: Omit<FamilyCall, 'params'> & { params: P }) => Promise<KpiResult[]>,
  options: FamilyOptions<P> = {},
): Family {
  const f: Family & { defaults: P } = {
    name,
    computations,
    kpis,
    defaults,
    aliases: options.aliases,
    run: (engine, call) => compute(engine, { ...call, params: familyParams(f, call.params) }),
    activityEvents: (params) => options.activityEvents?.(familyParams(f, params)) ?? [],
    otherRollups: (params) => options.otherRollups?.(familyParams(f, params)) ?? {},
    reachDays: (kpi, params) => options.reachDays?.(kpi, familyParams(f, params)),
    sessionGapMinutes: (kpi, params) => options.sessionGapMinutes?.(kpi, familyParams(f, params)),
    settled: (kpi, result) => options.settled?.(kpi, result) ?? true,
    settlesAt: async (engine, kpi, params, periods, asOf) =>
      options.settlesAt?.(engine, kpi, familyParams(f, params), periods, asOf),
  };
  return f;
}

/** Names, or every event when the list that picks them is empty. */
const named = (names: readonly string[]): readonly string[] | 'all' => (names.length ? names : 'all');

/** The union of several families' activity names; 'all' wins. */
export function unionOfEvents(lists: readonly (readonly string[] | 'all')[]): readonly string[] | 'all' {
  const names = new Set<string>();
  for (const list of lists) {
    if (list === 'all') return 'all';
    for (const n of list) names.add(n);
  }
  return [...names].sort();
}

const usersAndSessions = (p: SessionParams & { activeEvents: readonly string[] }): OtherRollups => ({
  userDays: [p.activeEvents],
  periodAccounts: [p.activeEvents],
  subscribed: true,
  sessions: [{ sessionGapMinutes: p.sessionGapMinutes, keyActions: p.keyActions }],
});
const userDaysOf = (p: { activeEvents: readonly string[] }): OtherRollups => ({ userDays: [p.activeEvents] });

/**
 * The registry: every family, found by the computation tags it declares (`familyFor`). A new family is its
 * file under kpis/ and one line here; a test holds each tag to exactly one family.
 */
export const FAMILIES: readonly Family[] = [
  family(
    'revenue',
    // MRR at each period's bounds and its bridge; downgrades of the accounts paying at the period's start
    ['mrr_state', 'downgrade'],
    Object.keys(REVENUE_FORMULAS),
    {},
    (engine, c) => computeRevenueKpis(engine, c),
    {
      otherRollups: () => ({ customerMrr: true }),
      // MRR at P's bounds (a later change only sets next_at past P's end); the year before P's end.
      reachDays: () => 0,
    },
  ),
  // Active events are read through user days, which take activity rows only when some are named.
  family(
    'usage',
    // DAU, WAU and MAU per day; sessions per active user; accounts' event counts in the period
    ['active_users', 'session', 'account_activity'],
    USAGE_KPIS,
    DEFAULT_USAGE_PARAMS,
    computeUsageKpis,
    {
      activityEvents: (p) => unionOfEvents([p.activeEvents, named(p.engagementEvents)]),
      otherRollups: usersAndSessions,
      // Activity and sessions starting in P; a meaningful session's key actions include its events after P,
      // chained without a bound (or under one session id at any time): kept while no load changes a session
      // that started before P's end.
      reachDays: () => 0,
      sessionGapMinutes: (kpi, p) =>
        kpi === 'meaningful_session_frequency' ? p.sessionGapMinutes : undefined,
    },
  ),
  family(
    'engagement',
    // sessions' length and key actions; key actions against reference caps; each customer's segments
    ['session_engagement', 'engagement_score', 'segmentation'],
    ENGAGEMENT_KPIS,
    DEFAULT_ENGAGEMENT_PARAMS,
    computeEngagementKpis,
    {
      aliases: { cap_e: ['keyActionCaps'] },
      activityEvents: (p) => unionOfEvents([p.activeEvents, named(p.keyActions)]),
      // Customer segmentation's RFM reads the user days of every event.
      otherRollups: (p) => ({ ...usersAndSessions(p), userDays: [p.activeEvents, []], customerMrr: true }),
      // Segmentation: states at P's bounds, RFM at P's end. The score: key actions in P, against caps from
      // the data's first months (scoreReachDays). Session minutes and key actions per session include
      // events after P without a bound: kept while no load changes a session that started before P's end.
      reachDays: (kpi, p) => (kpi === 'customer_engagement_score' ? scoreReachDays(p) : 0),
      sessionGapMinutes: (kpi, p) => (kpi === 'engagement_metrics' ? p.sessionGapMinutes : undefined),
      // The score is censored while its scale is provisional or missing (reference months not all over).
      settled: (kpi, r) => kpi !== 'customer_engagement_score' || !r.flags.includes('censored'),
      // Once the reference months are over the score settles at P's end (at their end for a P before it):
      // 124 days is only the bound without the data, which derived metrics reading the score go by.
      settlesAt: (engine, kpi, p, periods, asOf) =>
        kpi === 'customer_engagement_score'
          ? scoreSettlesAt(engine, p, periods, asOf)
          : Promise.resolve(undefined),
    },
  ),
  family(
    'activation',
    // the time each milestone was done; ordered steps within a window; signup to a value signal
    ['activation', 'funnel', 'time_to_value'],
    ACTIVATION_KPIS,
    DEFAULT_ACTIVATION_PARAMS,
    computeActivationKpis,
    {
      aliases: { steps: ['funnelSteps'] },
      activityEvents: (p) =>
        unionOfEvents([
          p.activationMilestones,
          named(p.engagementEvents),
          p.activeEvents,
          p.funnelSteps.slice(0, 1),
        ]),
      otherRollups: (p) => ({
        ...userDaysOf(p),
        namedEvents: [p.funnelSteps.slice(1), p.valueExceeded].filter((names) => names.length > 0),
      }),
      // Each KPI's window after a signup, activation or first step in P (the follow-up and the retention
      // days counted after the activation window too). Retention on or after day N reads the last active day
      // at any time: never settled.
      reachDays: (kpi, p) => {
        const reach: Record<string, number | undefined> = {
          activation_milestone_completion: p.activationWindowDays,
          activated_follow_up_engagement_rate: p.activationWindowDays + p.days,
          activation_cohort_retention:
            p.mode === 'on_day' ? p.activationWindowDays + Math.max(0, ...p.nDays) : undefined,
          drop_off_rate: p.windowDays,
          time_to_exceed_value: p.horizonDays,
        };
        return reach[kpi];
      },
    },
  ),
  family(
    'features',
    // users' weeks of use per feature; a first use to its repeat, within a horizon
    ['feature_usage', 'time_to_event'],
    FEATURE_KPIS,
    DEFAULT_FEATURE_PARAMS,
    computeFeatureKpis,
    {
      activityEvents: (p) => [...p.features, ...p.activeEvents],
      otherRollups: (p) => ({
        ...userDaysOf(p),
        firstUses: [p.keyAction],
        userWeeks: [p.activeEvents],
        featureWeeks: p.features.length ? [p.features] : [],
      }),
      // Adoption: whole weeks ending by P's end; retained users: P and the period before; the first repeat:
      // a horizon after a first use in P.
      reachDays: (kpi, p) => (kpi === 'time_to_first_repeat_action' ? p.horizonDays : 0),
    },
  ),
  // One catalog name, two family parameters: each of the two KPIs reads its own lookback.
  family(
    'feedback',
    // NPS and CSAT answers; retention with and without a touch before P; active customers by tenure and NPS
    ['survey', 'touchpoint_retention', 'tenure_sentiment'],
    FEEDBACK_KPIS,
    DEFAULT_FEEDBACK_PARAMS,
    computeFeedbackKpis,
    {
      aliases: { lookback_days: ['feedbackLookbackDays', 'checkInLookbackDays'] },
      otherRollups: () => ({ customerMrr: true }),
      // Answers in P; MRR at P's bounds; touchpoints looked for before P.
      reachDays: () => 0,
    },
  ),
  family(
    'commerce',
    // orders plus earned MRR less cost to serve; order counts; loyalty members; content ROI; promotions
    ['recognized_revenue', 'orders', 'loyalty_program', 'content', 'promotion'],
    COMMERCE_KPIS,
    DEFAULT_COMMERCE_PARAMS,
    computeCommerceKpis,
    {
      activityEvents: (p) => p.activeEvents,
      otherRollups: (p) => ({ ...userDaysOf(p), periodAccounts: [p.activeEvents], subscribed: true }),
      // No reach in days: redemptions and expiries are judged at as_of; loyalty membership is read whenever
      // it was joined; lifetime profit shares spend rows with customers acquired after P. When each period
      // settles comes from the data (commerceSettlesAt); derived metrics reading these are never kept.
      reachDays: (kpi) => (COMMERCE_NEVER_SETTLED.includes(kpi) ? undefined : 0),
      settlesAt: (engine, kpi, _p, periods) =>
        COMMERCE_NEVER_SETTLED.includes(kpi)
          ? commerceSettlesAt(engine, kpi, periods)
          : Promise.resolve(undefined),
    },
  ),
  // Trailing 12-month ARPA and churn, with margin and acquisition cost.
  family('lifetime', ['ltv'], LIFETIME_KPIS, DEFAULT_LIFETIME_PARAMS, computeLifetimeKpis, {
    otherRollups: () => ({ customerMrr: true }),
    // The whole months before P's end's month, and only months ended by as_of.
    reachDays: () => 0,
  }),
  family(
    'contracts',
    // contracts ending in P and their successors; downgrades and the cancellations after them
    ['renewal', 'downgrade_conversion'],
    CONTRACT_KPIS,
    DEFAULT_CONTRACT_PARAMS,
    computeContractKpis,
    {
      // A downgrade in P converts within the window; a contract ending in P is renewed within the grace.
      reachDays: (kpi, p) => (kpi === 'customer_renewal_rate' ? p.graceDays : p.windowDays),
    },
  ),
  // A project's own KPIs (metrics: in tenure.yaml), every metric type but derived (arithmetic over results:
  // metrics/derived.ts); the body is the family's one parameter, so different bodies never share a pass.
  family('project_metric', ['project_metric'], [], DEFAULT_PROJECT_METRIC_PARAMS, computeProjectMetrics, {
    activityEvents: (p) => metricActivityEvents(p.metric),
    otherRollups: (p) => metricRollups(p.metric),
    reachDays: (_kpi, p) => metricReachDays(p.metric),
  }),
];

/** Commerce KPIs whose results never settle (families' reachDays). */
const COMMERCE_NEVER_SETTLED = ['redemption_rate', 'loyalty_participation_rate', 'customer_profitability'];

export function familyOf(kpi: string): Family | undefined {
  return FAMILIES.find((f) => f.kpis.includes(kpi));
}

/** The family computing a definition: the one registered for its computation. */
export function familyFor(def: KpiDefinition): Family | undefined {
  return FAMILIES.find((f) => f.computations.includes(def.computation));
}

/** A definition's parameters as a family reads them: each default, and a project metric's body. */
export function definitionParams(def: KpiDefinition): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(
    Object.entries(def.params).map(([name, spec]) => [name, spec.default]),
  );
  if (def.metric) params.metric = def.metric;
  return params;
}
