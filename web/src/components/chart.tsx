// Chart.js on a canvas, rebuilt when its configuration changes. Only the parts used are registered, so
// the bundle carries line and bar charts (and the filler, for target and confidence bands) and nothing else.
// Given the values' unit, the y axis and the tooltips write them as the tables do (3.2%, $1.2M), never as
// raw fractions. Every chart carries its data as a table (folded under the canvas): a text alternative for
// screen readers and for anyone who wants the numbers. Axis and legend colours follow the page's (dark mode).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { useMoney } from '../currency.ts';
import { type FormatOptions, formatNumber, formatValue } from '../format.ts';
import { unitOptions } from './chart-units.ts';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Filler,
  Legend,
  Tooltip,
);

export const PALETTE = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#dc2626',
  '#7c3aed',
  '#0891b2',
  '#be185d',
  '#4d7c0f',
];

export function ChartCanvas({
  config,
  label,
  unit,
}: {
  config: ChartConfiguration;
  label: string;
  /** The catalog's unit of the y values (rate, currency…): axis and tooltips are written in it. */
  unit?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const money = useMoney();
  const { currency } = money;
  useEffect(() => {
    if (!canvas.current) return;
    // Text and grid in the page's own colours, so that a dark page gets a readable chart.
    const css = getComputedStyle(document.documentElement);
    Chart.defaults.color = css.getPropertyValue('--muted').trim() || Chart.defaults.color;
    Chart.defaults.borderColor = css.getPropertyValue('--border').trim() || Chart.defaults.borderColor;
    const options =
      unit === undefined
        ? config.options
        : (unitOptions(config.options as Record<string, unknown>, unit, {
            currency,
          }) as ChartConfiguration['options']);
    const chart = new Chart(canvas.current, {
      ...config,
      options: { animation: false, maintainAspectRatio: false, ...options },
    });
    return () => chart.destroy();
  }, [config, unit, currency]);
  return (
    <>
      <div class="chart">
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      <ChartData config={config} label={label} unit={unit} money={money} />
    </>
  );
}

type Point = number | null | [number, number] | { x: number | string; y: number | null };

/** A value as its unit writes it; a floating bar ([from, to]) as both ends. */
function cellText(v: unknown, unit: string | undefined, money: FormatOptions): string {
  const one = (x: unknown) =>
    typeof x !== 'number' ? '' : unit === undefined ? formatNumber(x) : formatValue(x, unit, money);
  return Array.isArray(v) ? `${one(v[0])} → ${one(v[1])}` : one(v);
}

/** The chart's datasets as a table: one row per label (or x), one column per dataset. */
export function ChartData({
  config,
  label,
  unit,
  money,
}: {
  config: ChartConfiguration;
  label: string;
  unit?: string | undefined;
  money: FormatOptions;
}) {
  const datasets = config.data.datasets.filter((d) => d.label !== undefined && d.label !== '');
  const labels = config.data.labels;
  const keys: string[] = [];
  const cells = new Map<string, Map<number, unknown>>();
  const put = (key: string, i: number, v: unknown) => {
    if (!cells.has(key)) {
      cells.set(key, new Map());
      keys.push(key);
    }
    cells.get(key)?.set(i, v);
  };
  datasets.forEach((d, i) => {
    (d.data as Point[]).forEach((p, j) => {
      if (p !== null && typeof p === 'object' && !Array.isArray(p)) put(String(p.x), i, p.y);
      else put(String(labels?.[j] ?? j), i, p);
    });
  });
  if (keys.length === 0) return null;
  return (
    <details class="chart-data" data-testid="chart-data">
      <summary>The chart's data as a table</summary>
      <div class="scroll">
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">{labels ? 'period' : 'x'}</th>
              {datasets.map((d) => (
                <th scope="col" key={d.label}>
                  {d.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                {datasets.map((d, i) => (
                  <td key={d.label}>{cellText(cells.get(k)?.get(i), unit, money)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
