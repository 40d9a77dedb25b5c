// The KPI tree: edges from leading indicators to lagging ones and on to revenue, each with the causal
// hypothesis it stands for, in words. The tree shipped here is a starting point; a project's `tree:` section
// adds its own edges (or replaces these with `replace_defaults: true`). Edges are hypotheses to test, not
// identities: the exact decompositions (NRR, MRR, retention by segment mix) live in tree-identities.ts.
import { z } from 'zod';
import type { KpiDefinition } from '../catalog/definition.ts';
import type { ConfigProblem, PathSegment } from '../catalog/problems.ts';

export const TreeEdgeSchema = z.strictObject({
  from: z.string().describe('The driving KPI (usually leading)'),
  to: z.string().describe('The KPI it is expected to move (usually lagging, or revenue)'),
  direction: z
    .enum(['same', 'opposite'])
    .default('same')
    .describe('same: when `from` rises, `to` is expected to rise; opposite: to fall'),
  hypothesis: z.string().min(1).describe('Why `from` should move `to`, in words'),
});
export type TreeEdge = z.infer<typeof TreeEdgeSchema>;

export const TreeSectionSchema = z.strictObject({
  replace_defaults: z.boolean().default(false).describe('Drop the shipped edges and keep only these'),
  edges: z.array(TreeEdgeSchema).default([]).describe('Edges of the KPI tree'),
});

const edge = (from: string, to: string, direction: TreeEdge['direction'], hypothesis: string): TreeEdge => ({
  from,
  to,
  direction,
  hypothesis,
});

/** The shipped tree: from first value to retention, and from retention to revenue. */
export const DEFAULT_TREE: readonly TreeEdge[] = [
  edge(
    'drop_off_rate',
    'activation_milestone_completion',
    'opposite',
    'Every sign-up lost between onboarding steps is one fewer account that can reach the activation milestones.',
  ),
  edge(
    'activation_milestone_completion',
    'activation_cohort_retention',
    'same',
    'Accounts that complete the milestones have seen what the product is for, so more of them are still active weeks later.',
  ),
  edge(
    'activation_cohort_retention',
    'customer_retention_rate',
    'same',
    'Accounts that keep using the product in their first weeks are the ones that keep paying.',
  ),
  edge(
    'feature_adoption_rate',
    'customer_retention_rate',
    'same',
    'Each feature a customer relies on is one more reason not to leave.',
  ),
  edge(
    'session_frequency',
    'customer_engagement_score',
    'same',
    'More frequent sessions are the raw material of engagement.',
  ),
  edge(
    'engagement_rate',
    'customer_churn_rate',
    'opposite',
    'Customers who are active in a period rarely cancel at its end; usage fades before a cancellation.',
  ),
  edge(
    'customer_engagement_score',
    'customer_churn_rate',
    'opposite',
    'A falling engagement score is the earliest behavioural sign of a customer on the way out.',
  ),
  edge(
    'net_promoter_score',
    'customer_churn_rate',
    'opposite',
    'Detractors cancel more often than promoters; sentiment moves before the decision.',
  ),
  edge(
    'customer_satisfaction_score',
    'customer_churn_rate',
    'opposite',
    'Unresolved dissatisfaction after support contacts turns into cancellations.',
  ),
  edge(
    'check_in_impact_score',
    'customer_retention_rate',
    'same',
    'Regular check-ins catch problems while they can still be fixed.',
  ),
  edge(
    'customer_renewal_rate',
    'customer_retention_rate',
    'same',
    'For contract customers, retention is decided at renewal.',
  ),
  edge(
    'customer_downgrade_rate',
    'revenue_churn_rate',
    'same',
    'Every downgrade is contraction revenue, and downgraders churn more often later.',
  ),
  edge(
    'customer_churn_rate',
    'revenue_churn_rate',
    'same',
    'A cancelled customer takes all of their recurring revenue with them.',
  ),
  edge(
    'customer_retention_rate',
    'net_revenue_retention',
    'same',
    'Revenue can only be kept, or grown, on customers who stay.',
  ),
  edge(
    'expansion_revenue',
    'net_revenue_retention',
    'same',
    'Growth of existing customers is the part of NRR above its losses.',
  ),
  edge(
    'revenue_churn_rate',
    'net_revenue_retention',
    'opposite',
    'Revenue lost to cancellations and contractions is what NRR subtracts.',
  ),
  edge(
    'net_revenue_retention',
    'mrr',
    'same',
    'With new business unchanged, MRR grows by what the existing base keeps and adds.',
  ),
  edge(
    'customer_retention_rate',
    'customer_lifetime_value',
    'same',
    'A lower churn rate lengthens the expected lifetime that lifetime value is built on.',
  ),
  edge('mrr', 'revenue_growth', 'same', 'Recurring revenue is the bulk of recognised revenue.'),
];

/** Reads the project's `tree:` section onto the shipped tree; problems are collected with their path. */
export function readTree(
  definitions: readonly KpiDefinition[],
  raw: unknown,
  problems: ConfigProblem[],
): TreeEdge[] {
  if (raw === undefined || raw === null) return [...DEFAULT_TREE];
  const parsed = TreeSectionSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push({
        path: ['tree', ...issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p))],
        message: issue.message,
        hint: 'write tree: {edges: [{from: ID, to: ID, hypothesis: TEXT}]}',
      });
    return [...DEFAULT_TREE];
  }
  const ids = new Set(definitions.map((d) => d.id));
  const own: TreeEdge[] = [];
  parsed.data.edges.forEach((e, i) => {
    let ok = true;
    for (const end of ['from', 'to'] as const)
      if (!ids.has(e[end])) {
        problems.push({
          path: ['tree', 'edges', i, end],
          message: `no KPI '${e[end]}' in the catalog`,
          hint: 'run `tenure catalog`',
        });
        ok = false;
      }
    if (ok && e.from === e.to) {
      problems.push({
        path: ['tree', 'edges', i, 'to'],
        message: 'an edge joins two different KPIs',
        hint: 'remove the edge or change one end',
      });
      ok = false;
    }
    if (ok) own.push(e);
  });
  const base = parsed.data.replace_defaults ? [] : DEFAULT_TREE;
  // A project's edge between the same two KPIs replaces the shipped one (its hypothesis wins).
  const ownPairs = new Set(own.map((e) => `${e.from}>${e.to}`));
  const tree = [...base.filter((e) => !ownPairs.has(`${e.from}>${e.to}`)), ...own];
  const cycle = findCycle(tree);
  if (cycle)
    problems.push({
      path: ['tree', 'edges'],
      message: `the edges make a cycle: ${cycle.join(' → ')}`,
      hint: 'a tree flows one way, from leading to lagging; remove one of these edges',
    });
  return tree;
}

/** A cycle among the edges, as the KPIs along it, or undefined. */
export function findCycle(edges: readonly TreeEdge[]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const to of next.get(node) ?? []) {
      const found = visit(to);
      if (found) return found;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of next.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

/** Depth of each KPI: 0 for those nothing drives, else one more than the deepest driver (for layout). */
export function depths(edges: readonly TreeEdge[]): Map<string, number> {
  const into = new Map<string, string[]>();
  const nodes = new Set<string>();
  for (const e of edges) {
    into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
    nodes.add(e.from).add(e.to);
  }
  const depth = new Map<string, number>();
  const of = (node: string): number => {
    const known = depth.get(node);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(into.get(node) ?? []).map(of)) + 1;
    depth.set(node, d);
    return d;
  };
  for (const n of nodes) of(n);
  return depth;
}
