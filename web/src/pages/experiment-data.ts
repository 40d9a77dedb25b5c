// The Experiments page's data as the API gives it (GET /api/experiments, /api/experiments/ID and
// /api/experiments/ID/results), and the pure text the page writes from it: the headline sentence, each
// outcome's effect and interval, the sample-ratio check in words, the revenue per year. The browser test
// formats the API's answer with these same functions and compares text.
import {
  type FormatOptions,
  formatDelta,
  formatNumber,
  formatPercent,
  formatRelative,
  formatValue,
  NO_VALUE,
} from '../format.ts';

export interface ExperimentRow {
  id: string;
  name: string;
  owner: string | null;
  hypothesis: string | null;
  status: 'planned' | 'running' | 'ended' | 'decided';
  registered_at: string | null;
  registered_after_start: boolean;
  amendments: number;
  decision: 'ship' | 'iterate' | 'stop' | null;
  learning: string | null;
  started_at: string | null;
  ended_at: string | null;
  units: number;
  plan_source: string | null;
  plan_readable: boolean;
}

export interface OutcomeSpec {
  kind: string;
  days: number;
  name?: string;
  horizon_days?: number;
  events?: string[];
  numerator?: { of: string };
  denominator?: { of: string };
  cuped?: boolean;
}

export interface OutcomeRef {
  kpi?: string;
  outcome?: OutcomeSpec;
}

export interface Plan {
  id: string;
  name: string;
  hypothesis: string;
  owner: string;
  primary: OutcomeRef;
  secondary: OutcomeRef[];
  guardrails: (OutcomeRef & {
    must_not?: 'increase' | 'decrease';
    tolerance: { value: number; kind: 'relative' | 'absolute' };
  })[];
  variants: { name: string; weight: number }[];
  minimum_detectable_effect?: { value: number; kind: 'relative' | 'absolute' };
  alpha: number;
  power: number;
  planned_sample_size?: number;
  planned_start?: string;
  planned_end?: string;
  analysis: { method: 'fixed_horizon' | 'sequential'; tuning?: number };
  cuped: { covariate: string };
  multiple_testing: { correction: string; scope: string };
  segments: string[];
}

export interface Experiment {
  id: string;
  name: string;
  owner: string | null;
  hypothesis: string | null;
  status: ExperimentRow['status'];
  plan: Plan | null;
  hash: string | null;
  registered_at: string | null;
  registered_after_start: boolean;
  started_at: string | null;
  ended_at: string | null;
  units: number;
  versions: {
    version: number;
    source: string;
    registered_at: string | null;
    after_start: boolean;
    reason: string | null;
    changes: { field: string; before: unknown; after: unknown }[];
  }[];
  amendments: number;
  decision: Decision | null;
  decisions: Decision[];
}

export interface Decision {
  decision: 'ship' | 'iterate' | 'stop';
  learning: string;
  result: string | null;
  plan_version: number | null;
  decided_at: string;
}

export interface Comparison {
  arm: string;
  baseline: string;
  effect: number | null;
  se: number | null;
  ci: [number, number] | null;
  p_value?: number | null;
  cuped?: {
    theta: number;
    unadjusted_effect: number;
    unadjusted_se: number;
    variance_reduction: number;
    balance: { difference: number; se: number; p_value: number } | null;
  };
  flags: string[];
  messages: string[];
}

export interface MetricStats {
  metric: 'mean' | 'proportion' | 'ratio';
  difference: 'relative' | 'absolute';
  method: string;
  alpha: number;
  cuped: boolean;
  theta?: number;
  arms: {
    name: string;
    n: number;
    value: number | null;
    adjusted_value?: number | null;
    pre_value?: number | null;
  }[];
  comparisons: Comparison[];
}

export interface KmStep {
  time: number;
  at_risk: number;
  events: number;
  censored: number;
  survival: number;
  lower: number;
  upper: number;
}

