// Survival: Kaplan–Meier curves of customers' first paying spells (months) by a breakdown, each with its
// pointwise confidence band; medians, RMST (the model-based average lifespan within the horizon) and the
// log-rank test; and the sBG model per cohort of first payments. Tenure is the data's, not the range's:
// the page reads up to the data's end, and the breakdown is in the URL (`by`).
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { query } from '../api.ts';
import { ChartCanvas, PALETTE } from '../components/chart.tsx';
import { DimensionSelect } from '../components/dimension-select.tsx';
import { Empty, Show } from '../components/states.tsx';
import { formatNumber, formatPercent } from '../format.ts';
import { useApi } from '../use-api.ts';
import {
  formatMedian,
  formatPValue,
  type SbgReport,
  type SurvivalReport,
  sbgCells,
} from './survival-data.ts';

export function SurvivalPage({ params }: { params: URLSearchParams }) {
  const by = params.get('by') ?? undefined;
  const survival = useApi<SurvivalReport>(`/api/survival${query({ by })}`);
  const sbg = useApi<SbgReport>('/api/sbg');
  return (
    <section>
      <h1>Survival</h1>
      <p class="lede">
        How long customers keep paying: each customer's first paying spell, from the first payment to the
        first time MRR falls to 0, in whole months; customers still paying are censored at the data's end.
      </p>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <DimensionSelect label="Breakdown" param="by" value={by ?? ''} none="none" />
      </form>
      <Show loaded={survival} what="the survival curves" ready={(r) => <Curves report={r} />} />
      <h2 class="keep-case">Expected lifetime by cohort of first payments (sBG model)</h2>
      <Show loaded={sbg} what="the sBG fits" ready={(r) => <SbgTable report={r} />} />
    </section>
  );
}

function Curves({ report }: { report: SurvivalReport }) {
  const config = useMemo<ChartConfiguration>(() => {
    const datasets = report.segments.flatMap((s, i) => {
      const color = PALETTE[i % PALETTE.length] as string;
      const points = (key: 'survival' | 'lower' | 'upper') => [
        { x: 0, y: 1 },
        ...s.steps.map((step) => ({ x: step.time, y: step[key] })),
      ];
      return [
        {
          label: `${s.segment} lower`,
          data: points('lower'),
          borderWidth: 0,
          pointRadius: 0,
          stepped: 'after' as const,
          fill: false,
        },
        {
          label: `${s.segment} band`,
          data: points('upper'),
          borderWidth: 0,
          pointRadius: 0,
          stepped: 'after' as const,
          fill: '-1',
          backgroundColor: `${color}33`,
        },
        {
          label: s.segment,
          data: points('survival'),
          borderColor: color,
          backgroundColor: color,
          pointRadius: 0,
          stepped: 'after' as const,
        },
      ];
    });
    return {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: { type: 'linear', title: { display: true, text: 'months since the first payment' } },
          y: { min: 0, max: 1, title: { display: true, text: 'share still paying' } },
        },
        plugins: {
          legend: { labels: { filter: (item) => !/ (lower|band)$/.test(item.text) } },
        },
      },
    };
  }, [report]);
  if (report.segments.length === 0) return <Empty>No paying customer yet.</Empty>;
  const level = formatPercent(report.level);
  return (
    <>
      <ChartCanvas config={config} label="Kaplan–Meier survival curves with confidence bands" unit="rate" />
      {report.log_rank ? (
        <p data-testid="log-rank">
          Log-rank test: χ² = {formatNumber(report.log_rank.chi_square)} on {report.log_rank.df} df, p ={' '}
          {formatPValue(report.log_rank.p_value)}
        </p>
      ) : null}
      <table data-testid="survival-summary">
        <caption>
          Medians and RMST to {report.horizon} months (the average months paid within the first{' '}
          {report.horizon})
        </caption>
        <thead>
          <tr>
            <th>segment</th>
            <th>customers</th>
            <th>churned</th>
            <th>median (months)</th>
            <th>RMST (months)</th>
            <th>std. error</th>
          </tr>
        </thead>
        <tbody>
          {report.segments.map((s) => (
            <tr key={s.segment}>
              <td>{s.segment}</td>
              <td>{formatNumber(s.n)}</td>
              <td>{formatNumber(s.events)}</td>
              <td>{formatMedian(s.median)}</td>
              <td>{formatNumber(s.rmst.rmst)}</td>
              <td>{formatNumber(s.rmst.standard_error)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details data-testid="survival-steps">
        <summary>Survival month by month, with its {level} interval</summary>
        <table data-testid="survival-table">
          <caption>Survival by month with its {level} interval</caption>
          <thead>
            <tr>
              <th>segment</th>
              <th>month</th>
              <th>at risk</th>
              <th>churned</th>
              <th>censored</th>
              <th>survival</th>
              <th>lower</th>
              <th>upper</th>
            </tr>
          </thead>
          <tbody>
            {report.segments.flatMap((s) =>
              s.steps.map((step) => (
                <tr key={`${s.segment}-${step.time}`}>
                  <td>{s.segment}</td>
                  <td>{step.time}</td>
                  <td>{formatNumber(step.at_risk)}</td>
                  <td>{formatNumber(step.events)}</td>
                  <td>{formatNumber(step.censored)}</td>
                  <td>{formatPercent(step.survival)}</td>
                  <td>{formatPercent(step.lower)}</td>
                  <td>{formatPercent(step.upper)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </details>
    </>
  );
}

function SbgTable({ report }: { report: SbgReport }) {
  if (report.cohorts.length === 0) return <Empty>No cohort of first payments yet.</Empty>;
  return (
    <table data-testid="sbg">
      <caption>
        The shifted-beta-geometric model fitted to each cohort: α and β (standard errors in brackets), the
        expected lifetime E(T) and DERL at {formatPercent(report.discount)} a month, in months
      </caption>
      <thead>
        <tr>
          <th>cohort</th>
          <th>size</th>
          <th>months seen</th>
          <th>α</th>
          <th>β</th>
          <th>E(T)</th>
          <th>DERL</th>
          <th class="plain-note">what the fit says</th>
        </tr>
      </thead>
      <tbody>
        {report.cohorts.map((c) => (
          <tr key={c.cohort}>
            {sbgCells(c).map((text, i) => (
              <td key={i} class={i === 7 ? 'plain-note' : i === 0 ? 'nowrap' : undefined}>
                {text}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
