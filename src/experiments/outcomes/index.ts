// The outcomes' and the analysis's public surface, for the library entry point (src/index.ts).
export {
  type AnalysisOutcome,
  type AnalysisPlan,
  type AnalyzeOptions,
  analyzeExperiment,
  type ExperimentAnalysis,
  type ExperimentInfo,
  type OutcomeResult,
  type SurvivalResult,
} from '../analysis.ts';
export { type OutcomeDefinitions, outcomeDefinitions } from './definitions.ts';
export {
  assignmentCounts,
  type MeasuredOutcome,
  type MeasuredSurvival,
  measureOutcomes,
  measureSurvival,
} from './measure.ts';
export {
  defaultOutcomeForKpi,
  OUTCOME_KINDS,
  OUTCOME_METRIC,
  type OutcomeKind,
  type OutcomeSpec,
  OutcomeSpecSchema,
  outcomeKey,
  parseOutcomeArg,
} from './spec.ts';
