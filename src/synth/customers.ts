// Who each customer is: signup time, plan, channel, country, referrer, firmographics, whether it will
// activate, its experiment variant and its engagement level; and the customers and assignments rows.
import type { Context } from './context.ts';
import { Categorical, Rng, STREAM } from './random.ts';
import type { Timeline } from './subscriptions.ts';
import { type Channel, PARAMS, PLANS, type Plan } from './truth.ts';
import type { Writers } from './writer.ts';

export type Variant = 'control' | 'treatment';

export interface Profile {
  index: number;
  id: string;
  signup: number;
  plan: Plan;
  channel: Channel;
  country: string;
  referredBy: string | null;
  industry: string;
  companySize: string;
  activated: boolean;
  variant: Variant | null;
  /** Multiplies the customer's session rate; mean about 1 over all customers. */
  engagement: number;
}

const planDist = Categorical.fromRecord(PARAMS.plans.share);
const channelDist = Object.fromEntries(
  PLANS.map((plan) => [plan, Categorical.fromRecord(PARAMS.channels.share_by_plan[plan])]),
) as Record<Plan, Categorical<Channel>>;
const countryDist = Categorical.fromRecord(PARAMS.countries);
const industryDist = Categorical.fromRecord(PARAMS.industries);
const sizeDist = Object.fromEntries(
  PLANS.map((plan) => [plan, Categorical.fromRecord<string>(PARAMS.company_size[plan])]),
) as Record<Plan, Categorical<string>>;

/**
 * Signup time of customer `index`: the customers split the window into equal-probability strata of a
 * density that grows by `monthly_growth` a month, one customer per stratum at a random point in it. So
 * signups are in id order, and any customer's time can be recomputed alone (for referrers).
 */
export function signupTime(ctx: Context, index: number): number {
  const jitter = Rng.stream(ctx.seed, STREAM.signup, index).float();
  const u = (index + jitter) / ctx.customers;
  const g = Math.log(1 + PARAMS.signups.monthly_growth) * ctx.months;
  const x = g > 0 ? Math.log(1 + u * Math.expm1(g)) / g : u;
  return Math.min(ctx.end - 1, ctx.start + Math.floor(x * (ctx.end - ctx.start)));
}

/** An earlier customer (strictly earlier signup) to be the referrer, or null when there is none. */
function pickReferrer(ctx: Context, index: number, signup: number, rng: Rng): string | null {
  if (index === 0) return null;
  let j = rng.int(index);
  while (j >= 0 && signupTime(ctx, j) >= signup) j--;
  return j >= 0 ? ctx.customerId(j) : null;
}

export function drawProfile(ctx: Context, index: number, rng: Rng): Profile {
  const signup = signupTime(ctx, index);
  const plan = planDist.draw(rng);
  let channel = channelDist[plan].draw(rng);
  const country = countryDist.draw(rng);
  const industry = industryDist.draw(rng);
  const companySize = sizeDist[plan].draw(rng);
  let referredBy: string | null = null;
  if (channel === 'referral') {
    referredBy = pickReferrer(ctx, index, signup, rng);
    if (referredBy === null) channel = 'organic';
  }
  const activated = rng.chance(PARAMS.activation.rate);
  const ev = PARAMS.events;
  const engagement =
    rng.lognormal(1, ev.engagement_sigma) *
    (activated ? ev.engagement_multiplier.activated : ev.engagement_multiplier.not_activated);
  let variant: Variant | null = null;
  if (signup >= ctx.experimentStart && signup < ctx.experimentEnd) {
    variant = rng.chance(PARAMS.experiment.treatment_share) ? 'treatment' : 'control';
  }
  return {
    index,
    id: ctx.customerId(index),
    signup,
    plan,
    channel,
    country,
    referredBy,
    industry,
    companySize,
    activated,
    variant,
    engagement,
  };
}

/** The customers row (attributes hold firmographics and, for payers, billing) and the assignment. */
export function writeCustomer(ctx: Context, p: Profile, tl: Timeline, w: Writers): void {
  const billing = tl.billing ? `,""billing"":""${tl.billing}""` : '';
  const attributes = `"{""industry"":""${p.industry}"",""company_size"":""${p.companySize}""${billing}}"`;
  w.customers.row(
    `${p.id},${ctx.ts(p.signup)},${p.plan},${p.channel},${p.country},${p.referredBy ?? ''},${attributes}\n`,
  );
  if (p.variant) {
    w.assignments.row(`${PARAMS.experiment.experiment_id},${p.id},${p.variant},${ctx.ts(p.signup)}\n`);
  }
  ctx.countSignup(p.channel, p.signup);
  if (tl.converted) ctx.realized.paying++;
  if (p.activated) ctx.realized.activated++;
  if (p.variant) ctx.realized[p.variant]++;
  if (tl.billing === 'annual') ctx.realized.annual++;
  if (tl.spells.length > 1) ctx.realized.reactivated++;
}
