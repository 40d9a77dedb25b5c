// Cohorts: retention heatmaps as analysts read them. Four views, chosen in the URL (`view`): logo retention
// of the customers who started paying in each period (100% at the start), revenue retention against each
// cohort's starting MRR (net revenue retention, above 100% when expansion outweighs churn), conversion from
// signup (the share of each signup cohort that has paid), and activation cohorts (day-N activity). Only
// cohorts that start in the range; ages at the range's grain (week, month, quarter, year); a size-weighted
// average row; the table scrolls inside its box; the API's CSV of the same cohorts is one click away.
import { downloadCsv, query } from '../api.ts';
import { RangeControls } from '../components/range-controls.tsx';
import { Empty, Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { formatNumber, formatPercent, periodLabel } from '../format.ts';
import type { Range } from '../range.ts';
import { navigate, onLink, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import {
  type ActivationCohorts,
  ageColumns,
  type CohortView,
  cohortGrain,
  cohortView,
  type HeatRow,
  type PayingCohorts,
  payingRows,
  type SignupCohorts,
  signupRows,
} from './cohort-rows.ts';

const VIEWS: { id: CohortView; label: string }[] = [
  { id: 'retention', label: 'logo retention' },
  { id: 'revenue', label: 'revenue retention' },
  { id: 'conversion', label: 'conversion from signup' },
  { id: 'activation', label: 'activation' },
];

export function CohortsPage({ range, params }: { range: Range; params: URLSearchParams }) {
  const view = cohortView(params);
  const grain = cohortGrain(range.grain);
  return (
    <section>
      <h1>Cohorts</h1>
      <RangeControls range={range}>
        <label>
          View{' '}
          <select
            name="view"
            value={view}
            onChange={(e) =>
              navigate(
                withParams({
                  view: (e.currentTarget as HTMLSelectElement).value,
                  type: undefined,
                  measure: undefined,
                }),
              )
            }
          >
            {VIEWS.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
      </RangeControls>
      {grain !== range.grain && view !== 'activation' ? (
        <p class="lede" data-testid="grain-note">
          Cohorts by day would be hundreds of tiny rows: shown by week.
        </p>
      ) : null}
      {view === 'activation' ? (
        <Activation range={range} />
      ) : view === 'conversion' ? (
        <Signup range={{ ...range, grain }} />
      ) : (
        <Paying range={{ ...range, grain }} revenue={view === 'revenue'} />
      )}
    </section>
  );
}

function Paying({ range, revenue }: { range: Range; revenue: boolean }) {
  const money = useMoney();
  const path = `/api/views/paying-cohorts${query({ from: range.from, to: range.to, grain: range.grain })}`;
  const loaded = useApi<{ rows: PayingCohorts }>(path);
  return (
    <Show
      loaded={loaded}
      what="the cohorts"
      ready={({ rows }) => {
        if (rows.cohorts.length === 0) return <Empty>No customer started paying in this range.</Empty>;
        const { body, average } = payingRows(rows, revenue, money);
        return (
          <Heatmap
            lede={
              revenue
                ? `Each row is the customers who first paid in that ${range.grain}. A cell is the cohort's MRR at the end of the ${range.grain}, as a share of the MRR it started with: above 100% when upgrades outweigh cancellations and downgrades.`
                : `Each row is the customers who first paid in that ${range.grain}. A cell is the share of them still paying in each ${range.grain} after it: 100% at the start.`
            }
            caption={
              revenue
                ? `Revenue retention by ${range.grain}s since the first payment (% of starting MRR)`
                : `Logo retention by ${range.grain}s since the first payment (% of customers)`
            }
            sizeHead={revenue ? 'starting MRR' : 'customers'}
            columns={ageColumns(rows.cohorts, range.grain)}
            rows={body}
            average={average}
            csv={{ path, name: `${revenue ? 'revenue' : 'logo'}-retention-${range.from}-${range.to}` }}
          />
        );
      }}
    />
  );
}

function Signup({ range }: { range: Range }) {
  const path = `/api/views/signup-cohorts${query({ from: range.from, to: range.to, grain: range.grain })}`;
  const loaded = useApi<{ rows: SignupCohorts }>(path);
  return (
    <Show
      loaded={loaded}
      what="the signup cohorts"
      ready={({ rows }) => {
        if (rows.cohorts.length === 0) return <Empty>No signup in this range.</Empty>;
        const { body, average } = signupRows(rows);
        return (
          <Heatmap
            lede={`Each row is the customers who signed up in that ${range.grain}. A cell is the share of them who have paid at least once by the end of each ${range.grain} since: the funnel from signup to paying.`}
            caption={`Conversion from signup by ${range.grain}s since signing up (% who have paid)`}
            sizeHead="signups"
            columns={ageColumns(rows.cohorts, range.grain)}
            rows={body}
            average={average}
            csv={{ path, name: `signup-conversion-${range.from}-${range.to}` }}
          />
        );
      }}
    />
  );
}

function Activation({ range }: { range: Range }) {
  const path = `/api/views/activation-cohorts${query({ ...range })}`;
  const loaded = useApi<{ rows: ActivationCohorts }>(path);
  return (
    <Show
      loaded={loaded}
      what="the activation cohorts"
      ready={({ rows }) => {
        if (rows.cohorts.length === 0) return <Empty>No activation cohort in this range.</Empty>;
        const days = [...new Set(rows.cohorts.flatMap((c) => c.cells.map((x) => x.n)))].sort((a, b) => a - b);
        return (
          <Heatmap
            lede="Each row is the users who activated in that period. A cell is the share of them active on day N after activating."
            caption="Share of each activation cohort active on day N after activating"
            sizeHead="users"
            columns={days.map((n) => `day ${n}`)}
            rows={rows.cohorts.map((c) => ({
              label: periodLabel(c.cohort_start, range.grain),
              size: formatNumber(c.size),
              cells: days.map((n) => {
                const cell = c.cells.find((x) => x.n === n);
                return cell ? { text: formatPercent(cell.rate), shade: cell.rate ?? 0 } : null;
              }),
            }))}
            csv={{ path, name: `activation-cohorts-${range.from}-${range.to}` }}
          />
        );
      }}
    />
  );
}

function Heatmap({
  lede,
  caption,
  sizeHead,
  columns,
  rows,
  average,
  csv,
}: {
  lede: string;
  caption: string;
  sizeHead: string;
  columns: string[];
  rows: HeatRow[];
  average?: HeatRow | undefined;
  csv: { path: string; name: string };
}) {
  const line = (r: HeatRow, head: 'cohort' | 'average') => (
    <tr key={r.label} class={head === 'average' ? 'average' : undefined}>
      <th scope="row">{r.label}</th>
      <td>{r.size}</td>
      {r.cells.map((cell, i) => (
        <td
          key={columns[i]}
          style={
            // The shade stays light enough for dark text at AA contrast (style.css, --heat-rgb).
            cell ? { background: `rgba(var(--heat-rgb), ${(0.06 + 0.69 * cell.shade).toFixed(2)})` } : {}
          }
        >
          {cell?.href ? (
            <a href={cell.href} onClick={onLink}>
              {cell.text}
            </a>
          ) : (
            (cell?.text ?? '')
          )}
        </td>
      ))}
    </tr>
  );
  return (
    <>
      <p class="lede">{lede}</p>
      <p>
        <button
          type="button"
          data-testid="csv"
          onClick={() =>
            void downloadCsv(`${csv.path}${csv.path.includes('?') ? '&' : '?'}format=csv`, csv.name)
          }
        >
          Download CSV
        </button>
      </p>
      <section class="scroll" aria-label={caption}>
        <table class="heatmap" data-testid="heatmap">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">cohort</th>
              <th scope="col">{sizeHead}</th>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{rows.map((r) => line(r, 'cohort'))}</tbody>
          {average ? <tfoot data-testid="average">{line(average, 'average')}</tfoot> : null}
        </table>
      </section>
    </>
  );
}
