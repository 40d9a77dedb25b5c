// Where the KPI tree is an identity, it decomposes exactly: each parent value is the sum of its terms, with
// the residual shown so anyone can see it is zero (to rounding):
//   NRR       = 1 + expansion/S − contraction/S − churn/S            (S: MRR at the period's start)
//   MRR (end) = S + new + reactivation + expansion − contraction − churn
//   retention = Σ_g (S_g / S) × retention_g                          (g: the segments of one dimension)
// Pure arithmetic on the MRR bridge and KPI rows; the queries are tree-values.ts's.
import type { MrrBridgeRow } from '../compiler/views/mrr-bridge.ts';
import { formatPercent } from '../results/format.ts';
import type { KpiResult } from '../results/kpi-result.ts';

export interface IdentityTerm {
  readonly label: string;
  readonly value: number;
}

export interface TreeIdentity {
  readonly kpi: string;
  readonly formula: string;
  /** The catalog unit of the KPI, its terms, sum and residual: 'rate' (NRR, retention) or 'currency' (MRR). */
  readonly unit: 'rate' | 'currency';
  /** The KPI's own value, as the catalog computes it. */
  readonly value: number | null;
  readonly terms: readonly IdentityTerm[];
  readonly sum: number;
  /** value − sum: zero, up to floating-point rounding, whenever the identity holds. */
  readonly residual: number | null;
}

const identity = (
  kpi: string,
  formula: string,
  unit: TreeIdentity['unit'],
  value: number | null,
  terms: IdentityTerm[],
): TreeIdentity => {
  const sum = terms.reduce((s, t) => s + t.value, 0);
  return { kpi, formula, unit, value, terms, sum, residual: value === null ? null : value - sum };
};

/** NRR from the bridge's expansion, contraction and churn; null when no revenue was in force at the start. */
export function nrrIdentity(nrr: number | null, bridge: MrrBridgeRow): TreeIdentity | null {
  const s = bridge.start_mrr;
  if (s === 0) return null;
  return identity('net_revenue_retention', '1 + expansion/S − contraction/S − churn/S', 'rate', nrr, [
    { label: 'revenue kept (1)', value: 1 },
    { label: '+ expansion / start MRR', value: bridge.expansion_mrr / s },
    { label: '− contraction / start MRR', value: -bridge.contraction_mrr / s },
    { label: '− churn / start MRR', value: -bridge.churn_mrr / s },
  ]);
}

/** MRR at the period's end from its start and the bridge's movements. */
export function mrrIdentity(mrr: number | null, bridge: MrrBridgeRow): TreeIdentity {
  return identity('mrr', 'start + new + reactivation + expansion − contraction − churn', 'currency', mrr, [
    { label: 'MRR at start', value: bridge.start_mrr },
    { label: '+ new', value: bridge.new_mrr },
    { label: '+ reactivation', value: bridge.reactivation_mrr },
    { label: '+ expansion', value: bridge.expansion_mrr },
    { label: '− contraction', value: -bridge.contraction_mrr },
    { label: '− churn', value: -bridge.churn_mrr },
  ]);
}

/**
 * A rate as its segments' rates weighted by their share of the denominator. `segments` are one period's rows
 * of the KPI broken down by `dimension`; `overall` is the same period without breakdown.
 */
export function mixIdentity(
  overall: KpiResult | undefined,
  segments: readonly KpiResult[],
  dimension: string,
): TreeIdentity | null {
  const total = segments.reduce((s, r) => s + (r.denominator ?? 0), 0);
  if (!overall || total === 0) return null;
  const terms = segments
    .filter((r) => (r.denominator ?? 0) > 0 && r.value !== null)
    .sort((a, b) => (b.denominator ?? 0) - (a.denominator ?? 0))
    .map((r) => {
      const share = (r.denominator ?? 0) / total;
      return {
        label: `${dimension}=${r.segment}: share ${formatPercent(share)} × rate ${formatPercent(r.value, { digits: 2 })}`,
        value: share * (r.value ?? 0),
      };
    });
  return identity(overall.kpi, `Σ over ${dimension} of share × rate`, 'rate', overall.value, terms);
}
