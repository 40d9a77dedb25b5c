// The registry's public surface, for the library entry point (src/index.ts).
export { checkPlan, type PlanContext, type PlanProblem, PlanProblemsError, parsePlan } from './check.ts';
export { diffPlans, type PlanChange } from './diff.ts';
export { planHash, planJson } from './hash.ts';
export {
  type Guardrail,
  type OutcomeRef,
  PLAN_DEFAULTS,
  type Plan,
  type PlanDefault,
  type PlanInput,
  type PlannedOutcome,
  PlanSchema,
  plannedOutcomes,
} from './plan.ts';
export { type PlanFile, parsePlanFile, readPlanFile } from './plan-file.ts';
export { type ExperimentRow, loadPreRegistration } from './pre-registration.ts';
export {
  amendPlan,
  DECISIONS,
  type Decision,
  type DecisionRecord,
  decideExperiment,
  type ExperimentRecord,
  type ExperimentStatus,
  listExperiments,
  type PlanVersion,
  type RegistrationResult,
  type RegistryContext,
  registerPlan,
  showExperiment,
} from './registry.ts';
export { resultSummary } from './result-summary.ts';
export { planJsonSchema } from './write-schema.ts';
