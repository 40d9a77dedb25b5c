// What customers say: NPS surveys of paying accounts (each asked quarterly, a third of them every month) and CSAT after
// success check-ins, both scored lower by accounts that will churn within 90 days; comments about planted topics
// (pricing, slow reports, support, a missing integration) more often from accounts that will churn soon
// (truth.json: feedback.topics). Scores and whether an answer is commented come from the extras stream, as they
// always have; the words, and the further comments, from the comments stream, so no other table depends on them.
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

/** Remarks about no planted topic, by how happy the score is. */
const GENERIC = {
  low: [
    'Not sure it is worth it for us',
    'We are moving to an in-house tool',
    'Hard to get the team to use it',
    'Too many clicks to do simple things',
  ],
  mid: ['Does the job', 'Setup was confusing', 'Fine for now', 'It works, mostly'],
  high: [
    'Love the alerts',
    'Great product, thanks!',
    'Our whole team lives in the dashboards',
    'Saves us hours every week',
  ],
};

const TOPICS = Object.values(F.topics);

/** The spell that holds t, if the customer pays at t. */
export function spellAt(tl: Timeline, t: number): Spell | undefined {
  for (const s of tl.spells) if (t >= s.start && t < s.end) return s;
  return undefined;
}

/** A comment's words: a planted topic's phrase (its share depending on churning soon), else a generic remark. */
function commentText(words: Rng, share: number, churnsSoon: boolean): string {
  let u = words.float();
  for (const topic of TOPICS) {
    u -= churnsSoon ? topic.share_if_churning : topic.share_otherwise;
    if (u < 0) return words.pick(topic.phrases);
  }
  return words.pick(share < 0.5 ? GENERIC.low : share < 0.8 ? GENERIC.mid : GENERIC.high);
}

/**
 * The comment of an answer, or ''. `rng` (the extras stream) makes exactly the draws it made before topics
 * were planted — whether to comment, and the phrase it used to choose — so orders, offers and costs drawn after
 * it are unchanged; `words` (the comments stream) adds further comments and writes every comment's words.
 */
function comment(rng: Rng, words: Rng, share: number, churnsSoon: boolean): string {
  const commented = rng.chance(F.comment_rate);
  if (commented) rng.float();
  const more = words.chance(F.more_comments_rate);
  if (!commented && !more) return '';
  return csvField(commentText(words, share, churnsSoon));
}

/** Whether the customer, paying at t, churns (MRR to 0) within 90 days after t, inside the window. */
function churnsSoon(ctx: Context, spell: Spell | undefined, t: number): boolean {
  return spell !== undefined && t < spell.end && spell.end - t <= SOON && spell.end < ctx.end;
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
  streams: { extras: Rng; words: Rng },
  w: Writers,
): void {
  const { extras: rng, words } = streams;
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
    write(t, 'nps', score, comment(rng, words, score / 10, churnsSoon(ctx, spell, t)));
  }
  for (const c of tl.checkins) {
    if (!rng.chance(F.csat_response_rate)) continue;
    const t = Math.floor(c.t + rng.uniform(HOUR, 2 * DAY));
    if (t >= ctx.end) continue;
    const spell = spellAt(tl, c.t);
    const soon = spell !== undefined && spell.end - c.t <= SOON;
    const mean = soon ? F.csat_mean.churning_within_90_days : F.csat_mean.normal;
    const score = clamp(Math.round(mean + F.csat_sd * rng.normal()), 1, 5);
    write(t, 'csat', score, comment(rng, words, (score - 1) / 4, churnsSoon(ctx, spellAt(tl, t), t)));
  }
}
