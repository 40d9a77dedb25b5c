// Revenue: the MRR bridge of a period as a waterfall you can read (floating bars on an axis zoomed to where
// MRR moves, the starting and ending MRR as full bars, each bar opening the customers behind it), the bridge
// of every period as a table (each amount a link to its customers; CSV), and MRR or ARR over time with the
// movements of each period stacked beneath it. Filters keep one slice of the customers; "compare" draws the
// previous range's MRR beside this one's.
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { downloadCsv, query } from '../api.ts';
import { ChartCanvas } from '../components/chart.tsx';
import { RangeControls } from '../components/range-controls.tsx';
import { SEGMENT_COLORS, totalColor } from '../components/series-colors.ts';
import { Empty, Show } from '../components/states.tsx';
import { targetDatasets, useTarget } from '../components/target-band.ts';
import { TargetNote } from '../components/target-note.tsx';
import { useMoney } from '../currency.ts';
import { formatAxis, formatDelta, formatValue, periodLabel } from '../format.ts';
import { previousRange } from '../presets.ts';
import type { Range } from '../range.ts';
import { navigate, onLink, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import type { BridgeRow } from './headline.ts';
import { drillHref } from './overview.tsx';
import { BRIDGE_STEPS, waterfall } from './waterfall.ts';

const GOOD = '#047857';
const BAD = '#b91c1c';
const LEVEL = '#475569';

export function RevenuePage({ range, params }: { range: Range; params: URLSearchParams }) {
  const filter = params.get('filter') ?? undefined;
  const bridgePath = `/api/views/mrr-bridge${query({ ...range, filter })}`;
  const bridge = useApi<{ rows: BridgeRow[] }>(bridgePath);
  const compare = params.get('compare') === 'previous';
  const before = previousRange(range);
  const earlier = useApi<{ rows: BridgeRow[] }>(
    compare ? `/api/views/mrr-bridge${query({ ...before, grain: range.grain, filter })}` : null,
  );
  return (
    <section>
      <h1>Revenue</h1>
      <RangeControls range={range} filters compare />
      <Show
        loaded={bridge}
        what="the MRR bridge"
        ready={(b) =>
          b.rows.length === 0 ? (
            <Empty>No periods in this range.</Empty>
          ) : (
            <>
              <Bridge rows={b.rows} grain={range.grain} chosen={params.get('period')} filter={filter} />
              <BridgeTable rows={b.rows} range={range} filter={filter} path={bridgePath} />
              <MrrOverTime
                rows={b.rows}
                previous={compare && earlier.state === 'ready' ? earlier.data.rows : undefined}
                range={range}
                arr={params.get('measure') === 'arr'}
                filtered={filter !== undefined}
              />
            </>
          )
        }
      />
    </section>
  );
}

function Bridge({
  rows,
  grain,
  chosen,
  filter,
}: {
  rows: BridgeRow[];
  grain: string;
  chosen: string | null;
  filter: string | undefined;
}) {
  const money = useMoney();
  const labels = rows.map((r) => periodLabel(r.period_start, grain));
  const index = chosen && labels.includes(chosen) ? labels.indexOf(chosen) : rows.length - 1;
  const row = rows[index] as BridgeRow;
  const fall = useMemo(() => waterfall(row), [row]);
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: BRIDGE_STEPS.map(([, label]) => label),
        datasets: [
          {
            label: 'MRR',
            data: fall.bars,
            backgroundColor: BRIDGE_STEPS.map(([, , sign]) => (sign === 0 ? LEVEL : sign > 0 ? GOOD : BAD)),
            // Start and end stand on the axis: they are levels, the rest float between them.
            borderSkipped: false,
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { min: fall.axis.min, max: fall.axis.max } },
        onClick: (_event: unknown, elements: { index: number }[]) => {
          const step = BRIDGE_STEPS[elements[0]?.index ?? -1];
          if (step)
            navigate(
              drillHref(
                { result: `mrr_bridge.${step[0]}`, side: 'numerator' },
                row.period_start,
                grain,
                filter ?? null,
              ),
            );
        },
      },
    }),
    [fall, row, grain, filter],
  );
  const net = row.end_mrr - row.start_mrr;
  return (
    <>
      <h2 class="keep-case">
        MRR bridge,{' '}
        <select
          name="period"
          aria-label="period of the bridge"
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
      <p class="lede" data-testid="bridge-sentence">
        MRR went from {formatValue(row.start_mrr, 'currency', money)} to{' '}
        {formatValue(row.end_mrr, 'currency', money)} ({formatDelta(net, 'currency', money)}):{' '}
        {formatValue(row.new_mrr + row.reactivation_mrr + row.expansion_mrr, 'currency', money)} won from new,
        returning and upgrading customers,{' '}
        {formatValue(row.contraction_mrr + row.churn_mrr, 'currency', money)} lost to downgrades and
        cancellations. The axis starts at {formatAxis(fall.axis.min, 'currency', money)}, not 0, so the
        movements can be read; click a bar for its customers.
      </p>
      <div
        class="waterfall"
        data-testid="waterfall"
        data-axis-min={fall.axis.min}
        data-axis-max={fall.axis.max}
      >
        <ChartCanvas config={config} label={`MRR bridge for ${labels[index]}`} unit="currency" />
      </div>
    </>
  );
}

