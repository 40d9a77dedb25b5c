// A choice of customer dimension kept in one URL parameter (the KPI page's breakdown, the tree's split).
import { navigate, withParams } from '../router.ts';

export const BREAKDOWNS = ['plan', 'channel', 'country', 'signup_cohort', 'referred'] as const;
/** A customer's state in each period (its lifecycle stage, its RFM group): for breakdowns by period. */
export const PERIOD_BREAKDOWNS = ['lifecycle', 'rfm'] as const;

export function DimensionSelect({
  label,
  param,
  value,
  none,
  periods = false,
}: {
  label: string;
  /** The URL parameter it sets. */
  param: string;
  value: string;
  /** The label of "no dimension", when that is a choice. */
  none?: string;
  /** Offer the period dimensions too (KPI series; not survival, which follows customers across periods). */
  periods?: boolean;
}) {
  const choices: readonly string[] = periods ? [...BREAKDOWNS, ...PERIOD_BREAKDOWNS] : BREAKDOWNS;
  return (
    <label>
      {label}{' '}
      <select
        name={param}
        value={value}
        onChange={(e) => navigate(withParams({ [param]: (e.currentTarget as HTMLSelectElement).value }))}
      >
        {none === undefined ? null : <option value="">{none}</option>}
        {choices.map((b) => (
          <option key={b} value={b}>
            {b.replace('_', ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}
