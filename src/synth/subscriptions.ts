// A customer's paying life, month by month: conversion after the trial, seat and plan changes, success
// check-ins, churn at anniversaries by the hazard in truth.ts, reactivation; then its subscription_changes,
// contracts and checkins rows.
import type { Context } from './context.ts';
import type { Profile } from './customers.ts';
import type { Rng } from './random.ts';
import { addMonths, DAY, HOUR } from './time.ts';
import { type Billing, PARAMS, PLANS, type Plan } from './truth.ts';
import { money, type Writers } from './writer.ts';

export type Reason =
  | 'new'
  | 'expansion'
  | 'contraction'
  | 'upgrade'
  | 'downgrade'
  | 'cancel'
  | 'reactivation';

export interface Change {
  t: number;
  mrr: number;
  plan: Plan;
  seats: number;
  reason: Reason;
}

/** A stretch of paying, [start, end); end is Infinity while it lasts past the window. */
export interface Spell {
  start: number;
  end: number;
  plan: Plan;
}

export interface Checkin {
  t: number;
  kind: 'onboarding' | 'call' | 'qbr';
}

/**
 * A contract term. The term in progress at the window's end is kept with its scheduled end (which lies
 * after the data's end, as a running contract's does) and no renewal outcome yet.
 */
interface Term {
  start: number;
  end: number;
  value: number;
  renewed: boolean | null;
}

export interface Timeline {
  converted: boolean;
  billing: Billing | null;
  changes: Change[];
  spells: Spell[];
  checkins: Checkin[];
  terms: Term[];
  maxSeats: number;
}

const P = PARAMS;

/** The monthly churn hazard of truth.ts for this customer, given its plan now and recent check-ins. */
export function monthlyHazard(p: Profile, plan: Plan, hadCheckin: boolean): number {
  const m = P.churn.multipliers;
  let h = P.churn.base_monthly_hazard[plan] * m.channel[p.channel];
  if (p.activated) h *= m.activated;
  if (p.referredBy !== null) h *= m.referred;
  if (hadCheckin) h *= m.checkin_90d;
  if (p.variant === 'treatment') h *= m.experiment_treatment;
  return h;
}

export function mrrOf(plan: Plan, seats: number, billing: Billing): number {
  const discount = billing === 'annual' ? 1 - P.billing.annual_discount : 1;
  return Math.round(seats * P.plans.price_per_seat[plan] * discount * 100) / 100;
}

function drawSeats(plan: Plan, rng: Rng): number {
  const s = P.plans.seats[plan];
  return Math.min(s.max, s.min + rng.geometric(1 / (1 + s.extra_mean)));
}

function hadCheckinBefore(checkins: readonly Checkin[], t: number): boolean {
  const from = t - P.churn.checkin_lookback_days * DAY;
  for (let i = checkins.length - 1; i >= 0; i--) {
    const c = (checkins[i] as Checkin).t;
    if (c < from) return false;
    if (c < t) return true;
  }
  return false;
}

/** One paying customer's state while its life is simulated. */
class Account {
  readonly tl: Timeline;
  plan: Plan;
  seats: number;
  billing: Billing;

  constructor(
    private readonly ctx: Context,
    private readonly p: Profile,
    private readonly rng: Rng,
    tl: Timeline,
    billing: Billing,
  ) {
    this.tl = tl;
    this.plan = p.plan;
    this.seats = drawSeats(p.plan, rng);
    this.billing = billing;
  }

  get mrr(): number {
    return mrrOf(this.plan, this.seats, this.billing);
  }

  record(t: number, reason: Reason): void {
    const mrr = reason === 'cancel' ? 0 : this.mrr;
    this.tl.changes.push({ t, mrr, plan: this.plan, seats: this.seats, reason });
    if (this.seats > this.tl.maxSeats) this.tl.maxSeats = this.seats;
  }

  /** Check-ins inside month [from, to) of a spell (k = months since the spell began). */
  checkinsIn(from: number, to: number, k: number, firstSpell: boolean): void {
    const c = P.checkins;
    const rng = this.rng;
    const month: Checkin[] = [];
    const at = (lo: number, hi: number) => Math.floor(rng.uniform(lo, hi));
    if (k === 0 && firstSpell && rng.chance(c.onboarding[this.plan])) {
      month.push({ t: at(from + DAY, Math.min(to - HOUR, from + 10 * DAY)), kind: 'onboarding' });
    }
    if (k % c.qbr_every_months === c.qbr_every_months - 1 && rng.chance(c.qbr_probability[this.plan])) {
      month.push({ t: at(from + HOUR, to - HOUR), kind: 'qbr' });
    }
    if (rng.chance(c.monthly_call[this.plan])) month.push({ t: at(from + HOUR, to - HOUR), kind: 'call' });
    month.sort((a, b) => a.t - b.t);
    for (const ch of month) if (ch.t < this.ctx.end) this.tl.checkins.push(ch);
  }

  /** At most one seat or plan change at a random time inside (from, to). */
  changeIn(from: number, to: number): void {
    const pr = P.changes.monthly_probability;
    const plan = this.plan;
    const t = Math.floor(this.rng.uniform(from + HOUR, to - HOUR));
    // Annual contracts shrink only at renewal, so their contraction and downgrade chances are 0 mid-term.
    const monthly = this.billing === 'monthly' ? 1 : 0;
    const u = this.rng.float();
    const expand = pr.expansion[plan];
    const contract = expand + monthly * pr.contraction[plan];
    const upgrade = contract + pr.upgrade[plan];
    const downgrade = upgrade + monthly * pr.downgrade[plan];
    if (u < expand) this.expand(t);
    else if (u < contract) this.contract(t);
    else if (u < upgrade) this.movePlan(t, 1);
    else if (u < downgrade) this.movePlan(t, -1);
  }