function BridgeTable({
  rows,
  range,
  filter,
  path,
}: {
  rows: BridgeRow[];
  range: Range;
  filter: string | undefined;
  path: string;
}) {
  const money = useMoney();
  const labels = rows.map((r) => periodLabel(r.period_start, range.grain));
  const chosen = new URLSearchParams(location.search).get('period') ?? labels.at(-1);
  return (
    <>
      <div class="table-head">
        <h2 class="keep-case">The bridge, period by period</h2>
        <button
          type="button"
          data-testid="bridge-csv"
          onClick={() => void downloadCsv(`${path}&format=csv`, `mrr-bridge-${range.from}-${range.to}`)}
        >
          Download CSV
        </button>
      </div>
      <table data-testid="bridge" class="bridge-table">
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
            <tr key={r.period_start} class={labels[i] === chosen ? 'chosen' : ''}>
              <td>{labels[i]}</td>
              {BRIDGE_STEPS.map(([key, , sign]) => (
                <td key={key}>
                  <a
                    href={drillHref(
                      { result: `mrr_bridge.${key}`, side: 'numerator' },
                      r.period_start,
                      range.grain,
                      filter ?? null,
                    )}
                    onClick={onLink}
                  >
                    {formatValue(sign < 0 ? -r[key] : r[key], 'currency', money)}
                  </a>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The movements stacked under MRR: gains above the zero line, losses below it. */
const MOVEMENTS = [
  ['new_mrr', 'new', 1, '#2563eb'],
  ['reactivation_mrr', 'reactivation', 1, '#0891b2'],
  ['expansion_mrr', 'expansion', 1, GOOD],
  ['contraction_mrr', 'contraction', -1, '#d97706'],
  ['churn_mrr', 'churn', -1, BAD],
] as const;

function MrrOverTime({
  rows,
  previous,
  range,
  arr,
  filtered,
}: {
  rows: BridgeRow[];
  previous: BridgeRow[] | undefined;
  range: Range;
  arr: boolean;
  filtered: boolean;
}) {
  const money = useMoney();
  const target = useTarget('mrr', range.grain);
  const shownTarget = arr || filtered ? undefined : target;
  const times = arr ? 12 : 1;
  const name = arr ? 'ARR' : 'MRR';
  const config = useMemo<ChartConfiguration>(() => {
    const labels = rows.map((r) => periodLabel(r.period_start, range.grain));
    const line = {
      type: 'line' as const,
      label: name,
      data: rows.map((r) => r.end_mrr * times),
      borderColor: totalColor(),
      backgroundColor: totalColor(),
      borderWidth: 2.5,
      yAxisID: 'y',
      order: 0,
    };
    const before = previous
      ? [
          {
            type: 'line' as const,
            label: `${name}, previous ${rows.length} ${range.grain}s`,
            data: rows.map((_, i) => (previous[i] ? (previous[i] as BridgeRow).end_mrr * times : null)),
            borderColor: SEGMENT_COLORS[7],
            borderDash: [4, 4],
            borderWidth: 1.5,
            pointRadius: 0,
            yAxisID: 'y',
            order: 0,
          },
        ]
      : [];
    const bars = MOVEMENTS.map(([key, label, sign, color]) => ({
      type: 'bar' as const,
      label: `${label} MRR`,
      data: rows.map((r) => sign * r[key]),
      backgroundColor: color,
      stack: 'movements',
      yAxisID: 'movements',
      order: 1,
    }));
    return {
      type: 'bar',
      data: {
        labels,
        datasets: [
          line,
          ...before,
          ...targetDatasets(shownTarget, rows.length),
          ...bars,
        ] as ChartConfiguration['data']['datasets'],
      },
      options: {
        plugins: { legend: { display: true, position: 'bottom' } },
        scales: {
          movements: {
            position: 'right',
            stacked: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: 'MRR moved in the period' },
            ticks: { callback: (tick: number | string) => formatAxis(Number(tick), 'currency', money) },
          },
          x: { stacked: true },
        },
      },
    };
  }, [rows, previous, range.grain, times, name, shownTarget, money]);
  return (
    <>
      <div class="table-head">
        <h2 class="keep-case">{name} over time, with its movements</h2>
        <fieldset class="toggle" aria-label="MRR or ARR">
          {(['MRR', 'ARR'] as const).map((m) => (
            <button
              type="button"
              key={m}
              data-measure={m}
              aria-pressed={name === m}
              onClick={() => navigate(withParams({ measure: m === 'ARR' ? 'arr' : undefined }))}
            >
              {m}
            </button>
          ))}
        </fieldset>
      </div>
      <ChartCanvas config={config} label={`${name} per period, with the movements stacked`} unit="currency" />
      {shownTarget ? <TargetNote target={shownTarget} unit="currency" /> : null}
    </>
  );
}
