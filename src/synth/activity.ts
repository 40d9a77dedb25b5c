// Product usage of one customer: its users, then its events in sessions. Planned sessions (the signup
// funnel and the activation milestones) sit at fixed times; ordinary sessions arrive with Gamma gaps,
// thinned by time of day, weekend and a decay before churn, and kept over 30 minutes from each other. Most
// go to the account's few regular users, and each uses the features the account adopted.
import type { Context } from './context.ts';
import type { Profile } from './customers.ts';
import { Categorical, type Rng } from './random.ts';
import type { Timeline } from './subscriptions.ts';
import { DAY, HOUR, MINUTE } from './time.ts';
import { FEATURES, type Feature, FUNNEL_STEPS, MILESTONES, PARAMS } from './truth.ts';
import type { Writers } from './writer.ts';

/** An event name with its CSV pieces: `,name,` before the session id and `,properties\n` after it. */
interface EventKind {
  readonly name: string;
  readonly head: string;
  readonly tail: string;
  /** A key action's bit (0 for other events): a session holds each key action at most once. */
  readonly keyBit: number;
}

function kind(name: string, props?: Record<string, string>, keyBit = 0): EventKind {
  const json = props ? JSON.stringify(props) : '';
  const field = json ? `"${json.replace(/"/g, '""')}"` : '';
  return { name, head: `,${name},`, tail: `,${field}\n`, keyBit };
}

const LOGIN = kind('login');
const VIEW_PAGE = kind('view_page');
const FEATURE_USE: Record<Feature, EventKind> = {
  reports: kind('use_reports', { feature: 'reports' }),
  dashboards: kind('use_dashboards', { feature: 'dashboards' }),
  alerts: kind('use_alerts', { feature: 'alerts' }),
  api: kind('use_api', { feature: 'api' }),
};
const CREATE_REPORT = kind('create_report', { feature: 'reports' }, 1);
const SHARE_DASHBOARD = kind('share_dashboard', { feature: 'dashboards' }, 2);
const EXPORT_DATA = kind('export_data', { format: 'csv' }, 4);
const FUNNEL = FUNNEL_STEPS.map((s) => kind(s));
const INTEGRATIONS = ['slack', 'salesforce', 'hubspot', 'jira'].map((i) =>
  kind('connect_integration', { integration: i }),
);
const INVITE = kind('invite_teammate');
const CREATE_PROJECT = kind('create_project');

const EV = PARAMS.events;
const GAP = (EV.session_gap_minutes + 1) * MINUTE;
const [OPEN_HOUR, CLOSE_HOUR] = EV.business_hours_utc;
const MEAN_ACCEPTANCE =
  (((CLOSE_HOUR - OPEN_HOUR) * 1 + (24 - CLOSE_HOUR + OPEN_HOUR) * EV.off_hours_factor) / 24) *
  ((5 + 2 * EV.weekend_factor) / 7);

/** A planned session: events at offsets (seconds) from its start, all by the account's first user. */
interface Special {
  start: number;
  events: Array<{ dt: number; kind: EventKind }>;
}

const lastOffset = (s: Special) => s.events[s.events.length - 1]?.dt ?? 0;

function isActive(p: Profile, tl: Timeline, t: number): boolean {
  if (t >= p.signup && t < p.signup + PARAMS.trial.days * DAY) return true;
  for (const s of tl.spells) if (t >= s.start && t < s.end) return true;
  return false;
}

function planSpecials(ctx: Context, p: Profile, tl: Timeline, rng: Rng): Special[] {
  const rates = PARAMS.funnel.step_rates;
  const onboarding: Special = { start: p.signup, events: [{ dt: 0, kind: FUNNEL[0] as EventKind }] };
  const list: Special[] = [onboarding];
  let dt = 0;
  for (let step = 1; step <= 2 && rng.chance(rates[step] as number); step++) {
    dt += Math.floor(rng.uniform(step === 1 ? 30 : 60, step === 1 ? 300 : 900));
    onboarding.events.push({ dt, kind: FUNNEL[step] as EventKind });
  }
  if (onboarding.events.length === 3 && rng.chance(rates[3] as number)) {
    const at = p.signup + Math.floor(rng.uniform(HOUR, 6 * DAY));
    const invited = Math.floor(rng.uniform(20, 200));
    list.push({
      start: at,
      events: [
        { dt: 0, kind: LOGIN },
        { dt: invited, kind: FUNNEL[3] as EventKind },
      ],
    });
  }
  const a = PARAMS.activation;
  const inWindow = MILESTONES.map(() => p.activated || rng.chance(a.not_activated_milestone_in_window));
  if (!p.activated && inWindow.every(Boolean)) inWindow[rng.int(inWindow.length)] = false;
  MILESTONES.forEach((m, i) => {
    let at: number;
    if (inWindow[i]) at = p.signup + rng.uniform(10 * MINUTE, 11 * DAY);
    else if (rng.chance(a.not_activated_late_milestone)) at = p.signup + rng.uniform(15 * DAY, 60 * DAY);
    else return;
    const milestone =
      m === 'create_project' ? CREATE_PROJECT : m === 'invite_teammate' ? INVITE : rng.pick(INTEGRATIONS);
    const events = [
      { dt: 0, kind: LOGIN },
      { dt: Math.floor(rng.uniform(20, 200)), kind: milestone },
    ];
    list.push({ start: Math.floor(at), events });
  });
  list.sort((x, y) => x.start - y.start);
  let prevEnd = Number.NEGATIVE_INFINITY;
  for (const s of list) {
    if (s.start < prevEnd + GAP) s.start = prevEnd + GAP;
    prevEnd = s.start + lastOffset(s);
  }
  return list.filter((s) => s.start < ctx.end && isActive(p, tl, s.start));
}