export interface Outcome {
  name: string;
  role: 'primary' | 'secondary' | 'guardrail';
  kpi: string | null;
  spec: OutcomeSpec;
  metric: 'mean' | 'proportion' | 'ratio' | 'survival';
  direction: 'increase' | 'decrease';
  maturity: {
    window_days: number;
    excluded: number;
    arms: { name: string; assigned: number; mature: number; excluded: number }[];
  };
  stats: MetricStats | null;
  adjusted: { arm: string; p_value: number; adjusted_p_value: number }[];
  survival: {
    follow_up_days: number;
    tau: number | null;
    arms: {
      name: string;
      n: number;
      events: number;
      median: number | null;
      rmst: { rmst: number; standard_error: number; ci: [number, number] } | null;
      curve: KmStep[];
    }[];
    log_rank: { chi_square: number; df: number; p_value: number } | null;
    rmst: { arm: string; baseline: string; difference: number; ci: [number, number]; p_value: number }[];
  } | null;
  guardrail: {
    must_not: 'increase' | 'decrease';
    tolerance: { value: number; kind: 'relative' | 'absolute' };
    status: 'ok' | 'at_risk' | 'violated' | 'unknown';
    message: string;
  } | null;
  flags: string[];
  messages: string[];
}

export interface RetentionShare {
  units: number;
  count: number;
  share: number | null;
}

export interface Results {
  experiment_id: string;
  as_of: string;
  plan: {
    source: string;
    version: number | null;
    amendments: number;
    alpha: number;
    method: 'fixed_horizon' | 'sequential';
    sequential_tuning: number | null;
    correction: string;
    scope: string;
    variants: { name: string; weight: number }[];
    notes: string[];
  };
  arms: { name: string; planned_share: number | null; assigned: number; share: number | null }[];
  srm: {
    chi_square: number;
    df: number;
    p_value: number;
    mismatch: boolean;
    weights_changed: boolean;
    messages: string[];
  } | null;
  outcomes: Outcome[];
  flags: string[];
  messages: string[];
  retention: {
    days: number[];
    arms: {
      name: string;
      points: { day: number; assigned: number; active: RetentionShare; paying: RetentionShare }[];
    }[];
    messages: string[];
  };
  segments: {
    exploratory: true;
    outcome: string | null;
    difference: 'relative' | 'absolute' | null;
    alpha: number;
    breakdowns: {
      by: string;
      more: number;
      segments: {
        value: string;
        units: number;
        arms: { name: string; n: number; excluded: number; value: number | null }[];
        comparisons: {
          arm: string;
          effect: number | null;
          ci: [number, number] | null;
          p_value: number | null;
        }[];
        small: boolean;
        messages: string[];
      }[];
    }[];
    messages: string[];
  };
  revenue: {
    outcome: string | null;
    customers: number;
    mrr: number;
    arpa: number | null;
    formula: string | null;
    arms: {
      arm: string;
      baseline: string;
      per_unit: number | null;
      per_unit_ci: [number, number] | null;
      per_year: number | null;
      per_year_ci: [number, number] | null;
    }[];
    assumptions: string[];
    message: string | null;
  };
}

/** The primary outcome (the first when none is marked). */
export const primaryOf = (r: Results): Outcome | undefined =>
  r.outcomes.find((o) => o.role === 'primary') ?? r.outcomes[0];

/** An outcome in words: "churn within 90 days", "days paying within 180 days (RMST)". */
export function outcomeLabel(spec: OutcomeSpec): string {
  if (spec.name) return spec.name;
  const n = spec.days;
  const only = spec.events?.length ? ` (${spec.events.join(', ')})` : '';
  switch (spec.kind) {
    case 'churned_within':
      return `churn within ${n} days`;
    case 'retained_day':
      return `active on day ${n}`;
    case 'paying_day':
      return `paying on day ${n}`;
    case 'time_to_churn':
      return `days paying within ${spec.horizon_days ?? n} days (RMST)`;
    case 'mrr_after':
      return `MRR ${n} days after exposure`;
    case 'revenue_after':
      return `revenue in the first ${n} days`;
    case 'activated_within':
      return `activation within ${n} days`;
    case 'events_per_unit':
      return `events per customer in ${n} days${only}`;
    case 'sessions_per_unit':
      return `sessions per customer in ${n} days${only}`;
    case 'ratio':
      return `${spec.numerator?.of ?? 'numerator'} per ${spec.denominator?.of ?? 'denominator'} in ${n} days`;
    default:
      return `${spec.kind} ${n} days`;
  }
}

