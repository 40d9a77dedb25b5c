// The experiment statistics' public surface, for the library entry point (src/index.ts).
export {
  type ArmResult,
  analyzeMetric,
  type Comparison,
  type ComparisonFlag,
  type MetricStats,
  type MetricStatsInput,
} from './analyze.ts';
export { BALANCE_ALPHA, type CupedHealth } from './cuped-health.ts';
export type { Difference, EffectMoments } from './effect.ts';
export type { MetricKind } from './estimates.ts';
export { bayesianEffect, type GaussianPrior, sequentialTest, welchTest } from './inference.ts';
export { type MetricStatsJson, MetricStatsSchema, parseMetricStats } from './input.ts';
export type { ArmSums } from './moments.ts';
export {
  type Adjustment,
  type AdjustmentScope,
  adjustComparisons,
  adjustPValues,
} from './multiple-testing.ts';
export { type PowerPlan, power, type SampleSize, sampleSize } from './power.ts';
export { SRM_ALPHA, type SrmPeriod, type SrmResult, sampleRatioMismatch } from './srm.ts';
export { compareSurvival, type RmstComparison, rmstDifference, type SurvivalComparison } from './survival.ts';
