// Risk: the customers most likely to churn within the horizon, with their drivers and the MRR at stake,
// scored at the data's end (the same as-of as the overview), listed by churn risk or by MRR at stake
// (`sort`, in the URL); and, folded, how far to trust the model: AUC and Brier score on held-out months
// against tenure alone, its reliability table and coefficients with intervals.
import { query } from '../api.ts';
import { Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { navigate, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import {
  coefficientCells,
  customerCells,
  modelCells,
  type RiskAnswer,
  reliabilityCells,
  summaryCells,
} from './risk-cells.ts';

const TOPS = ['20', '50', '100'];

/** A table of text cells; columns listed in `words` hold words, not numbers, and are aligned left. */
function Table({
  testid,
  head,
  rows,
  words = [],
}: {
  testid: string;
  head: string[];
  rows: string[][];
  words?: number[];
}) {
  // A column of words is aligned left and keeps a readable width: on a phone the table scrolls sideways
  // rather than squeezing the drivers into a word per line.
  const align = (i: number) =>
    words.includes(i)
      ? { textAlign: 'left' as const, minWidth: i === words.at(-1) ? '16rem' : undefined }
      : undefined;
  return (
    <table data-testid={testid}>
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={h} style={align(i)}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r[0]}>
            {r.map((c, i) => (
              <td key={i} style={align(i)}>
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const SORTS = [
  ['risk', 'churn risk'],
  ['mrr_at_stake', 'MRR at stake'],
] as const;

export function RiskPage({ params }: { params: URLSearchParams }) {
  const top = TOPS.includes(params.get('top') ?? '') ? (params.get('top') as string) : '20';
  const sort = params.get('sort') === 'mrr_at_stake' ? 'mrr_at_stake' : 'risk';
  const risk = useApi<RiskAnswer>(`/api/risk${query({ top, sort: sort === 'risk' ? undefined : sort })}`);
  const choose = (key: string) => (e: Event) =>
    navigate(withParams({ [key]: (e.currentTarget as HTMLSelectElement).value }));
  return (
    <section>
      <h1>Churn risk</h1>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Customers listed
          <select name="top" value={top} onChange={choose('top')}>
            {TOPS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Listed by
          <select name="sort" value={sort} onChange={choose('sort')}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Show
        loaded={risk}
        what="churn risk (the model is trained on first use)"
        ready={(r) => <Report r={r} />}
      />
    </section>
  );
}

function Report({ r }: { r: RiskAnswer }) {
  const money = useMoney();
  const m = r.model;
  return (
    <>
      <p class="lede" data-testid="risk-lede">
        Probability of churning within the next {r.horizon_days} days, for every customer paying at the data's
        end ({r.as_of.slice(0, 10)}). The drivers are what raises each score most against an average customer.
      </p>
      <dl class="cards" data-testid="risk-summary">
        {summaryCells(r, money).map(([label, value]) => (
          <div class="card" key={label}>
            <dt class="name">{label}</dt>
            <dd class="value">{value}</dd>
          </div>
        ))}
      </dl>
      <h2>{r.sort === 'mrr_at_stake' ? 'Customers with the most MRR at stake' : 'Customers most at risk'}</h2>
      <Table
        testid="risk-customers"
        head={['customer', 'churn risk', 'MRR', 'MRR at stake (risk × MRR)', 'plan', 'drivers']}
        rows={r.customers.map((c) => customerCells(c, money))}
        words={[4, 5]}
      />
      <details data-testid="risk-model">
        <summary>How far to trust the model: accuracy on held-out months, calibration, coefficients</summary>
        <p class="lede">
          Trained on {m.training_snapshots.length} month starts ({m.training_rows} customer-months,{' '}
          {m.training_churns} churns), judged on{' '}
          {m.held_out_snapshots.map((s) => s.slice(0, 7)).join(' and ')} ({m.held_out_rows} customer-months,{' '}
          {m.held_out_churns} churns).
        </p>
        {m.left_out.length ? (
          <p class="lede" data-testid="risk-left-out">
            Left out, the same for every customer in training: {m.left_out.join(', ')}.
          </p>
        ) : null}
        <dl class="cards" data-testid="risk-model-summary">
          {modelCells(r).map(([label, value]) => (
            <div class="card" key={label}>
              <dt class="name">{label}</dt>
              <dd class="value">{value}</dd>
            </div>
          ))}
        </dl>
        <h2>Calibration on the held-out months</h2>
        <Table
          testid="risk-reliability"
          head={['predicted range', 'customers', 'mean predicted', 'observed']}
          rows={m.reliability.map(reliabilityCells)}
        />
        <h2>Coefficients (per standard deviation)</h2>
        <Table
          testid="risk-coefficients"
          head={['feature', 'estimate', 'standard error', '95% interval']}
          rows={m.coefficients.map(coefficientCells)}
        />
      </details>
    </>
  );
}
