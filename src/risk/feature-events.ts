// The event names the churn-risk features count, taken from the catalog so a project's overrides of the
// activation milestones, key actions and features apply here too.
import { CATALOG, type Catalog, getDefinition } from '../catalog/catalog.ts';
import type { FeatureEvents } from './features-sql.ts';

const paramDefault = (catalog: Catalog, kpi: string, param: string): unknown =>
  getDefinition(kpi, catalog).params[param]?.default;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

export function featureEvents(catalog: Catalog = CATALOG): FeatureEvents {
  const window = paramDefault(catalog, 'activation_milestone_completion', 'activation_window_days');
  return {
    milestones: strings(paramDefault(catalog, 'activation_milestone_completion', 'activation_milestones')),
    activationWindowDays: typeof window === 'number' ? window : 14,
    keyActions: strings(paramDefault(catalog, 'customer_engagement_score', 'key_actions')),
    features: strings(paramDefault(catalog, 'feature_adoption_rate', 'features')),
  };
}
