// The colours of a chart's lines: segments from a palette that holds neither the targets' green and violet
// nor anything near them, so a segment is never mistaken for a target; the total of a breakdown in the
// page's text colour, thicker. Pure (a test checks the palettes never meet).

/** The pragmatic and aspirational targets' lines (target-band.ts). */
export const TARGET_COLORS = { pragmatic: '#059669', aspirational: '#7c3aed' } as const;

/** Segments' lines and bars, in order: blue, orange, cyan, pink, red, brown, olive, slate. */
export const SEGMENT_COLORS = [
  '#2563eb',
  '#d97706',
  '#0891b2',
  '#be185d',
  '#dc2626',
  '#92400e',
  '#a16207',
  '#64748b',
] as const;

export const segmentColor = (i: number): string => SEGMENT_COLORS[i % SEGMENT_COLORS.length] as string;

/** The total's line: the page's text colour (dark on light, light on dark). */
export function totalColor(): string {
  // Typed without the DOM's types: this file is also read by tests that run outside a browser.
  const page = globalThis as unknown as {
    document?: { documentElement: unknown };
    getComputedStyle?: (e: unknown) => { getPropertyValue(name: string): string };
  };
  const css = page.document && page.getComputedStyle?.(page.document.documentElement);
  return css?.getPropertyValue('--text').trim() || '#0f172a';
}
