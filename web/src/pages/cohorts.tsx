// Cohorts: a retention heatmap. Signup cohorts by month (share of customers still paying, or their MRR) or
// activation cohorts (share returning on day N). The choices are in the URL.
import type { ComponentChildren } from 'preact';
import { query } from '../api.ts';
import { RangeControls } from '../components/range-controls.tsx';
import { Empty, Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { formatNumber, formatPercent, formatValue, periodLabel } from '../format.ts';
import type { Range } from '../range.ts';
import { navigate, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';

export interface SignupCohorts {
  cohorts: {
    cohort: string;
    segment: string;
    size: number;
    cells: { age: number; customers: number; retention: number | null; mrr: number }[];
  }[];
}
export interface ActivationCohorts {
  mode: string;
  cohorts: {
    cohort_start: string;
    segment: string;
    size: number;
    cells: { n: number; returned: number; rate: number | null }[];
  }[];
}

export function CohortsPage({ range, params }: { range: Range; params: URLSearchParams }) {
  const type = params.get('type') === 'activation' ? 'activation' : 'signup';
  const measure = params.get('measure') === 'revenue' ? 'revenue' : 'customers';
  const choose = (key: string) => (e: Event) =>
    navigate(withParams({ [key]: (e.currentTarget as HTMLSelectElement).value }));
  return (
    <section>
      <h1>Cohorts</h1>
      <RangeControls range={range}>
        <label>
          Cohorts{' '}
          <select name="type" value={type} onChange={choose('type')}>
            <option value="signup">signup</option>
            <option value="activation">activation</option>
          </select>
        </label>
        {type === 'signup' ? (
          <label>
            Measure{' '}
            <select name="measure" value={measure} onChange={choose('measure')}>
              <option value="customers">customers</option>
              <option value="revenue">revenue</option>
            </select>
          </label>
        ) : null}
      </RangeControls>
      {type === 'signup' ? <Signup range={range} measure={measure} /> : <Activation range={range} />}
    </section>
  );
}

function Signup({ range, measure }: { range: Range; measure: string }) {
  const money = useMoney();
  const loaded = useApi<{ rows: SignupCohorts }>(
    // Signup cohorts are monthly: the range's grain does not apply.
    `/api/views/signup-cohorts${query({ from: range.from, to: range.to })}`,
  );
  return (
    <Show
      loaded={loaded}
      what="the signup cohorts"
      ready={({ rows }) => {
        if (rows.cohorts.length === 0) return <Empty>No cohort in this range.</Empty>;
        const ages = [...new Set(rows.cohorts.flatMap((c) => c.cells.map((x) => x.age)))].sort(
          (a, b) => a - b,
        );
        return (
          <Heatmap
            caption={
              measure === 'revenue'
                ? 'MRR of each signup cohort by months since signup (shade: share of the row’s highest)'
                : 'Share of each signup cohort still paying, by months since signup'
            }
            columns={ages.map((a) => `month ${a}`)}
            rows={rows.cohorts.map((c) => {
              const top = Math.max(...c.cells.map((x) => x.mrr), 0) || 1;
              return {
                label: c.cohort,
                size: c.size,
                cells: ages.map((a) => {
                  const cell = c.cells.find((x) => x.age === a);
                  if (!cell) return null;
                  return measure === 'revenue'
                    ? {
                        text: formatValue(cell.mrr, 'currency', { ...money, digits: 0 }),
                        shade: cell.mrr / top,
                      }
                    : { text: formatPercent(cell.retention), shade: cell.retention ?? 0 };
                }),
              };
            })}
          />
        );
      }}
    />
  );
}

function Activation({ range }: { range: Range }) {
  const loaded = useApi<{ rows: ActivationCohorts }>(`/api/views/activation-cohorts${query({ ...range })}`);
  return (
    <Show
      loaded={loaded}
      what="the activation cohorts"
      ready={({ rows }) => {
        if (rows.cohorts.length === 0) return <Empty>No activation cohort in this range.</Empty>;
        const days = [...new Set(rows.cohorts.flatMap((c) => c.cells.map((x) => x.n)))].sort((a, b) => a - b);
        return (
          <Heatmap
            caption="Share of each activation cohort active on day N after activating"
            columns={days.map((n) => `day ${n}`)}
            rows={rows.cohorts.map((c) => ({
              label: periodLabel(c.cohort_start, range.grain),
              size: c.size,
              cells: days.map((n) => {
                const cell = c.cells.find((x) => x.n === n);
                return cell ? { text: formatPercent(cell.rate), shade: cell.rate ?? 0 } : null;
              }),
            }))}
          />
        );
      }}
    />
  );
}

function Heatmap({
  caption,
  columns,
  rows,
}: {
  caption: ComponentChildren;
  columns: string[];
  rows: { label: string; size: number; cells: ({ text: string; shade: number } | null)[] }[];
}) {
  return (
    <table class="heatmap" data-testid="heatmap">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>cohort</th>
          <th>size</th>
          {columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th>{r.label}</th>
            <td>{formatNumber(r.size)}</td>
            {r.cells.map((cell, i) => (
              <td
                key={columns[i]}
                style={
                  cell ? { background: `rgba(37, 99, 235, ${(0.08 + 0.8 * cell.shade).toFixed(2)})` } : {}
                }
                class={cell && cell.shade > 0.55 ? 'dark' : ''}
              >
                {cell?.text ?? ''}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
