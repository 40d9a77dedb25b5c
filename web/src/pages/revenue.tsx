// Revenue: the MRR bridge of a period as a waterfall (start, the five movements, end), the bridge of every
// period as a table, and MRR over time.
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { query, type ResultRow } from '../api.ts';
import { ChartCanvas } from '../components/chart.tsx';
import { RangeControls } from '../components/range-controls.tsx';
import { Empty, Show } from '../components/states.tsx';
import { targetDatasets, useTarget } from '../components/target-band.ts';
import { TargetNote } from '../components/target-note.tsx';
import { useMoney } from '../currency.ts';
import { formatValue, periodLabel } from '../format.ts';
import type { Range } from '../range.ts';
import { navigate, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';

export interface BridgeRow {
  period_start: string;
  start_mrr: number;
  new_mrr: number;
  reactivation_mrr: number;
  expansion_mrr: number;
  contraction_mrr: number;
  churn_mrr: number;
  end_mrr: number;
}

/** The bridge's columns in waterfall order, with the sign each adds to MRR. */
export const BRIDGE_STEPS = [
  ['start_mrr', 'start', 0],
  ['new_mrr', 'new', 1],
  ['reactivation_mrr', 'reactivation', 1],
  ['expansion_mrr', 'expansion', 1],
  ['contraction_mrr', 'contraction', -1],
  ['churn_mrr', 'churn', -1],
  ['end_mrr', 'end', 0],
] as const;

export function RevenuePage({ range, params }: { range: Range; params: URLSearchParams }) {
  const bridge = useApi<{ rows: BridgeRow[] }>(`/api/views/mrr-bridge${query({ ...range })}`);
  const mrr = useApi<{ results: ResultRow[] }>(`/api/kpis/mrr/series${query({ ...range })}`);
  return (
    <section>
      <h1>Revenue</h1>
      <RangeControls range={range} />
      <Show
        loaded={bridge}
        what="the MRR bridge"
        ready={(b) =>
          b.rows.length === 0 ? (
            <Empty>No periods in this range.</Empty>
          ) : (
            <Bridge rows={b.rows} grain={range.grain} chosen={params.get('period')} />
          )
        }
      />
      <h2>MRR over time</h2>
      <Show
        loaded={mrr}
        what="MRR"
        ready={(m) => <MrrOverTime rows={m.results.filter((r) => r.kpi === 'mrr')} grain={range.grain} />}
      />
    </section>
  );
}

function Bridge({ rows, grain, chosen }: { rows: BridgeRow[]; grain: string; chosen: string | null }) {
  const money = useMoney();
  const labels = rows.map((r) => periodLabel(r.period_start, grain));
  const index = chosen && labels.includes(chosen) ? labels.indexOf(chosen) : rows.length - 1;
  const row = rows[index] as BridgeRow;
  const config = useMemo<ChartConfiguration>(() => {
    let level = 0;
    const bars = BRIDGE_STEPS.map(([key, , sign]) => {
      const amount = row[key];
      if (sign === 0) {
        level = amount;
        return [0, amount] as [number, number];
      }
      const from = level;
      level += sign * amount;
      return [from, level] as [number, number];
    });
    return {
      type: 'bar',
      data: {
        labels: BRIDGE_STEPS.map(([, label]) => label),
        datasets: [
          {
            label: 'MRR',
            data: bars,
            backgroundColor: BRIDGE_STEPS.map(([, , sign]) =>
              sign === 0 ? '#64748b' : sign > 0 ? '#059669' : '#dc2626',
            ),
          },
        ],
      },
      options: { plugins: { legend: { display: false } } },
    };
  }, [row]);
  return (
    <>
      <h2>
        MRR bridge,{' '}
        <select
          name="period"
          value={labels[index]}
          onChange={(e) => navigate(withParams({ period: (e.currentTarget as HTMLSelectElement).value }))}
        >
          {labels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </h2>
      <ChartCanvas config={config} label={`MRR bridge for ${labels[index]}`} unit="currency" />
      <table data-testid="bridge">
        <thead>
          <tr>
            <th>period</th>
            {BRIDGE_STEPS.map(([key, label]) => (
              <th key={key}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.period_start} class={i === index ? 'chosen' : ''}>
              <td>{labels[i]}</td>
              {BRIDGE_STEPS.map(([key, , sign]) => (
                <td key={key}>{formatValue(sign < 0 ? -r[key] : r[key], 'currency', money)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function MrrOverTime({ rows, grain }: { rows: ResultRow[]; grain: string }) {
  const target = useTarget('mrr', grain);
  const config = useMemo<ChartConfiguration>(() => {
    const bands = targetDatasets(target, rows.length);
    return {
      type: 'line',
      data: {
        labels: rows.map((r) => periodLabel(r.period_start, grain)),
        datasets: [{ label: 'MRR', data: rows.map((r) => r.value), borderColor: '#2563eb' }, ...bands],
      },
      options: { plugins: { legend: { display: bands.length > 0 } } },
    };
  }, [rows, grain, target]);
  if (rows.length === 0) return <Empty>No MRR in this range.</Empty>;
  return (
    <>
      <ChartCanvas config={config} label="MRR per period" unit="currency" />
      <TargetNote target={target} unit="currency" />
    </>
  );
}
