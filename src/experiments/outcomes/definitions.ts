// The catalog's definitions an experiment's outcomes follow, taken from the project's catalog (its overrides
// included) exactly as the KPIs that share them read them: the events that make an account active (the
// active-user KPIs, as the lifecycle view reads them), the activation milestones and their window after
// signup (activation milestone completion), and how events are cut into sessions (session frequency).
import { CATALOG, type Catalog } from '../../catalog/catalog.ts';
import { kpiFamilyParams } from '../../compiler/compute.ts';
import { DEFAULT_ACTIVATION_PARAMS } from '../../compiler/kpis/activation.ts';
import { DEFAULT_USAGE_PARAMS } from '../../compiler/kpis/usage.ts';

export interface OutcomeDefinitions {
  /** Events that make an account active on a day (empty: every event). */
  readonly activeEvents: readonly string[];
  readonly activationMilestones: readonly string[];
  /** Days after signup within which every milestone must be done. */
  readonly activationWindowDays: number;
  readonly sessionGapMinutes: number;
  /** The session rollup's key actions (the catalog's; sessions are the same whatever they are). */
  readonly keyActions: readonly string[];
}

export function outcomeDefinitions(catalog: Catalog = CATALOG): OutcomeDefinitions {
  const usage = kpiFamilyParams(catalog, 'stickiness_ratio', DEFAULT_USAGE_PARAMS);
  const sessions = kpiFamilyParams(catalog, 'session_frequency', DEFAULT_USAGE_PARAMS);
  const activation = kpiFamilyParams(catalog, 'activation_milestone_completion', DEFAULT_ACTIVATION_PARAMS);
  return {
    activeEvents: usage.activeEvents,
    activationMilestones: activation.activationMilestones,
    activationWindowDays: activation.activationWindowDays,
    sessionGapMinutes: sessions.sessionGapMinutes,
    keyActions: sessions.keyActions,
  };
}
