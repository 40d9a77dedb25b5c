// Why a KPI moved between two periods: the change split into segment contributions over every breakdown
// dimension. For a KPI that is a ratio of segment sums (value = Σ N_s / Σ D_s), the value is Σ w_s·r_s with
// w_s = D_s / D the segment's share and r_s = N_s / D_s its rate, and the change from P to Q splits exactly:
//   rate effect_s = ½(w_s,P + w_s,Q)·(r_s,Q − r_s,P)     (the segment's own rate moved)
//   mix effect_s  = ½(r_s,P + r_s,Q)·(w_s,Q − w_s,P)     (the segment's share moved)
// whose sum over segments is the total change (ab − cd = ½(a+c)(b−d) + ½(b+d)(a−c)). A segment absent in
// one period takes its rate from the other (its rate effect is 0; its mix effect is its whole term). For a
// KPI that is a sum over segments (MRR, revenue) each segment contributes its own change. A KPI that is
// neither (a median, a CLV) is reported per segment without a split.
// Segments are ranked by their excess contribution: what they explain beyond their size (contribution −
// average share × total change). By plain contribution a dimension whose one segment holds nearly every
// customer ("not referred") would always come first, explaining nothing.
// Only segments present on both sides are ranked: one that exists in a single period has no rate to
// compare, only its arrival or departure. A dimension with no segment on both sides is one the period
// determines for this KPI (a KPI over each period's own signups, broken down by signup cohort: every
// period holds another cohort), so its rate and mix effects mean nothing: it is reported as fixed by the
// period, with no split and nothing ranked.
import type { Catalog } from '../catalog/catalog.ts';
import { CATALOG, getDefinition } from '../catalog/catalog.ts';
import { activityEventsFor, computeKpis } from '../compiler/compute.ts';
import { DIMENSIONS } from '../compiler/dimensions.ts';
import type { SegmentFilter } from '../compiler/filters.ts';
import type { Grain } from '../compiler/periods.ts';
import { RunRollups } from '../compiler/rollups/run-rollups.ts';
import type { KpiResult } from '../results/kpi-result.ts';
import type { Engine } from '../warehouse/engine.ts';

export interface RootCauseRequest {
  readonly kpi: string;
  readonly grain: Grain;
  /** A day in the earlier period (P) and one in the later (Q), YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  /** The breakdowns to split over (every named dimension by default). */
  readonly dimensions?: readonly string[];
  /** Explain the change inside one slice (a segment's target): filtered dimensions are not split over. */
  readonly filters?: readonly SegmentFilter[];
  readonly asOf?: string;
  readonly catalog?: Catalog;
}

export interface SegmentContribution {
  readonly dimension: string;
  readonly segment: string;
  readonly before: number | null;
  readonly after: number | null;
  /** Shares of the denominator (ratio KPIs). */
  readonly share_before: number | null;
  readonly share_after: number | null;
  readonly rate_effect: number;
  readonly mix_effect: number;
  /** rate_effect + mix_effect: this segment's part of the total change. */
  readonly contribution: number;
  /** contribution − the segment's average share × the total change: what it explains beyond its size. */
  readonly excess: number;
  /** Present in both periods (a denominator, or a non-zero value); only such segments are ranked. */
  readonly on_both_sides: boolean;
}

export interface DimensionSplit {
  readonly dimension: string;
  /**
   * 'ratio': rate and mix effects; 'sum': each segment's own change; 'none': not decomposable;
   * 'fixed_by_period': no segment is present in both periods (the period determines the segment).
   */
  readonly kind: 'ratio' | 'sum' | 'none' | 'fixed_by_period';
  /** Σ contributions, equal to the total change when the split is exact. */
  readonly explained: number | null;
  readonly segments: SegmentContribution[];
}

export interface RootCause {
  readonly kpi: string;
  readonly before: KpiResult | null;
  readonly after: KpiResult | null;
  readonly change: number | null;
  readonly dimensions: DimensionSplit[];
  /** The segments that explain most beyond their size, across every dimension, in the change's direction. */
  readonly top: SegmentContribution[];
}

const TOLERANCE = 1e-9;

/** Whether the overall value is Σ numerators / Σ denominators (or Σ values) of the segments. */
function kindOf(overall: KpiResult, segments: readonly KpiResult[]): 'ratio' | 'sum' | 'none' {
  const v = overall.value;
  if (v === null) return 'none';
  const near = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  const num = segments.reduce((s, r) => s + (r.numerator ?? 0), 0);
  const den = segments.reduce((s, r) => s + (r.denominator ?? 0), 0);
  const ratioOk = segments.every((r) => r.denominator !== null && r.numerator !== null);
  if (
    ratioOk &&
    overall.denominator !== null &&
    den !== 0 &&
    near(v, num / den) &&
    near(overall.denominator, den)
  )
    return 'ratio';
  const sum = segments.reduce((s, r) => s + (r.value ?? 0), 0);
  if (overall.denominator === null && near(v, sum)) return 'sum';
  return 'none';
}

