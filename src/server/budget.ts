// How much work one request may ask for: KPIs × periods × segments. A request past the limit is refused
// with a 400 that names the limit and what to ask instead, before it holds the warehouse; every request
// within it still stops after the server's time limit (context.ts).
import { segmentCount } from '../compiler/dimensions.ts';
import { TenureError } from '../errors/tenure-error.ts';
import { formatNumber } from '../results/format.ts';
import type { Engine } from '../warehouse/engine.ts';

/** The most values (KPI × period × segment) one request may ask for. */
export const MAX_CELLS = 50_000;

function tooMuch(cells: number, what: string): TenureError {
  return new TenureError(
    'bad_input',
    `this asks for ${formatNumber(cells)} values (${what}); one request may ask for ${formatNumber(MAX_CELLS)}`,
    {
      where: { field: 'querystring' },
      hint: 'ask for fewer KPIs, a shorter range, a coarser grain or no breakdown',
    },
  );
}

/** Refuses KPIs × periods past the limit, before any SQL. */
export function checkCells(kpis: number, periods: number): void {
  if (kpis * periods > MAX_CELLS) throw tooMuch(kpis * periods, `${kpis} KPIs × ${periods} periods`);
}

/** Refuses KPIs × periods × the breakdown's segments past the limit (the segments counted on the engine). */
export async function checkWork(engine: Engine, kpis: number, periods: number, by: string | undefined) {
  checkCells(kpis, periods);
  const segments = await segmentCount(engine, by);
  if (kpis * periods * segments > MAX_CELLS)
    throw tooMuch(kpis * periods * segments, `${kpis} KPIs × ${periods} periods × ${segments} segments`);
}