/** The unit of an outcome's values per customer: a share, money, days or a count. */
export function outcomeUnit(o: Pick<Outcome, 'metric' | 'spec'>): 'rate' | 'currency' | 'days' | 'count' {
  if (o.metric === 'proportion') return 'rate';
  if (o.metric === 'survival') return 'days';
  if (o.spec.kind === 'mrr_after' || o.spec.kind === 'revenue_after') return 'currency';
  if (o.spec.kind === 'ratio' && /revenue/.test(o.spec.numerator?.of ?? '')) return 'currency';
  return 'count';
}

/** An arm's value of an outcome: 3.8%, $397.50, 2.41. */
export const armValue = (
  v: number | null | undefined,
  o: Pick<Outcome, 'metric' | 'spec'>,
  money: FormatOptions = {},
) => formatValue(v, outcomeUnit(o), money);

/** An effect, signed, in its scale: a relative lift (+60.6%), points of a share (-2.9 pt), money, days. */
export function effectText(
  v: number | null | undefined,
  difference: 'relative' | 'absolute',
  unit: string,
  money: FormatOptions = {},
): string {
  if (difference === 'relative') return formatRelative(v);
  return formatDelta(v, unit, money);
}

/** An interval as "low to high" in the effect's scale. */
export function intervalText(
  ci: readonly [number, number] | null | undefined,
  difference: 'relative' | 'absolute',
  unit: string,
  money: FormatOptions = {},
): string {
  if (!ci) return NO_VALUE;
  return `${effectText(ci[0], difference, unit, money)} to ${effectText(ci[1], difference, unit, money)}`;
}

/** The interval's level as words: "95% CI", or "95% always-valid CI" for a sequential plan. */
export function levelText(alpha: number, method: string): string {
  const level = 1 - alpha;
  const digits = Number.isInteger(Number((100 * level).toPrecision(12))) ? 0 : 1;
  const kind = method === 'sequential' ? 'always-valid CI' : 'CI';
  return `${formatPercent(level, { digits })} ${kind}`;
}

/** A magnitude without its sign, in its scale: 75.9%, 2.9 pt, $12.40, 4.9 days. */
function size(v: number, difference: 'relative' | 'absolute', unit: string, money: FormatOptions): string {
  if (difference === 'relative') return formatPercent(v);
  if (unit === 'rate') return formatValue(100 * v, 'points');
  return formatValue(v, unit, money);
}

/** A p-value: four decimals, or "< 0.0001". */
export function pValueText(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return NO_VALUE;
  return p < 0.0001 ? '< 0.0001' : formatNumber(p, { digits: 4 });
}

/** The sample-ratio check in plain words. */
export function srmText(r: Pick<Results, 'srm' | 'arms'>): string {
  if (!r.srm) return 'no sample-ratio check (fewer than two planned arms or no units yet)';
  const p = pValueText(r.srm.p_value);
  if (r.srm.mismatch)
    return `sample ratio MISMATCH (p = ${p}): the arms' sizes are not the planned split, so assignment may be broken and the results biased`;
  return `sample ratio OK (p = ${p})`;
}

const capitalised = (s: string) => (s ? `${s[0]?.toUpperCase()}${s.slice(1)}` : s);

/** The effect the headline speaks of: the primary's first comparison (or RMST difference), in its scale. */
export interface HeadlineEffect {
  arm: string;
  effect: number;
  ci: [number, number] | null;
  difference: 'relative' | 'absolute';
  unit: string;
  level: string;
  /** The control's and the arm's own values (a share, money; RMST days), for "from … to …". */
  values: [number | null, number | null];
}

export function headlineEffect(r: Results): HeadlineEffect | null {
  const o = primaryOf(r);
  if (!o) return null;
  if (o.stats) {
    const c = o.stats.comparisons[0];
    if (!c || c.effect === null) return null;
    return {
      arm: c.arm,
      effect: c.effect,
      ci: c.ci,
      difference: o.stats.difference,
      unit: outcomeUnit(o),
      level: levelText(o.stats.alpha, o.stats.method),
      values: [o.stats.arms[0]?.value ?? null, o.stats.arms.find((a) => a.name === c.arm)?.value ?? null],
    };
  }
  const d = o.survival?.rmst[0];
  if (!d) return null;
  return {
    arm: d.arm,
    effect: d.difference,
    ci: d.ci,
    difference: 'absolute',
    unit: 'days',
    level: levelText(r.plan.alpha, 'fixed_horizon'),
    values: [
      o.survival?.arms[0]?.rmst?.rmst ?? null,
      o.survival?.arms.find((a) => a.name === d.arm)?.rmst?.rmst ?? null,
    ],
  };
}