function split(
  dimension: string,
  p: readonly KpiResult[],
  q: readonly KpiResult[],
  kind: DimensionSplit['kind'],
  change: number,
): SegmentContribution[] {
  const names = [...new Set([...p, ...q].map((r) => r.segment))].sort();
  const at = (rows: readonly KpiResult[], s: string) => rows.find((r) => r.segment === s);
  const total = (rows: readonly KpiResult[]) => rows.reduce((s, r) => s + (r.denominator ?? 0), 0);
  const dP = total(p);
  const dQ = total(q);
  const valueTotal = (rows: readonly KpiResult[]) => rows.reduce((s, r) => s + Math.abs(r.value ?? 0), 0);
  const vP = valueTotal(p);
  const vQ = valueTotal(q);
  const present = (r: KpiResult | undefined) =>
    r !== undefined && (kind === 'ratio' ? (r.denominator ?? 0) > 0 : r.value !== null && r.value !== 0);
  return names.map((segment): SegmentContribution => {
    const a = at(p, segment);
    const b = at(q, segment);
    const onBothSides = present(a) && present(b);
    if (kind === 'sum' || kind === 'none') {
      const own = kind === 'sum' ? (b?.value ?? 0) - (a?.value ?? 0) : 0;
      const sP = vP > 0 ? Math.abs(a?.value ?? 0) / vP : 0;
      const sQ = vQ > 0 ? Math.abs(b?.value ?? 0) / vQ : 0;
      return {
        dimension,
        segment,
        before: a?.value ?? null,
        after: b?.value ?? null,
        share_before: sP,
        share_after: sQ,
        rate_effect: own,
        mix_effect: 0,
        contribution: own,
        excess: own - ((sP + sQ) / 2) * change,
        on_both_sides: onBothSides,
      };
    }
    const wP = dP > 0 ? (a?.denominator ?? 0) / dP : 0;
    const wQ = dQ > 0 ? (b?.denominator ?? 0) / dQ : 0;
    const rate = (r: KpiResult | undefined) =>
      r?.denominator && r.numerator !== null ? r.numerator / r.denominator : null;
    const rP0 = rate(a);
    const rQ0 = rate(b);
    const rP = rP0 ?? rQ0 ?? 0;
    const rQ = rQ0 ?? rP0 ?? 0;
    const rateEffect = ((wP + wQ) / 2) * (rQ - rP);
    const mixEffect = ((rP + rQ) / 2) * (wQ - wP);
    return {
      dimension,
      segment,
      before: rP0,
      after: rQ0,
      share_before: wP,
      share_after: wQ,
      rate_effect: rateEffect,
      mix_effect: mixEffect,
      contribution: rateEffect + mixEffect,
      excess: rateEffect + mixEffect - ((wP + wQ) / 2) * change,
      on_both_sides: onBothSides,
    };
  });
}

export async function rootCause(engine: Engine, req: RootCauseRequest): Promise<RootCause> {
  const catalog = req.catalog ?? CATALOG;
  getDefinition(req.kpi, catalog);
  const filters = req.filters ?? [];
  const dimensions = (req.dimensions ?? Object.keys(DIMENSIONS)).filter(
    (d) => !filters.some((f) => f.by === d),
  );
  return engine.session(async (session) => {
    const rollups = new RunRollups(session, activityEventsFor([req.kpi], catalog));
    try {
      const run = async (day: string, by?: string) =>
        (
          await computeKpis(
            session,
            { kpis: [req.kpi], from: day, to: day, grain: req.grain, by, filters, asOf: req.asOf, catalog },
            rollups,
          )
        ).filter((r) => r.kpi === req.kpi);
      const [before] = await run(req.from);
      const [after] = await run(req.to);
      const change = before?.value != null && after?.value != null ? after.value - before.value : null;
      const splits: DimensionSplit[] = [];
      for (const dimension of dimensions) {
        const p = await run(req.from, dimension);
        const q = await run(req.to, dimension);
        const kindP = before ? kindOf(before, p) : 'none';
        const kindQ = after ? kindOf(after, q) : 'none';
        const kind = kindP === kindQ ? kindP : 'none';
        const segments = split(dimension, p, q, kind, change ?? 0).sort(
          (x, y) => Math.abs(y.excess) - Math.abs(x.excess) || x.segment.localeCompare(y.segment),
        );
        const fixed = segments.length > 0 && !segments.some((c) => c.on_both_sides);
        splits.push({
          dimension,
          kind: fixed ? 'fixed_by_period' : kind,
          explained: kind === 'none' || fixed ? null : segments.reduce((s, c) => s + c.contribution, 0),
          segments,
        });
      }
      const sign = Math.sign(change ?? 0);
      const top = splits
        .filter((d) => d.kind === 'ratio' || d.kind === 'sum')
        .flatMap((d) => d.segments)
        .filter((c) => c.on_both_sides && (sign === 0 || Math.sign(c.excess) === sign))
        .sort((x, y) => Math.abs(y.excess) - Math.abs(x.excess))
        .slice(0, 5);
      return { kpi: req.kpi, before: before ?? null, after: after ?? null, change, dimensions: splits, top };
    } finally {
      await rollups.drop();
    }
  });
}
