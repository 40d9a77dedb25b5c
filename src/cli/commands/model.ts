// `tenure model sbg|bgnbd|gammagamma|km`: the statistical models fitted on plain inputs (a survivors series,
// a per-customer RFM file, a durations file), printed as tables or, with --json, by the papers' names.
import type { Command } from 'commander';
import { registerModelKm } from './model-km.ts';
import { registerModelRfm } from './model-rfm.ts';
import { registerModelSbg } from './model-sbg.ts';

export function registerModel(program: Command): void {
  const model = program
    .command('model')
    .description(
      'Fit a retention or lifetime-value model (sBG, BG/NBD, Gamma-Gamma, Kaplan–Meier) on plain inputs',
    );
  registerModelSbg(model);
  registerModelRfm(model);
  registerModelKm(model);
}

/** A number as people read it: 4 significant digits, or '' for null. */
export function show(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(1) : Number(v.toPrecision(4)).toString();
}

/** Rows of parameter, estimate, standard error for a fit. */
export function parameterRows(
  params: Record<string, number>,
  errors: Record<string, number | null>,
): (string | number | null)[][] {
  return Object.entries(params).map(([name, value]) => [name, show(value), show(errors[name])]);
}
