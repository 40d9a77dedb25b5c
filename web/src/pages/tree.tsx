// The KPI tree: leading KPIs on the left, lagging ones and revenue on the right, one column per depth;
// each node shows its value, the change from the period before and its status against the target; edges
// carry the hypothesis (hover) and are dashed where the driver moves the other way. The columns share the
// width of the page, names wrapping, so no node is off screen; where the page is too narrow for columns
// (a phone) the tree reads as a list by depth, each node naming what it drives. Below, the hypotheses and,
// folded, the identities that decompose NRR, MRR and retention exactly, with their residuals.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import { query } from '../api.ts';
import { DimensionSelect } from '../components/dimension-select.tsx';
import { Show } from '../components/states.tsx';
import { StatusBadge } from '../components/status.tsx';
import { useMoney } from '../currency.ts';
import { formatChange, formatTerm, formatValue, periodLabel } from '../format.ts';
import type { TreeNode, TreeView } from '../goals-types.ts';
import { onLink } from '../router.ts';
import { useApi } from '../use-api.ts';

/** The narrowest a node can be in columns; below it the tree is a list. */
const MIN_W = 120;
const MAX_W = 220;
/** Room for a name of three lines, the value, the change and the status. */
const H = 112;
const GAP_X = 22;
const GAP_Y = 14;

/** The width of the element `ref` is on, followed as the window resizes. */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

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
  const [ref, available] = useWidth();
  const fits = Math.floor((available - (columns.size - 1) * GAP_X) / columns.size);
  return (
    <div data-testid="tree" data-ready="true" ref={ref}>
      <p class="lede">
        {periodLabel(tree.period_start, tree.grain)} against the period before. Edges are hypotheses to test;
        hover one to read it.
      </p>
      {available === 0 ? null : fits >= MIN_W ? (
        <Columns tree={tree} columns={columns} width={Math.min(MAX_W, fits)} />
      ) : (
        <TreeList tree={tree} columns={columns} />
      )}
      <h2>Hypotheses</h2>
      <ul class="hypotheses">
        {tree.edges.map((e) => (
          <li key={`${e.from}>${e.to}`}>
            <code>{e.from}</code> {e.direction === 'opposite' ? '↘' : '↗'} <code>{e.to}</code>: {e.hypothesis}
          </li>
        ))}
      </ul>
      <details data-testid="identities">
        <summary>Exact decompositions of NRR, MRR and retention, with their residuals</summary>
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
      </details>
    </div>
  );
}

/** The node's content: name, value, change from the period before, status. */
function NodeBody({ n }: { n: TreeNode }) {
  const money = useMoney();
  return (
    <>
      <span class="name">{n.name}</span>
      <span class="value" data-testid="value">
        {formatValue(n.value, n.unit, money)}
      </span>
      <span class="change">{formatChange(n.value, n.previous, n.unit, money) ?? ''}</span>
      <StatusBadge status={n.status} />
    </>
  );
}

function Columns({
  tree,
  columns,
  width: W,
}: {
  tree: TreeView;
  columns: Map<number, TreeNode[]>;
  width: number;
}) {
  const at = new Map<string, { x: number; y: number }>();
  for (const [depth, nodes] of columns)
    nodes.forEach((n, i) => {
      at.set(n.kpi, { x: depth * (W + GAP_X), y: i * (H + GAP_Y) });
    });
  const width = columns.size * (W + GAP_X) - GAP_X;
  const height = Math.max(...[...columns.values()].map((c) => c.length)) * (H + GAP_Y) - GAP_Y;
  return (
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
            class={`node ${n.kind}`}
            data-node={n.kpi}
            style={{ left: `${p?.x ?? 0}px`, top: `${p?.y ?? 0}px`, width: `${W}px`, height: `${H}px` }}
          >
            <NodeBody n={n} />
          </a>
        );
      })}
    </div>
  );
}

/** A step's name in the list: the leading KPIs first, the outcomes last, what follows between. */
const stepName = (i: number, steps: number) =>
  i === 0 ? 'What customers do (leading)' : i === steps - 1 ? 'Outcomes' : 'What follows';

/** The tree as a list by depth, for screens too narrow for its columns: each node says what it drives. */
function TreeList({ tree, columns }: { tree: TreeView; columns: Map<number, TreeNode[]> }) {
  const names = new Map(tree.nodes.map((n) => [n.kpi, n.name]));
  const depths = [...columns.keys()].sort((a, b) => a - b);
  return (
    <div class="tree tree-list" data-layout="list">
      {depths.map((d, i) => (
        <section key={d} aria-label={`Step ${i + 1} of the tree`}>
          <h3>
            Step {i + 1}: {stepName(i, depths.length)}
          </h3>
          <ol>
            {(columns.get(d) ?? []).map((n) => {
              const drives = tree.edges.filter((e) => e.from === n.kpi);
              return (
                <li key={n.kpi}>
                  <a href={`/kpi/${n.kpi}`} onClick={onLink} class={`node ${n.kind}`} data-node={n.kpi}>
                    <NodeBody n={n} />
                    {drives.length ? (
                      <span class="drives">
                        drives{' '}
                        {drives
                          .map((e) => `${e.direction === 'opposite' ? '↘' : '↗'} ${names.get(e.to) ?? e.to}`)
                          .join(', ')}
                      </span>
                    ) : null}
                  </a>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </div>
  );
}
