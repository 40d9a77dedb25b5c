// A KPI's forecast on its detail page: for the forecastable KPIs at monthly grain, a choice of months ahead
// kept in the URL (?forecast=6), then the recent history, the forecast line and its 80% and 95% bands
// (shaded between their bounds), with the numbers in a table beside the chart.
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { isForecastKpi } from '../../../src/forecast/forecast-kpis.ts';
import type { ResultRow } from '../api.ts';
import { useMoney } from '../currency.ts';
import { formatValue, periodLabel } from '../format.ts';
import { navigate, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import { ChartCanvas } from './chart.tsx';
import { Show } from './states.tsx';

export const FORECAST_HORIZONS = ['3', '6', '12'] as const;
/** Months of history drawn before the forecast. */
const HISTORY_SHOWN = 12;
const LINE = '#d97706';
const BAND_95 = 'rgba(217, 119, 6, 0.14)';
const BAND_80 = 'rgba(217, 119, 6, 0.26)';

export interface ForecastRow {
  period_start: string;
  value: number | null;
  lower_80: number | null;
  upper_80: number | null;
  lower_95: number | null;
  upper_95: number | null;
}
interface ForecastAnswer {
  history: ResultRow[];
  forecast: ForecastRow[];
  history_end: string;
}

export function ForecastSection({
  id,
  grain,
  unit,
  params,
}: {
  id: string;
  grain: string;
  unit: string;
  params: URLSearchParams;
}) {
  const horizon = params.get('forecast') ?? '';
  const shown = isForecastKpi(id) && grain === 'month' && horizon !== '';
  const answer = useApi<ForecastAnswer>(
    shown ? `/api/kpis/${encodeURIComponent(id)}/forecast?horizon=${encodeURIComponent(horizon)}` : null,
  );
  if (!isForecastKpi(id)) return null;
  return (
    <section>
      <h2>Forecast</h2>
      {grain !== 'month' ? (
        <p class="lede">Forecasts are monthly: choose the month grain to see one.</p>
      ) : (
        <label>
          Months ahead{' '}
          <select
            name="forecast"
            value={horizon}
            onChange={(e) => navigate(withParams({ forecast: (e.currentTarget as HTMLSelectElement).value }))}
          >
            <option value="">off</option>
            {FORECAST_HORIZONS.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
      )}
      {shown && (
        <Show
          loaded={answer}
          what="the forecast"
          ready={(a) => <ForecastChart id={id} unit={unit} answer={a} />}
        />
      )}
    </section>
  );
}

function ForecastChart({ id, unit, answer }: { id: string; unit: string; answer: ForecastAnswer }) {
  const money = useMoney();
  const history = answer.history.slice(-HISTORY_SHOWN);
  const config = useMemo<ChartConfiguration>(() => {
    const labels = [...history, ...answer.forecast].map((r) => periodLabel(r.period_start, 'month'));
    const pad = history.map(() => null);
    // The forecast line starts at the last observed value so the two lines join.
    const last = history.at(-1)?.value ?? null;
    const ahead = (pick: (r: ForecastRow) => number | null) => [
      ...pad.slice(1),
      last,
      ...answer.forecast.map(pick),
    ];
    const band = (
      label: string,
      lower: (r: ForecastRow) => number | null,
      upper: typeof lower,
      color: string,
    ) =>
      [
        {
          label: `${label} upper`,
          data: ahead(upper),
          borderWidth: 0,
          pointRadius: 0,
          fill: '+1',
          backgroundColor: color,
        },
        { label: `${label} lower`, data: ahead(lower), borderWidth: 0, pointRadius: 0, fill: false },
      ] as ChartDataset<'line'>[];
    return {
      type: 'line',
      data: {
        labels,
        datasets: [
          ...band(
            '95%',
            (r) => r.lower_95,
            (r) => r.upper_95,
            BAND_95,
          ),
          ...band(
            '80%',
            (r) => r.lower_80,
            (r) => r.upper_80,
            BAND_80,
          ),
          {
            label: 'forecast',
            data: ahead((r) => r.value),
            borderColor: LINE,
            backgroundColor: LINE,
            borderDash: [6, 4],
          },
          {
            label: id,
            data: [...history.map((r) => r.value), ...answer.forecast.map(() => null)],
            borderColor: '#2563eb',
            backgroundColor: '#2563eb',
          },
        ],
      },
      options: {
        plugins: {
          legend: { labels: { filter: (item) => !/ (upper|lower)$/.test(item.text) } },
        },
      },
    };
  }, [answer]);
  return (
    <>
      <ChartCanvas config={config} label={`${id} forecast with 80% and 95% bands`} unit={unit} />
      <table data-testid="forecast">
        <thead>
          <tr>
            <th>month</th>
            <th>forecast</th>
            <th>80% from</th>
            <th>80% to</th>
            <th>95% from</th>
            <th>95% to</th>
          </tr>
        </thead>
        <tbody>
          {answer.forecast.map((r) => (
            <tr key={r.period_start}>
              <td>{periodLabel(r.period_start, 'month')}</td>
              <td>{formatValue(r.value, unit, money)}</td>
              <td>{formatValue(r.lower_80, unit, money)}</td>
              <td>{formatValue(r.upper_80, unit, money)}</td>
              <td>{formatValue(r.lower_95, unit, money)}</td>
              <td>{formatValue(r.upper_95, unit, money)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
