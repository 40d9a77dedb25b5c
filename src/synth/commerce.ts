// Money around the subscription of one customer: one-off orders, promotions (win-back and upgrade offers),
// the loyalty programme, and the monthly cost to serve.
import type { Context } from './context.ts';
import type { Profile } from './customers.ts';
import { spellAt } from './feedback.ts';
import type { Rng } from './random.ts';
import type { Timeline } from './subscriptions.ts';
import { addMonths, DAY, HOUR } from './time.ts';
import { PARAMS, type Plan } from './truth.ts';
import { money, type Writers } from './writer.ts';

const MONTH = 30.4375 * DAY;
const TIERS: Record<Plan, string> = { starter: 'bronze', growth: 'silver', enterprise: 'gold' };

function mrrAt(tl: Timeline, t: number): number {
  let mrr = 0;
  for (const c of tl.changes) {
    if (c.t > t) break;
    mrr = c.mrr;
  }
  return mrr;
}

function orders(ctx: Context, p: Profile, tl: Timeline, rng: Rng, w: Writers): void {
  const o = PARAMS.orders;
  const write = (t: number, amount: number) =>
    w.orders.row(`o${++ctx.ids.order},${p.id},${ctx.ts(t)},${money(amount)},USD\n`);
  tl.spells.forEach((s, i) => {
    const until = Math.min(s.end, ctx.end);
    if (i === 0 && s.plan === 'enterprise' && rng.chance(o.enterprise_services_at_conversion)) {
      const t = Math.floor(s.start + rng.uniform(HOUR, 10 * DAY));
      const amount = Math.round(rng.uniform(2000, 8000) / 50) * 50;
      if (t < until) write(t, amount);
    }
    const meanGap = MONTH / o.monthly_rate[s.plan];
    for (let t = s.start + rng.exponential(meanGap); t < until; t += rng.exponential(meanGap)) {
      write(Math.floor(t), Math.max(5, rng.lognormal(o.mean_amount[s.plan], o.amount_sigma)));
    }
  });
}

function promotions(ctx: Context, p: Profile, tl: Timeline, rng: Rng, w: Writers): void {
  const pr = PARAMS.promotions;
  // An offer still valid at the window's end keeps its scheduled expiry, which lies after the end.
  const write = (campaign: string, issued: number, redeemed: number | null, expires: number) => {
    const redeemedAt = redeemed === null ? '' : ctx.ts(redeemed);
    const expiresAt = ctx.ts(expires);
    w.promotions.row(
      `pr${++ctx.ids.promotion},${p.id},${campaign},${ctx.ts(issued)},${redeemedAt},${expiresAt}\n`,
    );
  };
  tl.spells.forEach((s, i) => {
    // Upgrade offer to monthly starter and growth accounts a few months into a spell.
    const monthly = i > 0 || tl.billing === 'monthly';
    const offerMonth = addMonths(s.start, pr.upgrade.at_spell_month);
    if (monthly && s.plan !== 'enterprise' && rng.chance(pr.upgrade.issue_rate)) {
      const issued = Math.floor(offerMonth + rng.uniform(HOUR, 5 * DAY));
      if (issued < ctx.end && issued < s.end) {
        const expires = issued + pr.upgrade.valid_days * DAY;
        let redeemed: number | null = null;
        if (rng.chance(pr.upgrade.redeem_rate)) {
          const t = Math.floor(issued + rng.uniform(HOUR, (pr.upgrade.valid_days - 1) * DAY));
          if (t < ctx.end && t < s.end) redeemed = t;
        }
        write(pr.upgrade.campaign, issued, redeemed, expires);
      }
    }
    // Win-back offer after a churn; redeemed when the account comes back while it is valid.
    if (Number.isFinite(s.end) && rng.chance(pr.winback.issue_rate)) {
      const issued = Math.floor(s.end + rng.uniform(3 * DAY, 20 * DAY));
      const back = tl.spells[i + 1]?.start ?? Number.POSITIVE_INFINITY;
      if (issued < ctx.end && issued < back) {
        const expires = issued + pr.winback.valid_days * DAY;
        write(pr.winback.campaign, issued, back < expires ? back : null, expires);
      }
    }
  });
}

function loyalty(ctx: Context, p: Profile, tl: Timeline, rng: Rng, w: Writers): void {
  const l = PARAMS.loyalty;
  const first = tl.spells[0];
  if (!first || !rng.chance(l.join_rate)) return;
  const joined = Math.floor(first.start + rng.uniform(DAY, 60 * DAY));
  if (joined >= ctx.end || !spellAt(tl, joined)) return;
  w.loyalty_members.row(`${p.id},${ctx.ts(joined)},${TIERS[first.plan]}\n`);
  const ms = ctx.monthStarts;
  for (let m = ctx.monthIndex(joined); m < ctx.months; m++) {
    const from = Math.max(ms[m] as number, joined + 1);
    const to = ms[m + 1] as number;
    if (from >= to) continue;
    if (rng.chance(l.monthly_earn)) {
      const t = Math.floor(rng.uniform(from, to));
      if (t < ctx.end && spellAt(tl, t)) {
        const points = 10 + Math.round(mrrAt(tl, t) / 10);
        w.loyalty_activity.row(`${p.id},${ctx.ts(t)},earn,${points}\n`);
      }
    }
    if (rng.chance(l.monthly_redeem)) {
      const t = Math.floor(rng.uniform(from, to));
      if (t < ctx.end && spellAt(tl, t))
        w.loyalty_activity.row(`${p.id},${ctx.ts(t)},redeem,${50 * rng.intBetween(2, 20)}\n`);
    }
  }
}

/** Cost to serve per window month: (1 − gross margin) × the recurring revenue earned in that month. */
function costs(ctx: Context, p: Profile, tl: Timeline, rng: Rng, w: Writers): void {
  if (tl.changes.length === 0) return;
  const ms = ctx.monthStarts;
  const earned = new Float64Array(ctx.months);
  tl.changes.forEach((c, i) => {
    const until = Math.min(tl.changes[i + 1]?.t ?? ctx.end, ctx.end);
    if (c.mrr <= 0) return;
    for (let m = ctx.monthIndex(c.t); m < ctx.months && (ms[m] as number) < until; m++) {
      const a = Math.max(c.t, ms[m] as number);
      const b = Math.min(until, ms[m + 1] as number);
      if (b > a)
        earned[m] = (earned[m] as number) + (c.mrr * (b - a)) / ((ms[m + 1] as number) - (ms[m] as number));
    }
  });
  const c = PARAMS.costs;
  for (let m = 0; m < ctx.months; m++) {
    const revenue = earned[m] as number;
    if (revenue <= 0) continue;
    const amount = money((1 - c.gross_margin) * rng.lognormal(revenue, c.noise_sigma));
    if (amount === '0.00') continue;
    const period = `${ctx.clock.date(ms[m] as number)},${ctx.clock.date(ms[m + 1] as number)}`;
    w.costs.row(`${p.id},,${period},${amount},USD\n`);
  }
}

export function generateCommerce(ctx: Context, p: Profile, tl: Timeline, rng: Rng, w: Writers): void {
  orders(ctx, p, tl, rng, w);
  promotions(ctx, p, tl, rng, w);
  loyalty(ctx, p, tl, rng, w);
  costs(ctx, p, tl, rng, w);
}
