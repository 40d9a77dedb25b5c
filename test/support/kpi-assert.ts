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

/**
 * `actual` deep-equals `expected` except that numbers need only agree to a relative `tolerance`: sums the
 * engine spreads over threads may differ in their last bits from one run to the next.
 */
export function sameNumbers(actual: unknown, expected: unknown, tolerance = 1e-9, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= tolerance * scale, `${path}: ${actual} ≈ ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object') {
    assert.deepEqual(actual, expected, path);
    return;
  }
  assert.equal(Array.isArray(actual), Array.isArray(expected), path);
  const keys = Object.keys(expected);
  assert.deepEqual(Object.keys(actual).sort(), [...keys].sort(), path);
  for (const k of keys)
    sameNumbers(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      tolerance,
      `${path}.${k}`,
    );
}