/** Creation times of the account's users: the owner at signup, the invited teammate, then seats filled. */
function userTimes(ctx: Context, p: Profile, tl: Timeline, specials: readonly Special[], rng: Rng): number[] {
  const times = [p.signup];
  const invite = specials.find((s) => s.events[1]?.kind === INVITE);
  if (invite) times.push(invite.start + Math.floor(rng.uniform(10 * MINUTE, 2 * DAY)));
  const first = tl.spells[0];
  if (first) {
    const target = Math.min(tl.maxSeats, PARAMS.plans.max_users[p.plan]);
    const until = Math.min(first.start + 180 * DAY, first.end, ctx.end);
    for (let i = times.length; i < target; i++) times.push(Math.floor(rng.uniform(first.start, until)));
  }
  return times.filter((t) => t < ctx.end).sort((x, y) => x - y);
}

/** An adopted feature: its use event, the share of sessions using it, and the key actions that may follow. */
interface FeatureUse {
  readonly kind: EventKind;
  readonly chance: number;
  readonly followUps: ReadonlyArray<readonly [EventKind, number]>;
}

/** What the account's sessions do: the features it adopted, and the mix of further events. */
interface EventMix {
  readonly uses: readonly FeatureUse[];
  /** Further events of a session: page views, key actions, more feature use. */
  readonly extra: Categorical<EventKind>;
}

function eventMix(rng: Rng): EventMix {
  const w = EV.event_weights;
  const after = EV.key_action_after_use;
  const adopted = FEATURES.filter((f) => rng.chance(EV.feature_adoption[f]));
  const followUps: Record<Feature, Array<[EventKind, number]>> = {
    reports: [
      [CREATE_REPORT, after.create_report],
      [EXPORT_DATA, after.export_data],
    ],
    dashboards: [[SHARE_DASHBOARD, after.share_dashboard]],
    alerts: [],
    api: [],
  };
  const uses = adopted.map((f) => ({
    kind: FEATURE_USE[f],
    chance: EV.feature_use_per_session[f],
    followUps: followUps[f],
  }));
  const extra: Array<[EventKind, number]> = [[VIEW_PAGE, w.view_page]];
  for (const f of adopted) extra.push([FEATURE_USE[f], w.features[f]]);
  if (adopted.includes('reports')) extra.push([CREATE_REPORT, w.create_report], [EXPORT_DATA, w.export_data]);
  if (adopted.includes('dashboards')) extra.push([SHARE_DASHBOARD, w.share_dashboard]);
  return { uses, extra: new Categorical(extra) };
}

/** Time-of-day and weekday weight of a session starting at t (≤ 1). */
function acceptance(t: number): number {
  const day = Math.floor(t / DAY);
  const hour = Math.floor((t - day * DAY) / HOUR);
  const open = hour >= OPEN_HOUR && hour < CLOSE_HOUR ? 1 : EV.off_hours_factor;
  return (day + 3) % 7 >= 5 ? open * EV.weekend_factor : open;
}

/**
 * The user of an ordinary session among the `available` oldest users: one of the account's first `core`
 * users (its regular users) with probability `core_share`, else one of the others; each uniformly.
 */
function sessionUser(available: number, core: number, rng: Rng): number {
  const regulars = Math.min(core, available);
  if (regulars === available || rng.chance(EV.core_share)) return rng.int(regulars);
  return regulars + rng.int(available - regulars);
}

/** A gap between candidate sessions: Gamma(k, mean / k), a steadier rhythm than a Poisson process's. */
function gammaGap(mean: number, rng: Rng): number {
  const k = EV.session_gap_shape;
  let g = 0;
  for (let i = 0; i < k; i++) g += rng.exponential(mean / k);
  return g;
}

