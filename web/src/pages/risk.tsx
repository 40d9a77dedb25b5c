// Risk: the customers most likely to churn within the horizon, with their drivers and the MRR at stake,
// and how far to trust the model: AUC and Brier score on held-out months against tenure alone, its
// reliability table and coefficients with intervals.
import { query } from '../api.ts';
import { Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { navigate, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import {
  coefficientCells,
  customerCells,
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
  const align = (i: number) => (words.includes(i) ? { textAlign: 'left' as const } : undefined);
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

export function RiskPage({ params }: { params: URLSearchParams }) {
  const top = TOPS.includes(params.get('top') ?? '') ? (params.get('top') as string) : '20';
  const risk = useApi<RiskAnswer>(`/api/risk${query({ top })}`);
  return (
    <section>
      <h1>Churn risk</h1>
      <div class="controls">
        <label>
          customers listed
          <select
            value={top}
            onChange={(e) => navigate(withParams({ top: (e.currentTarget as HTMLSelectElement).value }))}
          >
            {TOPS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
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
      <p class="lede">
        Probability of churning within {r.horizon_days} days of {r.scored_at.slice(0, 10)}, for every customer
        paying then; drivers are what raises each score most against an average customer. Trained on{' '}
        {m.training_snapshots.length} month starts ({m.training_rows} customer-months, {m.training_churns}{' '}
        churns), judged on {m.held_out_snapshots.map((s) => s.slice(0, 7)).join(' and ')} ({m.held_out_rows}{' '}
        customer-months, {m.held_out_churns} churns).
      </p>
      {m.left_out.length ? (
        <p class="lede" data-testid="risk-left-out">
          Left out, the same for every customer in training: {m.left_out.join(', ')}.
        </p>
      ) : null}
      <dl class="cards" data-testid="risk-summary">
        {summaryCells(r, money).map(([label, value]) => (
          <div class="card" key={label}>
            <dt class="name">{label}</dt>
            <dd class="value">{value}</dd>
          </div>
        ))}
      </dl>
      <h2>Customers most at risk</h2>
      <Table
        testid="risk-customers"
        head={['customer', 'churn risk', 'MRR', 'expected MRR lost', 'plan', 'drivers']}
        rows={r.customers.map((c) => customerCells(c, money))}
        words={[4, 5]}
      />
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
    </>
  );
}
