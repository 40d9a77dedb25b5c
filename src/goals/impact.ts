// What moving a KPI is worth: the expected change in MRR, NRR and customer lifetime value over a horizon
// (12 months by default) when a KPI moves by a given amount, with an interval and the chain of assumptions.
//
// The revenue of the base follows the KPI tree's exact identities month by month (tree-identities.ts):
//   MRR(t+1) = MRR(t) × (1 + e − d − c) + inflow      e, d, c: expansion, contraction, churn MRR / start MRR
//   NRR      = 1 + e − d − c                          (the catalog's monthly NRR)
//   LTV      = ARPA × margin / logo churn             (the catalog's definition, so LTV' = LTV × ARPA'/ARPA × c/c')
// with e, d, c, the inflow (new and reactivated MRR and customers) and logo churn the means of the last
// closed months (impact-baseline.ts). A KPI that is a term of those identities moves its term exactly; a
// leading KPI moves one through a fitted model: activation through the discrete-time hazard model's
// multiplier for activated accounts (src/models/discrete-hazard.ts), applied to the customers who start
// paying from now on, whose share of the base grows month by month.
//
// The interval: the base's monthly net retention is known only as well as the months it is averaged over
// (its mean ± a t quantile × its standard error), and a model's effect only within its interval; the
// change is worked out at each end and the widest range kept. Pure arithmetic: the queries are
// impact-baseline.ts's.
import { badInput } from '../errors/tenure-error.ts';
import { type FormatOptions, formatEffect, formatTerm } from '../results/format.ts';
import { IMPACT_KPIS, IMPACT_MOVES, type ImpactKpi, isImpactKpi } from './impact-kpis.ts';

/** What the last closed months say about the base (impact-baseline.ts). */
export interface ImpactBaseline {
  readonly as_of: string;
  /** The closed months averaged: [from, to). */
  readonly from: string;
  readonly to: string;
  readonly months: number;
  /** MRR and paying customers at the end of the last closed month. */
  readonly mrr: number;
  readonly customers: number;
  /** Monthly expansion, contraction and churn MRR over start MRR (Σ movements / Σ start MRR). */
  readonly expansion_rate: number;
  readonly contraction_rate: number;
  readonly churn_rate: number;
  /** The standard error of the mean monthly net retention (1 + e − d − c) over the months. */
  readonly net_rate_standard_error: number;
  /** The two-sided t quantile the interval uses (level 0.95, months − 1 degrees of freedom). */
  readonly t_quantile: number;
  /** Mean new and reactivated MRR, and customers, per month. */
  readonly inflow_mrr: number;
  readonly inflow_customers: number;
  /** Monthly logo churn: Σ customers churned / Σ customers at the start. */
  readonly logo_churn_rate: number;
  /** A churned customer's MRR over the mean customer's: (churn MRR / churned) / (start MRR / customers). */
  readonly churner_mrr_ratio: number;
  /** The catalog's customer lifetime value in the last closed month (null when it has no value). */
  readonly ltv: number | null;
  /** The hazard model's estimate for activated accounts, when the lever needs it. */
  readonly activation: ActivationEffect | null;
  /**
   * The MRR a downgrading customer gives up, over the mean customer's MRR: (contraction MRR / customers who
   * downgraded) / (start MRR / customers), when the lever needs it; null without downgrades.
   */
  readonly downgrade_mrr_ratio?: number | null;
}

export interface ActivationEffect {
  /** Churn hazard of activated accounts over that of the others, with its interval. */
  readonly multiplier: number;
  readonly lower: number;
  readonly upper: number;
  /** Share of the monthly renewal decisions made by activated accounts. */
  readonly activated_share: number;
  /** Monthly logo churn of the accounts not activated: c / (1 + a × (multiplier − 1)). */
  readonly hazard_not_activated: number;
}

/** A lever's monthly change to the base's rates, for the customers it reaches. */
interface Move {
  readonly expansion: number;
  readonly contraction: number;
  readonly churn: number;
  readonly logo: number;
}

interface Lever {
  readonly via: 'identity' | 'model';
  /** What the base must carry beyond the MRR bridge for this lever. */
  readonly needs?: 'activation' | 'downgrade';
  /** Reaches only the customers who start paying from now on (a leading KPI of new accounts). */
  readonly newCustomersOnly: boolean;
  /** The term it moves, in words, with the numbers: the first link of the chain. */
  readonly link: (b: ImpactBaseline, change: number, money: FormatOptions) => string;
  readonly move: (b: ImpactBaseline, change: number, multiplier: number) => Move;
}

