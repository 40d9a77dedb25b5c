// How a chart writes its values: the y axis and the tooltips in the values' unit, through the shared
// formats. Pure (no Chart.js, no DOM), so a test reads the very callbacks a chart is given.
import { type FormatOptions, formatAxis, formatValue } from '../format.ts';

/** What a tooltip callback reads of a point (a floating bar's raw value is [from, to]). */
export interface TooltipPoint {
  raw: unknown;
  parsed: { y: number | null };
  dataset: { label?: string };
}

/**
 * The options that write the y axis (short forms: $1.2M, 3.5%) and the tooltips (full forms) in `unit`;
 * a floating bar's tooltip (the MRR bridge's movements) shows its length. Typed loosely on purpose: Chart.js's
 * deep option types, spelled out here, make TypeScript refuse unrelated chart configurations elsewhere.
 */
export function unitOptions(
  options: Record<string, unknown> | undefined,
  unit: string,
  money: FormatOptions,
): Record<string, unknown> {
  const scales = (options?.scales ?? {}) as Record<string, Record<string, unknown>>;
  const plugins = (options?.plugins ?? {}) as Record<string, unknown>;
  return {
    ...options,
    scales: {
      ...scales,
      y: {
        ...scales.y,
        ticks: { callback: (tick: number | string) => formatAxis(Number(tick), unit, money) },
      },
    },
    plugins: {
      ...plugins,
      tooltip: {
        callbacks: {
          label: (item: TooltipPoint) => {
            const raw = item.raw;
            const value = Array.isArray(raw) ? Math.abs(Number(raw[1]) - Number(raw[0])) : item.parsed.y;
            const text = formatValue(value, unit, money);
            return item.dataset.label ? `${item.dataset.label}: ${text}` : text;
          },
        },
      },
    },
  };
}