/** The headline effect as the summary cards show it, signed: "-75.9%", "+4.9 days". */
export function headlineEffectText(r: Results, money: FormatOptions = {}): string {
  const h = headlineEffect(r);
  return h ? effectText(h.effect, h.difference, h.unit, money) : NO_VALUE;
}

/** The headline interval as the summary cards show it, signed: "-138.8% to -13.0%". */
export function headlineIntervalText(r: Results, money: FormatOptions = {}): string {
  const h = headlineEffect(r);
  return h ? intervalText(h.ci, h.difference, h.unit, money) : NO_VALUE;
}

/**
 * The page's first sentence: what the treatment did to the primary outcome with its interval and the arms'
 * values, the sample ratio, and the customers still in their window. "Treatment lowered churn within 90 days
 * by 75.9% (95% always-valid CI 13.0% to 138.8%), from 3.8% to 0.9%; sample ratio OK (p = 0.7003); 12
 * customers still in their window."
 */
export function headline(r: Results, money: FormatOptions = {}): string {
  const o = primaryOf(r);
  const srm = srmText(r);
  if (!o) return `Nothing measured yet: the plan names no outcome this analysis knows; ${srm}.`;
  const label = outcomeLabel(o.spec);
  const h = headlineEffect(r);
  const parts: string[] = [];
  if (!h) {
    const why = o.messages[0] ?? o.stats?.comparisons[0]?.messages[0];
    parts.push(`No estimate yet for ${label}${why ? ` (${why})` : ''}`);
  } else {
    const down = h.effect < 0;
    const verb = h.effect === 0 ? 'did not move' : down ? 'lowered' : 'raised';
    // The interval of the move named: a reduction's ends are reductions too.
    const ci = h.ci ? (down ? [-h.ci[1], -h.ci[0]] : h.ci) : null;
    const unsure = h.ci && h.ci[0] <= 0 && h.ci[1] >= 0 ? ', which includes no change' : '';
    const interval = ci
      ? ` (${h.level} ${size(ci[0] as number, h.difference, h.unit, money)} to ${size(ci[1] as number, h.difference, h.unit, money)}${unsure})`
      : '';
    const by = h.effect === 0 ? '' : ` by ${size(Math.abs(h.effect), h.difference, h.unit, money)}`;
    const [from, to] = h.values;
    const values =
      from === null || to === null
        ? ''
        : `, from ${formatValue(from, h.unit, money)} to ${formatValue(to, h.unit, money)}`;
    parts.push(`${capitalised(h.arm)} ${verb} ${label}${by}${interval}${values}`);
  }
  parts.push(srm);
  if (o.maturity.excluded > 0)
    parts.push(
      `${formatNumber(o.maturity.excluded)} customer${o.maturity.excluded === 1 ? '' : 's'} still in their window`,
    );
  return `${parts.join('; ')}.`;
}

/** What the primary effect is worth per year, in a sentence. */
export function revenueText(r: Results, money: FormatOptions = {}): string {
  const v = r.revenue;
  const arm = v.arms[0];
  if (v.message || !arm || arm.per_year === null) return v.message ?? 'no estimate of the effect yet';
  // Whole money: a yearly estimate has no meaningful cents.
  const whole = { ...money, digits: 0 };
  const ci = arm.per_year_ci
    ? ` (${levelText(r.plan.alpha, r.plan.method)} ${formatValue(arm.per_year_ci[0], 'currency', whole)} to ${formatValue(arm.per_year_ci[1], 'currency', whole)})`
    : '';
  return `${capitalised(arm.arm)} is worth ${formatValue(arm.per_year, 'currency', whole)} a year${ci} at today's ${formatNumber(v.customers)} paying customers (ARPA ${formatValue(v.arpa, 'currency', money)})`;
}

const DECISION_WORDS: Record<string, string> = { ship: 'Ship', iterate: 'Iterate', stop: 'Stop' };
export const decisionText = (d: string | null | undefined) => (d ? (DECISION_WORDS[d] ?? d) : 'not decided');

