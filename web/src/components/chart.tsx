// Chart.js on a canvas, rebuilt when its configuration changes. Only the parts used are registered, so
// the bundle carries line and bar charts (and the filler, for target and confidence bands) and nothing else.
// Given the values' unit, the y axis and the tooltips write them as the tables do (3.2%, $1.2M), never as
// raw fractions.
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
  const { currency } = useMoney();
  useEffect(() => {
    if (!canvas.current) return;
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
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
