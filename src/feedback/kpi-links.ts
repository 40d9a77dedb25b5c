// Which leading KPIs a theme should move, when tenure.yaml does not say: a small table from the words of
// common feedback topics to catalog KPI ids. A theme is linked through every row one of its top terms (or
// seed keywords) belongs to, by stem. Only ids the catalog holds are returned, so a project that drops a
// KPI loses the link rather than pointing at nothing.
import { keywordStems } from './text.ts';

export interface KpiLink {
  topic: string;
  words: readonly string[];
  kpis: readonly string[];
  /** Why the topic should move those KPIs, in words (docs/feedback.md repeats it). */
  why: string;
}

export const KPI_LINKS: readonly KpiLink[] = [
  {
    topic: 'price',
    words: [
      'price',
      'pricing',
      'expensive',
      'cost',
      'costly',
      'budget',
      'discount',
      'cheaper',
      'billing',
      'invoice',
    ],
    kpis: ['customer_downgrade_rate', 'downgrade_to_churn_conversion_rate'],
    why: 'accounts that find the price too high downgrade first, and downgrades lead to churn',
  },
  {
    topic: 'speed and reliability',
    words: [
      'slow',
      'speed',
      'load',
      'loading',
      'timeout',
      'lag',
      'crash',
      'bug',
      'error',
      'export',
      'report',
    ],
    kpis: ['feature_adoption_rate', 'meaningful_session_frequency', 'customer_engagement_score'],
    why: 'slow or failing features are used less: adoption, meaningful sessions and engagement fall',
  },
  {
    topic: 'support',
    words: ['support', 'ticket', 'response', 'reply', 'answer', 'agent', 'wait', 'help'],
    kpis: ['customer_satisfaction_score', 'check_in_impact_score'],
    why: 'support answers show in CSAT after check-ins and in what check-ins do for retention',
  },
  {
    topic: 'integrations',
    words: [
      'integration',
      'integrate',
      'connect',
      'connector',
      'api',
      'sync',
      'salesforce',
      'hubspot',
      'slack',
      'zapier',
      'import',
    ],
    kpis: ['feature_adoption_rate', 'activation_milestone_completion'],
    why: 'a missing integration keeps accounts from adopting the product into their workflow and from activating',
  },
  {
    topic: 'onboarding',
    words: ['onboarding', 'setup', 'confusing', 'learn', 'training', 'documentation', 'docs', 'start'],
    kpis: ['activation_milestone_completion', 'time_to_exceed_value'],
    why: 'a hard start delays the milestones of activation and the time to first value',
  },
];

const STEMS = KPI_LINKS.map((l) => new Set(keywordStems(l.words)));

/** The KPI ids a theme with these term stems should move, in table order, only ids of the catalog. */
export function linkedKpis(stems: readonly string[], kpiIds: ReadonlySet<string>): string[] {
  const out: string[] = [];
  KPI_LINKS.forEach((link, i) => {
    if (!stems.some((s) => STEMS[i]?.has(s))) return;
    for (const id of link.kpis) if (kpiIds.has(id) && !out.includes(id)) out.push(id);
  });
  return out;
}