/** The customers an outcome leaves out while their window is open, in words; null when none is. */
export function maturityText(o: Outcome): string | null {
  const m = o.maturity;
  if (m.excluded === 0) return null;
  const assigned = m.arms.reduce((s, a) => s + a.assigned, 0);
  const per = m.arms.map((a) => `${a.name} ${formatNumber(a.excluded)}`).join(', ');
  return `${outcomeLabel(o.spec)}: ${formatNumber(m.excluded)} of ${formatNumber(assigned)} customers still in their ${m.window_days}-day window, left out until it closes (${per})`;
}

/** A registry list row's cells. */
export function listCells(e: ExperimentRow): string[] {
  return [
    e.name,
    e.owner ?? NO_VALUE,
    e.status,
    e.registered_after_start ? 'yes' : 'no',
    formatNumber(e.amendments),
    decisionText(e.decision),
  ];
}

/** An outcome's row of the effects table: name, role, each arm's value, effect, interval, p-value. */
export function outcomeCells(o: Outcome, money: FormatOptions = {}): string[] {
  const unit = outcomeUnit(o);
  if (o.stats) {
    const s = o.stats;
    const c = s.comparisons[0];
    const adjusted = o.adjusted.find((a) => a.arm === c?.arm)?.adjusted_p_value;
    return [
      outcomeLabel(o.spec),
      o.role,
      ...s.arms.map((a) => armValue(a.value, o, money)),
      effectText(c?.effect, s.difference, unit, money),
      intervalText(c?.ci, s.difference, unit, money),
      pValueText(adjusted ?? c?.p_value),
    ];
  }
  const sv = o.survival;
  const d = sv?.rmst[0];
  return [
    outcomeLabel(o.spec),
    o.role,
    ...(sv?.arms ?? []).map((a) => formatValue(a.rmst?.rmst, 'days')),
    formatDelta(d?.difference, 'days'),
    d ? `${formatDelta(d.ci[0], 'days')} to ${formatDelta(d.ci[1], 'days')}` : NO_VALUE,
    pValueText(o.adjusted.find((a) => a.arm === d?.arm)?.adjusted_p_value ?? d?.p_value),
  ];
}

/** A CUPED outcome's row: name, θ, variance removed, effect without and with CUPED, balance. */
export function cupedCells(o: Outcome, money: FormatOptions = {}): string[] | null {
  const s = o.stats;
  const c = s?.comparisons[0];
  if (!s?.cuped || !c?.cuped) return null;
  const unit = outcomeUnit(o);
  const b = c.cuped.balance;
  return [
    outcomeLabel(o.spec),
    formatNumber(c.cuped.theta),
    formatPercent(c.cuped.variance_reduction),
    effectText(c.cuped.unadjusted_effect, s.difference, unit, money),
    effectText(c.effect, s.difference, unit, money),
    b === null
      ? 'no pre-period variation'
      : b.p_value < 0.001
        ? `imbalanced (p = ${pValueText(b.p_value)}): distrust the adjustment`
        : `balanced (p = ${pValueText(b.p_value)})`,
  ];
}

const STATUS_WORDS: Record<string, string> = {
  ok: 'ok',
  at_risk: 'at risk',
  violated: 'violated',
  unknown: 'unknown',
};
export const guardrailStatusText = (s: string) => STATUS_WORDS[s] ?? s;

/** A guardrail's row: name, what it must not do and by how much, effect, interval, status. */
export function guardrailCells(o: Outcome, money: FormatOptions = {}): string[] {
  const g = o.guardrail;
  const unit = outcomeUnit(o);
  const s = o.stats;
  const c = s?.comparisons[0];
  const tolerance = g
    ? g.tolerance.kind === 'relative'
      ? formatPercent(g.tolerance.value)
      : formatValue(g.tolerance.value, unit, money)
    : NO_VALUE;
  const effect = s
    ? effectText(c?.effect, s.difference, unit, money)
    : formatDelta(o.survival?.rmst[0]?.difference, 'days');
  const interval = s
    ? intervalText(c?.ci, s.difference, unit, money)
    : intervalText(o.survival?.rmst[0]?.ci, 'absolute', 'days');
  return [
    outcomeLabel(o.spec),
    g ? `${g.must_not} by more than ${tolerance}` : NO_VALUE,
    effect,
    interval,
    g ? guardrailStatusText(g.status) : NO_VALUE,
  ];
}

