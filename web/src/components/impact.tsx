// "What a move is worth" on a KPI's page: for the KPIs Tenure prices (src/goals/impact-kpis.ts), a choice of
// move kept in the URL (?move=-0.01; the good direction by a point is the default), the headline ("worth
// +$35,850 MRR in 12 months"), MRR, monthly NRR and lifetime value with and without the move, and how it is
// worked out (the chain and the assumptions) under a disclosure.
import { impactMoves, isImpactKpi } from '../../../src/goals/impact-kpis.ts';
import { useMoney } from '../currency.ts';
import { formatDelta, formatTerm } from '../format.ts';
import { navigate, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import { Show } from './states.tsx';

interface Range {
  baseline: number;
  scenario: number;
  change: number;
  low: number;
  high: number;
}
export interface ImpactAnswer {
  kpi: string;
  change: number;
  unit: 'rate' | 'currency';
  horizon: number;
  via: 'identity' | 'model';
  mrr: Range;
  net_revenue_retention: Range;
  customer_lifetime_value: Range | null;
  chain: string[];
  assumptions: string[];
}

export function ImpactSection({
  id,
  name,
  higherIsBetter,
  params,
}: {
  id: string;
  name: string;
  higherIsBetter: boolean;
  params: URLSearchParams;
}) {
  const moves = isImpactKpi(id) ? impactMoves(id, higherIsBetter) : [];
  const move = params.get('move') ?? String(moves[0] ?? '');
  const answer = useApi<ImpactAnswer>(
    moves.length > 0 ? `/api/kpis/${encodeURIComponent(id)}/impact?change=${encodeURIComponent(move)}` : null,
  );
  const money = useMoney();
  if (!isImpactKpi(id)) return null;
  const moveText = (m: number) => formatDelta(m, m !== 0 && Math.abs(m) >= 1 ? 'currency' : 'rate', money);
  return (
    <section class="impact" data-testid="impact">
      <h2 class="keep-case">What a move is worth</h2>
      <label>
        If {name} moves by{' '}
        <select
          name="move"
          value={move}
          onChange={(e) => navigate(withParams({ move: (e.currentTarget as HTMLSelectElement).value }))}
        >
          {moves.map((m) => (
            <option key={m} value={String(m)}>
              {moveText(m)}
            </option>
          ))}
        </select>
      </label>
      <Show
        loaded={answer}
        what="what the move is worth"
        ready={(a) => <ImpactFigures answer={a} name={name} moveText={moveText(a.change)} />}
      />
    </section>
  );
}

function ImpactFigures({
  answer: a,
  name,
  moveText,
}: {
  answer: ImpactAnswer;
  name: string;
  moveText: string;
}) {
  const money = useMoney();
  const signed = (v: number, unit: string) =>
    formatDelta(v, unit, { ...money, digits: unit === 'rate' ? 2 : 0 });
  const rows: [string, Range | null, string][] = [
    [`MRR in ${a.horizon} months`, a.mrr, 'currency'],
    ['Monthly NRR then', a.net_revenue_retention, 'rate'],
    ['Customer lifetime value then', a.customer_lifetime_value, 'currency'],
  ];
  return (
    <>
      <p class="impact-headline" data-testid="impact-headline">
        {name} {moveText} is worth <strong>{signed(a.mrr.change, 'currency')} MRR</strong> in {a.horizon}{' '}
        months{' '}
        <span class="means">
          (95%: {signed(a.mrr.low, 'currency')} to {signed(a.mrr.high, 'currency')})
        </span>
      </p>
      <table data-testid="impact-table">
        <thead>
          <tr>
            <th />
            <th>without</th>
            <th>with</th>
            <th>change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, r, unit]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{r ? formatTerm(r.baseline, unit, money) : 'no value'}</td>
              <td>{r ? formatTerm(r.scenario, unit, money) : ''}</td>
              <td>{r ? signed(r.change, unit) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>
          How this is worked out (
          {a.via === 'model' ? 'through a fitted model' : 'through the KPI tree’s identities'})
        </summary>
        <ol>
          {a.chain.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ol>
        <p>Assuming:</p>
        <ul>
          {a.assumptions.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </details>
    </>
  );
}
