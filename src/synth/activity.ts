// Product usage of one customer: its users, then its events in sessions. Planned sessions (the signup
// funnel and the activation milestones) sit at fixed times; ordinary sessions are a Poisson process,
// thinned by time of day, weekend and a decay before churn, and kept over 30 minutes from each other.
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
}

function kind(name: string, props?: Record<string, string>): EventKind {
  const json = props ? JSON.stringify(props) : '';
  const field = json ? `"${json.replace(/"/g, '""')}"` : '';
  return { name, head: `,${name},`, tail: `,${field}\n` };
}

const LOGIN = kind('login');
const VIEW_PAGE = kind('view_page');
const FEATURE_USE: Record<Feature, EventKind> = {
  reports: kind('use_reports', { feature: 'reports' }),
  dashboards: kind('use_dashboards', { feature: 'dashboards' }),
  alerts: kind('use_alerts', { feature: 'alerts' }),
  api: kind('use_api', { feature: 'api' }),
};
const CREATE_REPORT = kind('create_report', { feature: 'reports' });
const SHARE_DASHBOARD = kind('share_dashboard', { feature: 'dashboards' });
const EXPORT_DATA = kind('export_data', { format: 'csv' });
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

function eventMix(rng: Rng): Categorical<EventKind> {
  const weights: Array<[EventKind, number]> = [[VIEW_PAGE, 1]];
  const adopted = new Set<Feature>(FEATURES.filter((f) => rng.chance(EV.feature_adoption[f])));
  const featureWeight: Record<Feature, number> = { reports: 0.9, dashboards: 0.7, alerts: 0.4, api: 0.5 };
  for (const f of adopted) weights.push([FEATURE_USE[f], featureWeight[f]]);
  if (adopted.has('reports')) weights.push([CREATE_REPORT, 0.3], [EXPORT_DATA, 0.15]);
  if (adopted.has('dashboards')) weights.push([SHARE_DASHBOARD, 0.25]);
  return new Categorical(weights);
}

/** Time-of-day and weekday weight of a session starting at t (≤ 1). */
function acceptance(t: number): number {
  const day = Math.floor(t / DAY);
  const hour = Math.floor((t - day * DAY) / HOUR);
  const open = hour >= OPEN_HOUR && hour < CLOSE_HOUR ? 1 : EV.off_hours_factor;
  return (day + 3) % 7 >= 5 ? open * EV.weekend_factor : open;
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
  const regular = (start: number, limit: number): number => {
    while (available < created.length && (created[available] as number) <= start) available++;
    const u = rng.float();
    const prefix = prefixes[Math.floor(available * u * u)] as string;
    const sid = `s${++ctx.ids.session}`;
    let t = start;
    emit(prefix, t, LOGIN, sid);
    const extra = rng.geometric(1 / (1 + EV.extra_events_per_session_mean));
    for (let j = 0; j < extra; j++) {
      const next = t + Math.floor(Math.min(25 * MINUTE, 5 + rng.exponential(EV.in_session_gap_mean_seconds)));
      if (next >= limit) break;
      t = next;
      emit(prefix, t, mix.draw(rng), sid);
    }
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
      t += rng.exponential(meanGap);
    }
  }
  while (sp < specials.length) emitSpecial(specials[sp++] as Special);
  return { ids, created };
}