/** A segment's row: value, units, each arm's value, effect, interval. */
export function segmentCells(
  seg: Results['segments']['breakdowns'][number]['segments'][number],
  o: Pick<Outcome, 'metric' | 'spec'>,
  difference: 'relative' | 'absolute',
  money: FormatOptions = {},
): string[] {
  const unit = outcomeUnit(o);
  const c = seg.comparisons[0];
  return [
    seg.value,
    formatNumber(seg.units),
    ...seg.arms.map((a) => armValue(a.value, o, money)),
    effectText(c?.effect, difference, unit, money),
    intervalText(c?.ci, difference, unit, money),
    // A sentence only when it explains a missing estimate (not, say, that CUPED had nothing to adjust).
    seg.small ? 'too few to read' : c?.ci ? '' : (seg.messages[0] ?? ''),
  ];
}

/** A plan's outcome reference in words: "churn within 90 days (KPI customer_churn_rate)". */
export function refText(ref: OutcomeRef): string {
  const what = ref.outcome ? outcomeLabel(ref.outcome) : null;
  if (what && ref.kpi) return `${what} (KPI ${ref.kpi})`;
  return what ?? (ref.kpi ? `KPI ${ref.kpi}` : NO_VALUE);
}

/** The multiple-testing correction and its family in words. */
export function correctionText(correction: string, scope: string): string {
  if (correction === 'none') return 'no correction';
  const name = correction === 'holm' ? 'Holm' : correction === 'bh' ? 'Benjamini–Hochberg' : correction;
  return `${name} ${scope === 'across_metrics' ? 'across outcomes' : 'within each outcome'}`;
}

/** The plan's fields as label and text, for its definition list. */
export function planCells(p: Plan): [string, string][] {
  const mde = p.minimum_detectable_effect;
  return [
    ['Hypothesis', p.hypothesis],
    ['Owner', p.owner],
    ['Primary outcome', refText(p.primary)],
    ['Secondary outcomes', p.secondary.length ? p.secondary.map(refText).join('; ') : 'none'],
    [
      'Guardrails',
      p.guardrails.length
        ? p.guardrails
            .map(
              (g) =>
                `${refText(g)} must not ${g.must_not ?? 'get worse'} by more than ${g.tolerance.kind === 'relative' ? formatPercent(g.tolerance.value) : formatNumber(g.tolerance.value)}`,
            )
            .join('; ')
        : 'none',
    ],
    ['Arms', p.variants.map((v) => `${v.name} ${formatPercent(v.weight)}`).join(', ')],
    [
      'Minimum detectable effect',
      mde ? (mde.kind === 'relative' ? formatPercent(mde.value) : formatNumber(mde.value)) : 'not stated',
    ],
    [
      'Alpha',
      formatNumber(p.alpha, { digits: Number.isInteger(Number((100 * p.alpha).toPrecision(12))) ? 2 : 3 }),
    ],
    ['Power', formatPercent(p.power)],
    ['Planned sample size', p.planned_sample_size ? formatNumber(p.planned_sample_size) : 'not stated'],
    ['Planned start and end', `${p.planned_start ?? '?'} to ${p.planned_end ?? '?'}`],
    [
      'Method',
      p.analysis.method === 'sequential'
        ? `sequential (always-valid intervals, N* = ${formatNumber(p.analysis.tuning ?? 5000)})`
        : 'fixed horizon (one look at the planned end)',
    ],
    ['CUPED', p.cuped.covariate === 'none' ? 'none' : 'the same outcome before exposure'],
    ['Multiple testing', correctionText(p.multiple_testing.correction, p.multiple_testing.scope)],
    ['Segments', p.segments.length ? p.segments.join(', ') : 'none'],
  ];
}

/** A change of the plan in words: "alpha: 0.05 → 0.1". */
export const changeText = (c: { field: string; before: unknown; after: unknown }) =>
  `${c.field}: ${c.before === null || c.before === undefined ? 'none' : JSON.stringify(c.before)} → ${c.after === null || c.after === undefined ? 'none' : JSON.stringify(c.after)}`;