const pts = (x: number) => formatEffect(x, 'rate');
const pct = (x: number) => formatTerm(x, 'rate');

/** Logo churn moving by Δ moves churn MRR by Δ × the churners' MRR ratio. */
const logoMove = (b: ImpactBaseline, logo: number): Move => ({
  expansion: 0,
  contraction: 0,
  churn: logo * b.churner_mrr_ratio,
  logo,
});

const netMove = (net: number): Move => ({ expansion: net, contraction: 0, churn: 0, logo: 0 });

const LEVERS: Readonly<Record<ImpactKpi, Lever>> = {
  customer_churn_rate: {
    via: 'identity',
    newCustomersOnly: false,
    link: (b, x) =>
      `logo churn ${pts(x)} a month moves churn MRR by ${pts(x * b.churner_mrr_ratio)} of MRR (a churned customer pays ${b.churner_mrr_ratio.toFixed(2)}× the mean)`,
    move: (b, x) => logoMove(b, x),
  },
  customer_retention_rate: {
    via: 'identity',
    newCustomersOnly: false,
    link: (b, x) =>
      `retention ${pts(x)} is logo churn ${pts(-x)} a month (retention = 1 − churn), moving churn MRR by ${pts(-x * b.churner_mrr_ratio)} of MRR`,
    move: (b, x) => logoMove(b, -x),
  },
  revenue_churn_rate: {
    via: 'identity',
    newCustomersOnly: false,
    link: (b, x) =>
      `gross revenue churn ${pts(x)} a month, split between churn and contraction as now (${pct(b.churn_rate)} and ${pct(b.contraction_rate)})`,
    move: (b, x) => {
      const lost = b.churn_rate + b.contraction_rate;
      const toChurn = lost === 0 ? 1 : b.churn_rate / lost;
      return {
        expansion: 0,
        contraction: x * (1 - toChurn),
        churn: x * toChurn,
        logo: b.churner_mrr_ratio === 0 ? 0 : (x * toChurn) / b.churner_mrr_ratio,
      };
    },
  },
  net_revenue_churn: {
    via: 'identity',
    newCustomersOnly: false,
    link: (_b, x) => `net revenue churn ${pts(x)} a month is monthly NRR ${pts(-x)} (NRR = 1 − net churn)`,
    move: (_b, x) => netMove(-x),
  },
  net_revenue_retention: {
    via: 'identity',
    newCustomersOnly: false,
    link: (_b, x) => `monthly NRR ${pts(x)} (1 + e − d − c)`,
    move: (_b, x) => netMove(x),
  },
  expansion_revenue_growth_rate: {
    via: 'identity',
    newCustomersOnly: false,
    link: (_b, x) => `expansion MRR ${pts(x)} of start MRR a month, so monthly NRR ${pts(x)}`,
    move: (_b, x) => netMove(x),
  },
  expansion_revenue: {
    via: 'identity',
    newCustomersOnly: false,
    link: (b, x, money) =>
      `expansion MRR ${formatEffect(x, 'currency', money)} a month on a base of ${formatTerm(b.mrr, 'currency', money)}: ${pts(b.mrr === 0 ? 0 : x / b.mrr)} of MRR`,
    move: (b, x) => netMove(b.mrr === 0 ? 0 : x / b.mrr),
  },
  customer_downgrade_rate: {
    via: 'identity',
    needs: 'downgrade',
    newCustomersOnly: false,
    link: (b, x) => {
      const r = b.downgrade_mrr_ratio ?? 0;
      return `${pts(x)} of customers downgrading a month moves contraction MRR by ${pts(x * r)} of MRR (a downgrade gives up ${r.toFixed(2)}× the mean customer's MRR)`;
    },
    move: (b, x) => ({ expansion: 0, contraction: x * (b.downgrade_mrr_ratio ?? 0), churn: 0, logo: 0 }),
  },
  activation_milestone_completion: {
    via: 'model',
    needs: 'activation',
    newCustomersOnly: true,
    link: (b, x) => {
      const a = b.activation;
      if (!a) return '';
      return `activated accounts churn ${a.multiplier.toFixed(2)}× as often (95% ${a.lower.toFixed(2)}–${a.upper.toFixed(2)}, discrete-time hazard model); ${pts(x)} of new customers activated moves their logo churn by ${pts(x * a.hazard_not_activated * (a.multiplier - 1))} a month (${pct(a.hazard_not_activated)} when not activated)`;
    },
    move: (b, x, multiplier) => logoMove(b, x * (b.activation?.hazard_not_activated ?? 0) * (multiplier - 1)),
  },
};

