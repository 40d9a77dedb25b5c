// The KPI tree: leading KPIs on the left, lagging ones and revenue on the right, one column per depth;
// each node shows its value, the change from the period before and its status against the target; edges
// carry the hypothesis (hover) and are dashed where the driver moves the other way. Below, the identities
// that decompose NRR, MRR and retention exactly, with their residuals.

import { query } from '../api.ts';
import { DimensionSelect } from '../components/dimension-select.tsx';
import { Show } from '../components/states.tsx';
import { StatusBadge } from '../components/status.tsx';
import { useMoney } from '../currency.ts';
import { formatChange, formatTerm, formatValue, periodLabel } from '../format.ts';
import type { TreeNode, TreeView } from '../goals-types.ts';
import { onLink } from '../router.ts';
import { useApi } from '../use-api.ts';

const W = 210;
const H = 78;
const GAP_X = 70;
const GAP_Y = 16;

export function TreePage({ params }: { params: URLSearchParams }) {
  const mixBy = params.get('mix_by') ?? undefined;
  const tree = useApi<TreeView>(`/api/tree${query({ mix_by: mixBy })}`);
  return (
    <section>
      <h1>KPI tree</h1>
      <div class="controls">
        <DimensionSelect label="Retention by" param="mix_by" value={mixBy ?? 'plan'} />
      </div>
      <Show loaded={tree} what="the KPI tree" ready={(t) => <Tree tree={t} />} />
    </section>
  );
}

/**
 * Nodes per column (depth), each column ordered by the mean position of the nodes it is joined to — the
 * drivers for later columns, then the first column by what it drives — so that edges cross less.
 */
function orderColumns(tree: TreeView): Map<number, TreeNode[]> {
  const columns = new Map<number, TreeNode[]>();
  for (const n of tree.nodes) columns.set(n.depth, [...(columns.get(n.depth) ?? []), n]);
  const row = new Map<string, number>();
  const place = (nodes: TreeNode[]) => {
    nodes.forEach((n, i) => {
      row.set(n.kpi, i);
    });
  };
  const meanRow = (kpi: string, ends: 'from' | 'to') => {
    const rows = tree.edges
      .filter((e) => e[ends === 'from' ? 'to' : 'from'] === kpi)
      .map((e) => row.get(e[ends]))
      .filter((r): r is number => r !== undefined);
    return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
  };
  const depthsInOrder = [...columns.keys()].sort((a, b) => a - b);
  for (const d of depthsInOrder) {
    const nodes = columns.get(d) ?? [];
    if (d > 0) nodes.sort((a, b) => meanRow(a.kpi, 'from') - meanRow(b.kpi, 'from'));
    place(nodes);
  }
  const first = columns.get(0) ?? [];
  first.sort((a, b) => meanRow(a.kpi, 'to') - meanRow(b.kpi, 'to'));
  place(first);
  return columns;
}

function Tree({ tree }: { tree: TreeView }) {
  const money = useMoney();
  const columns = orderColumns(tree);
  const at = new Map<string, { x: number; y: number }>();
  for (const [depth, nodes] of columns)
    nodes.forEach((n, i) => {
      at.set(n.kpi, { x: depth * (W + GAP_X), y: i * (H + GAP_Y) });
    });
  const width = columns.size * (W + GAP_X) - GAP_X;
  const height = Math.max(...[...columns.values()].map((c) => c.length)) * (H + GAP_Y) - GAP_Y;
  return (
    <div data-testid="tree" data-ready="true">
      <p class="lede">
        {periodLabel(tree.period_start, tree.grain)} against the period before. Edges are hypotheses to test;
        hover one to read it.
      </p>
      <div class="tree-scroll">
        <div class="tree" style={{ width: `${width}px`, height: `${height}px` }}>
          <svg width={width} height={height} aria-hidden="true">
            {tree.edges.map((e) => {
              const a = at.get(e.from);
              const b = at.get(e.to);
              if (!a || !b) return null;
              const x1 = a.x + W;
              const y1 = a.y + H / 2;
              const x2 = b.x;
              const y2 = b.y + H / 2;
              const mid = (x1 + x2) / 2;
              return (
                <path
                  key={`${e.from}>${e.to}`}
                  data-edge={`${e.from}>${e.to}`}
                  class={`edge ${e.direction}`}
                  d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                >
                  <title>{`${e.from} → ${e.to}: ${e.hypothesis}`}</title>
                </path>
              );
            })}
          </svg>
          {tree.nodes.map((n) => {
            const p = at.get(n.kpi);
            return (
              <a
                key={n.kpi}
                href={`/kpi/${n.kpi}`}
                onClick={onLink}
                class={`node ${n.kind} ${n.status ?? ''}`}
                data-node={n.kpi}
                style={{ left: `${p?.x ?? 0}px`, top: `${p?.y ?? 0}px`, width: `${W}px`, height: `${H}px` }}
              >
                <span class="name">{n.name}</span>
                <span class="value" data-testid="value">
                  {formatValue(n.value, n.unit, money)}
                </span>
                <span class="change">{formatChange(n.value, n.previous, n.unit, money) ?? ''}</span>
                <StatusBadge status={n.status} />
              </a>
            );
          })}
        </div>
      </div>
      <h2>Hypotheses</h2>
      <ul class="hypotheses">
        {tree.edges.map((e) => (
          <li key={`${e.from}>${e.to}`}>
            <code>{e.from}</code> {e.direction === 'opposite' ? '↘' : '↗'} <code>{e.to}</code>: {e.hypothesis}
          </li>
        ))}
      </ul>
      <h2>Exact decompositions</h2>
      {tree.identities.map((i) => (
        <table key={i.kpi} class="identity" data-identity={i.kpi}>
          <caption>
            <code>{i.kpi}</code> = {i.formula}
          </caption>
          <tbody>
            {i.terms.map((t) => (
              <tr key={t.label}>
                <td>{t.label}</td>
                <td class="num">{formatTerm(t.value, i.unit, money)}</td>
              </tr>
            ))}
            <tr class="total">
              <td>sum of terms</td>
              <td class="num" data-testid="sum">
                {formatTerm(i.sum, i.unit, money)}
              </td>
            </tr>
            <tr class="total">
              <td>the KPI as computed</td>
              <td class="num" data-testid="kpi-value">
                {formatTerm(i.value, i.unit, money)}
              </td>
            </tr>
            <tr>
              <td>residual</td>
              <td class="num" data-testid="residual">
                {i.residual === null ? '—' : i.residual.toExponential(1)}
              </td>
            </tr>
          </tbody>
        </table>
      ))}
    </div>
  );
}
