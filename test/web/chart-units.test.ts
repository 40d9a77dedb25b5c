// The callbacks every dashboard chart is given for its y axis and tooltips, read as Chart.js calls them:
// rates as percentages (the axes showed 0.032), money with the project's symbol in short form on the axis.
// Pure: no browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TooltipPoint, unitOptions } from '../../web/src/components/chart-units.ts';

type Callbacks = {
  scales: Record<string, { min?: number; ticks: { callback: (tick: number | string) => string } }>;
  plugins: { legend?: unknown; tooltip: { callbacks: { label: (item: TooltipPoint) => string } } };
};
const callbacks = (options: Record<string, unknown> | undefined, unit: string, currency?: string) =>
  unitOptions(options, unit, { currency }) as unknown as Callbacks;

test('the y axis is written in the unit, in short forms', () => {
  const rate = callbacks(undefined, 'rate');
  assert.equal(rate.scales.y?.ticks.callback(0.032), '3.2%');
  assert.equal(rate.scales.y?.ticks.callback(0.03), '3%');
  const money = callbacks(undefined, 'currency', 'EUR');
  assert.equal(money.scales.y?.ticks.callback(1_234_567), '€1.2M');
  assert.equal(money.scales.y?.ticks.callback('180000'), '€180K');
  assert.equal(callbacks(undefined, 'ratio').scales.y?.ticks.callback(70), '70×');
});

test('tooltips give the full value; a floating bar its length', () => {
  const { label } = callbacks(undefined, 'currency').plugins.tooltip.callbacks;
  assert.equal(
    label({ raw: 179021.9, parsed: { y: 179021.9 }, dataset: { label: 'MRR' } }),
    'MRR: $179,021.90',
  );
  // The bridge's churn bar from 180,000 down to 178,795.50 is $1,204.50 long.
  assert.equal(
    label({ raw: [180000, 178795.5], parsed: { y: 178795.5 }, dataset: { label: 'MRR' } }),
    'MRR: $1,204.50',
  );
  const rate = callbacks(undefined, 'rate').plugins.tooltip.callbacks.label;
  assert.equal(rate({ raw: 0.0265, parsed: { y: 0.0265 }, dataset: {} }), '2.7%');
  assert.equal(
    rate({ raw: null, parsed: { y: null }, dataset: { label: 'plan=starter' } }),
    'plan=starter: —',
  );
});

test("a chart's own options are kept", () => {
  const merged = callbacks({ scales: { y: { min: 0 } }, plugins: { legend: { display: false } } }, 'rate');
  assert.equal(merged.scales.y?.min, 0);
  assert.deepEqual(merged.plugins.legend, { display: false });
  assert.equal(merged.scales.y?.ticks.callback(0.5), '50%');
});