/** The account's users, oldest first. */
export interface Users {
  ids: string[];
  created: number[];
}

/** Writes the customer's users and events; returns the users for the surveys. */
export function generateActivity(ctx: Context, p: Profile, tl: Timeline, rng: Rng, w: Writers): Users {
  const specials = planSpecials(ctx, p, tl, rng);
  const created = userTimes(ctx, p, tl, specials, rng);
  const ids: string[] = [];
  const prefixes: string[] = [];
  for (const t of created) {
    const uid = `u${++ctx.ids.user}`;
    w.users.row(`${uid},${p.id},${ctx.ts(t)}\n`);
    ids.push(uid);
    prefixes.push(`,${uid},${p.id},`);
  }
  const mix = eventMix(rng);
  const events = w.events;
  const clock = ctx.clock;
  const emit = (prefix: string, t: number, k: EventKind, sid: string) => {
    events.row(`e${++ctx.ids.event}${prefix}${clock.timestamp(t)}${k.head}${sid}${k.tail}`);
  };
  const emitSpecial = (s: Special): number => {
    const sid = `s${++ctx.ids.session}`;
    let end = s.start;
    for (const e of s.events) {
      const t = s.start + e.dt;
      if (t >= ctx.end) break;
      emit(prefixes[0] as string, t, e.kind, sid);
      end = t;
    }
    return end;
  };
  let available = 1;
  const core = EV.core_users[p.plan];
  const regular = (start: number, limit: number): number => {
    while (available < created.length && (created[available] as number) <= start) available++;
    const prefix = prefixes[sessionUser(available, core, rng)] as string;
    const sid = `s${++ctx.ids.session}`;
    let t = start;
    let opened = false;
    let done = 0;
    // The first event is at the session's start, each next one a few seconds to minutes later.
    const step = (k: EventKind): boolean => {
      if (opened) {
        const next =
          t + Math.floor(Math.min(25 * MINUTE, 5 + rng.exponential(EV.in_session_gap_mean_seconds)));
        if (next >= limit) return false;
        t = next;
      }
      opened = true;
      done |= k.keyBit;
      emit(prefix, t, k, sid);
      return true;
    };
    if (rng.chance(EV.login_per_session)) step(LOGIN);
    for (const use of mix.uses) {
      if (!rng.chance(use.chance)) continue;
      if (!step(use.kind)) return t;
      for (const [k, chance] of use.followUps) if (rng.chance(chance) && !step(k)) return t;
    }
    const extra = rng.geometric(1 / (1 + EV.extra_events_per_session_mean));
    for (let j = 0; j < extra; j++) {
      const k = mix.extra.draw(rng);
      // A key action is done at most once a session: a second report is made on another visit.
      if ((done & k.keyBit) !== 0) continue;
      if (!step(k)) break;
    }
    if (!opened) step(VIEW_PAGE);
    return t;
  };

  const rates = EV.sessions_per_active_day;
  const periods = [
    {
      from: p.signup,
      to: Math.min(p.signup + PARAMS.trial.days * DAY, ctx.end),
      rate: rates.trial,
      churn: 0,
    },
    ...tl.spells.map((s) => ({
      from: s.start,
      to: Math.min(s.end, ctx.end),
      rate: rates[s.plan],
      churn: s.end,
    })),
  ];
  const decayScale = EV.churn_decay_days * DAY;
  let sp = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const period of periods) {
    const meanGap = (DAY * MEAN_ACCEPTANCE) / (period.rate * p.engagement);
    const decays = period.churn > 0 && Number.isFinite(period.churn);
    let t = period.from + rng.exponential(meanGap);
    for (;;) {
      while (sp < specials.length && (specials[sp] as Special).start <= t) {
        lastEnd = Math.max(lastEnd, emitSpecial(specials[sp++] as Special));
      }
      if (t >= period.to) break;
      let weight = acceptance(t);
      if (decays) weight *= Math.max(EV.churn_decay_floor, Math.min(1, (period.churn - t) / decayScale));
      if (rng.float() < weight) {
        const start = Math.floor(t);
        const nextSpecial =
          sp < specials.length ? (specials[sp] as Special).start - GAP : Number.POSITIVE_INFINITY;
        const limit = Math.min(period.to, nextSpecial);
        if (start >= lastEnd + GAP && start < limit) lastEnd = regular(start, limit);
      }
      t += gammaGap(meanGap, rng);
    }
  }
  while (sp < specials.length) emitSpecial(specials[sp++] as Special);
  return { ids, created };
}
