// The models' public surface, for the library entry point (src/index.ts).
export {
  type BgnbdFit,
  type BgnbdParams,
  bgnbdExpectedPurchases,
  bgnbdExpectedPurchasesNew,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  fitBgnbd,
  type RfmRow,
} from './bgnbd.ts';
export { type ClvHorizon, customerLifetimeValue, discountedExpectedPurchases } from './clv.ts';
export {
  fitDiscreteHazard,
  type HazardCell,
  type HazardFit,
  type HazardSpec,
} from './discrete-hazard.ts';
export {
  auc,
  brierScore,
  type ReliabilityBin,
  reliabilityTable,
} from './discrimination.ts';

export type { FitOptions, FittedParameters } from './fit.ts';
export {
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  gammaGammaExpectedSpend,
  gammaGammaMeanSpend,
  type SpendRow,
} from './gamma-gamma.ts';
export {
  type IntervalScale,
  type KaplanMeier,
  kaplanMeier,
  kaplanMeierFromCounts,
  type Observation,
  restrictedMean,
  survivalAt,
} from './kaplan-meier.ts';
export { type LogRank, logRankFromCounts, logRankTest } from './log-rank.ts';
export {
  fitLogistic,
  type LogisticCoefficient,
  type LogisticFit,
  type LogisticInput,
  logisticProbability,
} from './logistic.ts';
export {
  fitSbg,
  projectSbg,
  type SbgFit,
  type SbgParams,
  sbgDiscountedLifetime,
  sbgDiscountedResidualLifetime,
  sbgExpectedLifetime,
  sbgRetentionRate,
  sbgSurvival,
} from './sbg.ts';
