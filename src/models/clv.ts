// Discounted customer lifetime value in a non-contractual setting: BG/NBD's expected purchases month by
// month, discounted, times Gamma-Gamma's expected spend per purchase (Fader, Hardie & Lee 2005, "RFM and
// CLV", which discounts continuously over an infinite horizon; here a finite horizon of whole months,
// discounted at a monthly rate at the end of each month).

import { badInput } from '../errors/tenure-error.ts';
import { type BgnbdParams, bgnbdExpectedPurchases } from './bgnbd.ts';

export interface ClvHorizon {
  /** Months ahead to value. */
  months: number;
  /** Discount rate a month (0.01 = 1%). */
  monthlyDiscount: number;
  /** How many of the data's time units make a month (4.345 for weeks, 1 for months, 30.4 for days). */
  periodsPerMonth: number;
}

export function checkHorizon(h: ClvHorizon): void {
  if (!(Number.isInteger(h.months) && h.months >= 1)) {
    throw badInput(`months must be a whole number ≥ 1, not ${h.months}`, { field: 'months' });
  }
  if (!(Number.isFinite(h.monthlyDiscount) && h.monthlyDiscount >= 0)) {
    throw badInput(`the monthly discount rate must be a number ≥ 0, not ${h.monthlyDiscount}`, {
      field: 'discount',
    });
  }
  if (!(Number.isFinite(h.periodsPerMonth) && h.periodsPerMonth > 0)) {
    throw badInput(`periods per month must be a number > 0, not ${h.periodsPerMonth}`, {
      field: 'periods-per-month',
    });
  }
}

/** Σ_{m=1}^{M} (E[Y(m·w)] − E[Y((m−1)·w)]) / (1 + d)^m for one customer's (x, t_x, T). */
export function discountedExpectedPurchases(
  params: BgnbdParams,
  x: number,
  tx: number,
  T: number,
  h: ClvHorizon,
): number {
  let total = 0;
  let before = 0;
  for (let m = 1; m <= h.months; m++) {
    const upTo = bgnbdExpectedPurchases(params, m * h.periodsPerMonth, x, tx, T);
    total += (upTo - before) / (1 + h.monthlyDiscount) ** m;
    before = upTo;
  }
  return total;
}

/** A customer's discounted CLV: discounted expected purchases × expected spend per purchase. */
export function customerLifetimeValue(
  params: BgnbdParams,
  expectedSpend: number,
  x: number,
  tx: number,
  T: number,
  h: ClvHorizon,
): number {
  return expectedSpend * discountedExpectedPurchases(params, x, tx, T, h);
}
