// What customers say: NPS surveys of paying accounts (each asked quarterly, a third of them every month) and CSAT after success check-ins, both
// scored lower by accounts that will churn within 90 days.
import type { Users } from './activity.ts';
import type { Context } from './context.ts';
import type { Profile } from './customers.ts';
import type { Rng } from './random.ts';
import type { Spell, Timeline } from './subscriptions.ts';
import { DAY, HOUR } from './time.ts';
import { PARAMS } from './truth.ts';
import { csvField, type Writers } from './writer.ts';

const F = PARAMS.feedback;
const SOON = 90 * DAY;

const COMMENTS = {
  low: [
    'Too expensive for what we use',
    'Reports are slow, and exports time out',
    'We are moving to an in-house tool',
    'Support took "days" to answer',
  ],
  mid: ['Good, but the dashboards need work', 'Does the job', 'Setup was confusing'],
  high: [
    'Love the alerts',
    'Great support, thanks!',
    'Our whole team lives in the dashboards',
    'Saves us hours every week',
  ],
};

/** The spell that holds t, if the customer pays at t. */
export function spellAt(tl: Timeline, t: number): Spell | undefined {
  for (const s of tl.spells) if (t >= s.start && t < s.end) return s;
  return undefined;
}

function comment(rng: Rng, share: number): string {
  if (!rng.chance(F.comment_rate)) return '';
  const list = share < 0.5 ? COMMENTS.low : share < 0.8 ? COMMENTS.mid : COMMENTS.high;
  return csvField(rng.pick(list));
}

function userAt(users: Users, t: number, rng: Rng): string {
  let n = 1;
  while (n < users.created.length && (users.created[n] as number) <= t) n++;
  return users.ids[rng.int(n)] as string;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Writes feedback rows (NPS and CSAT) of one customer. */
export function generateFeedback(
  ctx: Context,
  p: Profile,
  tl: Timeline,
  users: Users,
  rng: Rng,
  w: Writers,
): void {
  if (!tl.converted) return;
  const write = (t: number, kind: 'nps' | 'csat', score: number, text: string) => {
    const user = userAt(users, t, rng);
    w.feedback.row(`r${++ctx.ids.response},${p.id},${user},${ctx.ts(t)},${kind},${score},${text}\n`);
  };
  // Each account is asked every nps_every_months months, staggered by its index: a share of the accounts each month.
  for (let m = p.index % F.nps_every_months; m < ctx.months; m += F.nps_every_months) {
    const sent = (ctx.monthStarts[m] as number) + 2 * DAY + 14 * HOUR;
    const spell = spellAt(tl, sent);
    if (!spell || !rng.chance(F.nps_response_rate)) continue;
    const t = Math.floor(sent + rng.uniform(0, 14 * DAY));
    if (t >= ctx.end || t >= spell.end) continue;
    const mean = spell.end - t <= SOON ? F.nps_mean.churning_within_90_days : F.nps_mean.normal;
    const score = clamp(Math.round(mean + F.nps_sd * rng.normal()), 0, 10);
    write(t, 'nps', score, comment(rng, score / 10));
  }
  for (const c of tl.checkins) {
    if (!rng.chance(F.csat_response_rate)) continue;
    const t = Math.floor(c.t + rng.uniform(HOUR, 2 * DAY));
    if (t >= ctx.end) continue;
    const spell = spellAt(tl, c.t);
    const soon = spell !== undefined && spell.end - c.t <= SOON;
    const mean = soon ? F.csat_mean.churning_within_90_days : F.csat_mean.normal;
    const score = clamp(Math.round(mean + F.csat_sd * rng.normal()), 1, 5);
    write(t, 'csat', score, comment(rng, (score - 1) / 4));
  }
}
