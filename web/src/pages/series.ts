// Picking values out of result rows. Pure, so the browser tests choose the same rows.

export interface Row {
  period_start: string;
  value: number | null;
  flags: string[];
}

/** The latest period not flagged incomplete, and the one before it . */
export function latestComplete<T extends Row>(rows: T[]): { latest?: T; previous?: T } {
  const complete = rows
    .filter((r) => !r.flags.includes('incomplete_period'))
    .sort((a, b) => a.period_start.localeCompare(b.period_start));
  return { latest: complete.at(-1), previous: complete.at(-2) };
}