/** The lever of a KPI, refusing what cannot be priced: an unknown KPI, a change of 0, a horizon out of range. */
export function checkMove(kpi: string, change: number, horizon = 12): Lever & { unit: 'rate' | 'currency' } {
  if (!isImpactKpi(kpi)) {
    throw badInput(
      `Tenure cannot price a move of ${kpi}`,
      { field: 'kpi' },
      `choose one of ${IMPACT_KPIS.join(', ')}`,
    );
  }
  const lever = { ...LEVERS[kpi], unit: IMPACT_MOVES[kpi] };
  if (!Number.isFinite(change) || change === 0)
    throw badInput(`the change must be a number other than 0, not ${change}`, { field: 'change' });
  if (lever.unit === 'rate' && Math.abs(change) >= 1)
    throw badInput(
      `a change of ${change} is ${Math.round(change * 100)} points of a share`,
      { field: 'change' },
      'write points as a fraction: +0.05 for 5 points',
    );
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 60)
    throw badInput(`the horizon must be 1 to 60 months, not ${horizon}`, { field: 'horizon' });
  return lever;
}

export interface Range {
  readonly baseline: number;
  readonly scenario: number;
  readonly change: number;
  /** The change's interval (net retention's uncertainty, and the model's where a model is used). */
  readonly low: number;
  readonly high: number;
}

export interface KpiImpact {
  readonly kpi: string;
  readonly change: number;
  readonly unit: 'rate' | 'currency';
  readonly horizon: number;
  /** Through the tree's exact identities, or through a fitted model. */
  readonly via: 'identity' | 'model';
  /** MRR at the horizon's end, with and without the move. */
  readonly mrr: Range;
  /** The catalog's monthly NRR in the horizon's last month. */
  readonly net_revenue_retention: Range;
  /** The catalog's customer lifetime value at the horizon's end (null without a value today). */
  readonly customer_lifetime_value: Range | null;
  /** Each step from the KPI's move to the money, with its numbers. */
  readonly chain: string[];
  /** What the arithmetic takes for granted. */
  readonly assumptions: string[];
  readonly baseline: ImpactBaseline;
}

interface Path {
  readonly mrr: number;
  readonly customers: number;
  readonly nrr: number;
  readonly logo: number;
}

/** The base month by month for `horizon` months: the means of the baseline plus `move` where it reaches. */
function project(b: ImpactBaseline, move: Move, newOnly: boolean, horizon: number, netShift: number): Path {
  let mrr = b.mrr;
  let customers = b.customers;
  let reached = 0; // customers who started paying after today (the new-accounts lever reaches only them)
  let nrr = 1;
  let logo = b.logo_churn_rate;
  for (let t = 0; t < horizon; t++) {
    const share = newOnly ? (customers === 0 ? 0 : reached / customers) : 1;
    const e = b.expansion_rate + netShift + share * move.expansion;
    const d = b.contraction_rate + share * move.contraction;
    const c = b.churn_rate + share * move.churn;
    nrr = 1 + e - d - c;
    logo = b.logo_churn_rate + share * move.logo;
    mrr = mrr * nrr + b.inflow_mrr;
    reached = reached * (1 - b.logo_churn_rate - move.logo) + b.inflow_customers;
    customers = customers * (1 - logo) + b.inflow_customers;
  }
  return { mrr, customers, nrr, logo };
}

/** The last month averaged, YYYY-MM (`to` is its end). */
const lastMonth = (b: ImpactBaseline) => new Date(Date.parse(b.to) - 1).toISOString().slice(0, 7);

const NO_MOVE: Move = { expansion: 0, contraction: 0, churn: 0, logo: 0 };

/** Lifetime value at a path's end by the catalog's definition, scaled from today's: ARPA × margin / churn. */
function ltvAt(b: ImpactBaseline, p: Path): number | null {
  if (b.ltv === null || b.customers === 0 || p.customers <= 0 || p.logo <= 0) return null;
  return b.ltv * (p.mrr / p.customers / (b.mrr / b.customers)) * (b.logo_churn_rate / p.logo);
}

function range(values: { base: number; scen: number }[]): Range {
  const [mid] = values;
  if (!mid) throw new Error('range: no values');
  const changes = values.map((v) => v.scen - v.base);
  return {
    baseline: mid.base,
    scenario: mid.scen,
    change: mid.scen - mid.base,
    low: Math.min(...changes),
    high: Math.max(...changes),
  };
}

