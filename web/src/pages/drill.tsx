// The drill-down: the customers behind a number (a card, a chart point, a bar of the MRR bridge) — those in
// its numerator or its denominator for one period, with what each adds, their MRR at the period's start and
// end, movement, plan, channel, country, tenure and churn risk at the period's start; sortable, paged, and
// downloadable as CSV. Everything is in the URL: result, side, period, grain, filter, sort, page.
import { type CatalogEntry, downloadCsv, query } from '../api.ts';
import { Empty, Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { formatNumber, formatPercent, formatValue, periodLabel } from '../format.ts';
import type { Range } from '../range.ts';
import { navigate, onLink, withParams } from '../router.ts';
import { filterLabel, parseFilters } from '../segment-filter.ts';
import { useApi } from '../use-api.ts';

export const PAGE_SIZE = 50;

const SORTS = [
  ['contribution', 'what each adds'],
  ['mrr', 'MRR'],
  ['tenure', 'tenure'],
  ['customer_id', 'customer'],
] as const;

export interface DrillRow {
  customer_id: string;
  contribution: number;
  mrr_start: number;
  mrr_end: number;
  movement: string;
  plan: string | null;
  channel: string | null;
  country: string | null;
  tenure_months: number | null;
  churn_risk: number | null;
}

export interface DrillAnswer {
  result: string;
  name: string;
  side: 'numerator' | 'denominator';
  unit: string;
  numerator_unit: string;
  denominator_unit: string | null;
  period_start: string;
  incomplete: boolean;
  age: number | null;
  value: number | null;
  numerator: number;
  denominator: number | null;
  numerator_rows: number;
  denominator_rows: number | null;
  total: number;
  offset: number;
  rows: DrillRow[];
  risk: { horizon_days: number; scored_at: string; note: string | null };
}

/** The unit a result's value is in: the catalog's, money for the bridge's bars and ARPA. */
export function resultUnit(result: string, catalog: readonly CatalogEntry[]): string {
  const [head, part] = result.split('.');
  if (head === 'mrr_bridge' || part === 'arpa') return 'currency';
  if (head === 'paying_cohorts') return 'rate';
  return catalog.find((k) => k.id === head)?.unit ?? 'count';
}

/** The drill-down API's query for the page's URL (the CSV's too, with every row). */
export function drillQuery(params: URLSearchParams, range: Range, csv = false): string {
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  return query({
    result: params.get('result') ?? undefined,
    side: params.get('side') ?? 'numerator',
    period: params.get('period') ?? undefined,
    grain: params.get('grain') ?? range.grain,
    filter: params.get('filter') ?? undefined,
    sort: params.get('sort') ?? undefined,
    age: params.get('age') ?? undefined,
    limit: String(csv ? 10000 : PAGE_SIZE),
    offset: csv ? undefined : String(page * PAGE_SIZE),
    format: csv ? 'csv' : undefined,
  });
}

export function DrillPage({ range, params }: { range: Range; params: URLSearchParams }) {
  const catalog = useApi<{ kpis: CatalogEntry[] }>('/api/catalog');
  const path = params.get('result') ? `/api/explain/rows${drillQuery(params, range)}` : null;
  const rows = useApi<DrillAnswer>(path);
  if (!path) return <Empty>Choose a number to see the customers behind it: every card links here.</Empty>;
  return (
    <section>
      <Show
        loaded={rows}
        what="the customers"
        ready={(d) => (
          <Drill
            answer={d}
            params={params}
            grain={params.get('grain') ?? range.grain}
            valueUnit={resultUnit(d.result, catalog.state === 'ready' ? catalog.data.kpis : [])}
            csvPath={`/api/explain/rows${drillQuery(params, range, true)}`}
          />
        )}
      />
    </section>
  );
}

function Drill({
  answer: d,
  params,
  grain,
  valueUnit,
  csvPath,
}: {
  answer: DrillAnswer;
  params: URLSearchParams;
  grain: string;
  valueUnit: string;
  csvPath: string;
}) {
  const money = useMoney();
  const filters = parseFilters(params.get('filter'));
  const period = periodLabel(d.period_start, grain);
  const sort = params.get('sort') ?? 'contribution';
  const page = Math.floor(d.offset / PAGE_SIZE);
  const amount = d.denominator === null;
  const last = Math.max(0, Math.ceil(d.total / PAGE_SIZE) - 1);
  return (
    <>
      <p class="crumbs">
        <a href={`/${query({ grain, filter: params.get('filter') ?? undefined })}`} onClick={onLink}>
          ← Overview
        </a>
      </p>
      <h1>
        {d.name}, {period}
        {d.age === null ? '' : `, age ${d.age}`}
      </h1>
      <p class="lede" data-testid="drill-summary">
        <strong data-testid="drill-total">{formatNumber(d.total)}</strong> customer{d.total === 1 ? '' : 's'}{' '}
        {amount
          ? `make up ${formatValue(d.numerator, d.unit, money)}`
          : `in the ${d.side}: ${d.name} = ${formatValue(d.numerator, d.numerator_unit, money)} / ${formatValue(d.denominator, d.denominator_unit ?? 'count', money)} = ${formatValue(d.value, valueUnit, money)}`}
        {filters.length ? ` · only ${filters.map(filterLabel).join(', ')}` : ''}
        {d.incomplete ? ' · the period is not over: these may still change' : ''}
      </p>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        {amount ? null : (
          <fieldset class="toggle" aria-label="numerator or denominator">
            {(['numerator', 'denominator'] as const).map((side) => (
              <button
                type="button"
                key={side}
                data-side={side}
                aria-pressed={d.side === side}
                onClick={() => navigate(withParams({ side, page: undefined }))}
              >
                {side} ({formatNumber(side === 'numerator' ? d.numerator_rows : d.denominator_rows)})
              </button>
            ))}
          </fieldset>
        )}
        <label>
          Sort by{' '}
          <select
            name="sort"
            value={sort}
            onChange={(e) =>
              navigate(withParams({ sort: (e.currentTarget as HTMLSelectElement).value, page: undefined }))
            }
          >
            {SORTS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-testid="csv"
          onClick={() => void downloadCsv(csvPath, `${d.result}-${period}-${d.side}`)}
        >
          Download CSV
        </button>
      </form>
      {d.rows.length === 0 ? (
        <Empty>No customer in the {d.side} of this number.</Empty>
      ) : (
        <div class="scroll">
          <table data-testid="drill-rows" class="drill-table">
            <caption>
              {d.side === 'numerator' ? 'Customers in the numerator' : 'Customers in the denominator'},{' '}
              {period}
              {d.total > PAGE_SIZE
                ? ` — ${d.offset + 1}–${d.offset + d.rows.length} of ${formatNumber(d.total)}`
                : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">customer</th>
                <th scope="col">adds</th>
                <th scope="col">MRR at start</th>
                <th scope="col">MRR at end</th>
                <th scope="col">movement</th>
                <th scope="col">plan</th>
                <th scope="col">channel</th>
                <th scope="col">country</th>
                <th scope="col">tenure</th>
                <th scope="col">churn risk</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.customer_id}>
                  <td>{r.customer_id}</td>
                  <td>{formatValue(r.contribution, d.unit, money)}</td>
                  <td>{formatValue(r.mrr_start, 'currency', money)}</td>
                  <td>{formatValue(r.mrr_end, 'currency', money)}</td>
                  <td>{r.movement}</td>
                  <td>{r.plan ?? '—'}</td>
                  <td>{r.channel ?? '—'}</td>
                  <td>{r.country ?? '—'}</td>
                  <td>{formatValue(r.tenure_months, 'months', { digits: 0 })}</td>
                  <td>{formatPercent(r.churn_risk)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="plain-note">
        Churn risk: the chance of stopping to pay within {d.risk.horizon_days} days, as the risk model scored
        the customer on {d.risk.scored_at.slice(0, 10)}
        {d.risk.note ? ` (${d.risk.note})` : ''}; — for a customer not paying then.
      </p>
      {d.total > PAGE_SIZE ? (
        <nav class="pager" aria-label="pages of customers">
          <button
            type="button"
            disabled={page === 0}
            onClick={() => navigate(withParams({ page: page > 1 ? String(page - 1) : undefined }))}
          >
            ← Previous {PAGE_SIZE}
          </button>
          <span>
            page {page + 1} of {last + 1}
          </span>
          <button
            type="button"
            disabled={page >= last}
            onClick={() => navigate(withParams({ page: String(page + 1) }))}
          >
            Next {PAGE_SIZE} →
          </button>
        </nav>
      ) : null}
    </>
  );
}
