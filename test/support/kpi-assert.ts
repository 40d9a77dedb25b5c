// Assertions shared by the KPI tests: find one result row, compare numbers to a tolerance.
import assert from 'node:assert/strict';
import type { KpiResult } from '../../src/results/kpi-result.ts';

/** The result row of `kpi` for the period starting at `start` and `segment` ('all' by default). */
export function find(rows: readonly KpiResult[], kpi: string, start: string, segment = 'all'): KpiResult {
  const r = rows.find((x) => x.kpi === kpi && x.period_start === start && x.segment === segment);
  assert.ok(r, `${kpi} ${start} ${segment}`);
  return r;
}

/** `actual` is a number within `tolerance` of `expected` (not null, not NaN). */
export function close(actual: number | null | undefined, expected: number, tolerance = 1e-9): void {
  assert.ok(actual != null && Math.abs(actual - expected) < tolerance, `${actual} ≈ ${expected}`);
}

/** Value, numerator and denominator, for comparing all three at once. */
export const triple = (r: KpiResult) => [r.value, r.numerator, r.denominator];