/** The worth of moving `kpi` by `change` over `horizon` months, from the baseline. */
export function kpiImpact(
  b: ImpactBaseline,
  kpi: string,
  change: number,
  horizon = 12,
  money: FormatOptions = {},
): KpiImpact {
  const lever = checkMove(kpi, change, horizon);
  const activation = lever.needs === 'activation' ? b.activation : null;
  if (lever.needs === 'activation' && !activation)
    throw badInput(`no fitted effect to price ${kpi} with`, { field: 'kpi' });
  if (lever.needs === 'downgrade' && !b.downgrade_mrr_ratio)
    throw badInput(
      'no downgrades in the months the base is averaged over: nothing to price a move of downgrades with',
      { field: 'kpi' },
      'load subscription_changes with downgrades, or choose an earlier --as-of',
    );
  const multipliers = activation ? [activation.multiplier, activation.lower, activation.upper] : [1];
  const shift = b.t_quantile * b.net_rate_standard_error;
  const moved = lever.move(b, change, multipliers[0] ?? 1);
  const below = (
    [
      ['logo churn', b.logo_churn_rate, moved.logo],
      ['churn MRR', b.churn_rate, moved.churn],
      ['contraction MRR', b.contraction_rate, moved.contraction],
    ] as const
  ).find(([, now, by]) => now + by < 0);
  if (below)
    throw badInput(
      `${below[0]} would fall below 0 (it is ${pct(below[1])} a month)`,
      { field: 'change' },
      'choose a smaller change',
    );

  const cases = [0, -shift, shift].flatMap((net) =>
    multipliers.map((m) => {
      const base = project(b, NO_MOVE, false, horizon, net);
      const scen = project(b, lever.move(b, change, m), lever.newCustomersOnly, horizon, net);
      return { base, scen };
    }),
  );
  const pick = (f: (p: Path) => number) => cases.map((c) => ({ base: f(c.base), scen: f(c.scen) }));
  const ltvs = cases.map((c) => ({ base: ltvAt(b, c.base), scen: ltvAt(b, c.scen) }));
  const ltv = ltvs.every((v) => v.base !== null && v.scen !== null)
    ? range(ltvs as { base: number; scen: number }[])
    : null;

  const month = (n: number) => `${n} month${n === 1 ? '' : 's'}`;
  return {
    kpi,
    change,
    unit: lever.unit,
    horizon,
    via: lever.via,
    mrr: range(pick((p) => p.mrr)),
    net_revenue_retention: range(pick((p) => p.nrr)),
    customer_lifetime_value: ltv,
    chain: [
      lever.link(b, change, money),
      `MRR(t+1) = MRR(t) × (1 + e − d − c) + inflow, from ${formatTerm(b.mrr, 'currency', money)} for ${month(horizon)}: e ${pct(b.expansion_rate)}, d ${pct(b.contraction_rate)}, c ${pct(b.churn_rate)} a month, inflow ${formatTerm(b.inflow_mrr, 'currency', money)} a month`,
      'NRR = 1 + e − d − c in the horizon’s last month',
      'LTV = ARPA × margin / logo churn, ARPA and churn at the horizon’s end',
    ],
    assumptions: [
      `the base keeps the mean rates of ${b.from.slice(0, 7)} to ${lastMonth(b)} (${month(b.months)}); new and reactivated business keeps its mean inflow, whatever the KPI does`,
      ...(lever.newCustomersOnly
        ? [
            'the change reaches the customers who start paying from now on, at the same points among them as among sign-ups; today’s customers keep their churn',
            'only the hazard model’s effect on churn is counted, not an effect on trial conversion',
          ]
        : ['the change holds from the first month on, for the whole base']),
      ...(kpi === 'customer_churn_rate' || kpi === 'customer_retention_rate'
        ? ['the customers kept pay what churned customers paid']
        : []),
      ...(kpi === 'customer_downgrade_rate'
        ? [
            'a downgrade (a change to a lower MRR above 0, as the catalog counts it) gives up the months’ contraction MRR per downgrading customer; the churn downgrades lead to later is not counted',
          ]
        : []),
      ...(lever.via === 'model'
        ? [
            'the hazard model’s multiplier is causal: activating an account lowers its churn as much as it does on average',
          ]
        : []),
      'the interval spans the uncertainty of the mean monthly net retention (95%)' +
        (lever.via === 'model' ? ' and of the model’s effect (95%)' : ''),
    ],
    baseline: b,
  };
}