  expand(t: number): void {
    const max = P.plans.seats[this.plan].max;
    const seats = Math.min(max, this.seats + 1 + this.rng.geometric(1 / (1 + 0.1 * this.seats)));
    if (seats === this.seats || t >= this.ctx.end) return;
    this.seats = seats;
    this.record(t, 'expansion');
  }

  contract(t: number): void {
    const seats = Math.max(1, this.seats - 1 - this.rng.geometric(1 / (1 + 0.08 * this.seats)));
    if (seats === this.seats || t >= this.ctx.end) return;
    this.seats = seats;
    this.record(t, 'contraction');
  }

  movePlan(t: number, step: 1 | -1): void {
    const next = PLANS[PLANS.indexOf(this.plan) + step];
    if (!next || t >= this.ctx.end) return;
    const s = P.plans.seats[next];
    this.plan = next;
    this.seats = Math.min(s.max, Math.max(s.min, this.seats));
    this.record(t, step > 0 ? 'upgrade' : 'downgrade');
  }

  /** One paying spell from `start`; returns the churn time, or Infinity if it lasts past the window. */
  runSpell(start: number, firstSpell: boolean): number {
    const end = this.ctx.end;
    const termMonths = this.billing === 'annual' ? 12 : 1;
    let termStart = start;
    let termValue = this.mrr * termMonths;
    for (let k = 0; ; k++) {
      const from = addMonths(start, k);
      const to = addMonths(start, k + 1);
      this.checkinsIn(from, to, k, firstSpell);
      this.changeIn(from, to);
      if (to >= end) {
        const termEnd = addMonths(termStart, termMonths);
        this.tl.terms.push({ start: termStart, end: termEnd, value: termValue, renewed: null });
        break;
      }
      if (this.billing === 'monthly' || (k + 1) % 12 === 0) {
        const h = monthlyHazard(this.p, this.plan, hadCheckinBefore(this.tl.checkins, to));
        const churn = this.billing === 'monthly' ? h : 1 - (1 - h) ** 12;
        const churned = this.rng.chance(churn);
        this.tl.terms.push({ start: termStart, end: to, value: termValue, renewed: !churned });
        if (churned) {
          this.record(to, 'cancel');
          return to;
        }
        if (this.billing === 'annual' && this.rng.chance(P.changes.annual_renewal_contraction)) {
          if (this.rng.chance(0.8)) this.contract(to);
          else this.movePlan(to, -1);
        }
        termStart = to;
        termValue = this.mrr * termMonths;
      }
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Time of reactivation after a churn at `churnedAt`, or Infinity if it does not come back. */
  reactivation(churnedAt: number): number {
    const r = P.reactivation;
    for (let m = 1; m <= r.max_months_after_churn; m++) {
      const from = addMonths(churnedAt, m - 1);
      if (from >= this.ctx.end) break;
      if (this.rng.chance(r.monthly_probability)) {
        const t = Math.floor(this.rng.uniform(Math.max(from, churnedAt + DAY), addMonths(churnedAt, m)));
        return t < this.ctx.end ? t : Number.POSITIVE_INFINITY;
      }
    }
    return Number.POSITIVE_INFINITY;
  }
}

export function simulateSubscription(ctx: Context, p: Profile, rng: Rng): Timeline {
  const tl: Timeline = {
    converted: false,
    billing: null,
    changes: [],
    spells: [],
    checkins: [],
    terms: [],
    maxSeats: 0,
  };
  const conv = P.trial.conversion;
  const converts = rng.chance(p.activated ? conv.activated : conv.not_activated);
  const billing: Billing = rng.chance(P.billing.annual_share[p.plan]) ? 'annual' : 'monthly';
  const firstPayment = p.signup + P.trial.days * DAY;
  if (!converts || firstPayment >= ctx.end) return tl;
  tl.converted = true;
  tl.billing = billing;
  const account = new Account(ctx, p, rng, tl, billing);
  let start = firstPayment;
  let reason: Reason = 'new';
  while (start < ctx.end) {
    account.record(start, reason);
    const spell: Spell = { start, end: Number.POSITIVE_INFINITY, plan: account.plan };
    tl.spells.push(spell);
    spell.end = account.runSpell(start, reason === 'new');
    if (spell.end === Number.POSITIVE_INFINITY) break;
    start = account.reactivation(spell.end);
    reason = 'reactivation';
    account.billing = 'monthly';
  }
  return tl;
}

/** Writes subscription_changes, contracts and checkins rows of one customer. */
export function writeSubscription(ctx: Context, p: Profile, tl: Timeline, w: Writers): void {
  for (const c of tl.changes) {
    w.subscription_changes.row(
      `${p.id},${ctx.ts(c.t)},${money(c.mrr)},${c.plan},${c.seats},${c.reason},USD\n`,
    );
  }
  for (const term of tl.terms) {
    const id = `k${++ctx.ids.contract}`;
    w.contracts.row(
      `${id},${p.id},${ctx.ts(term.start)},${ctx.ts(term.end)},${term.renewed ?? ''},${money(term.value)},USD\n`,
    );
  }
  for (const c of tl.checkins) w.checkins.row(`h${++ctx.ids.checkin},${p.id},${ctx.ts(c.t)},${c.kind}\n`);
}
