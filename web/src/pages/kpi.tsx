// KPI detail: the series over the range and grain (by a breakdown when chosen), numerator and denominator
// per period, the definition in words, its lineage, the SQL as run and the change log.
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { type Definition, query, type ResultRow } from '../api.ts';
import { ChartCanvas, PALETTE } from '../components/chart.tsx';
import { DimensionSelect } from '../components/dimension-select.tsx';
import { ForecastSection } from '../components/forecast.tsx';
import { RangeControls } from '../components/range-controls.tsx';
import { Empty, Show } from '../components/states.tsx';
import { targetDatasets, useTarget } from '../components/target-band.ts';
import { TargetNote } from '../components/target-note.tsx';
import { useMoney } from '../currency.ts';
import { formatNumber, formatValue, periodLabel } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import type { Range } from '../range.ts';
import { useApi } from '../use-api.ts';

interface CatalogDetail {
  definition: Definition;
  hash: string;
  overridden: string[];
  change_log: Record<string, unknown>[];
}
interface Explain {
  as_of: string | null;
  statements: { sql: string; params: unknown[]; seconds: number }[];
}

export function KpiPage({ id, range, params }: { id: string; range: Range; params: URLSearchParams }) {
  const by = params.get('by') ?? undefined;
  const detail = useApi<CatalogDetail>(`/api/catalog/${encodeURIComponent(id)}`);
  const series = useApi<{ results: ResultRow[] }>(
    `/api/kpis/${encodeURIComponent(id)}/series${query({ ...range, by })}`,
  );
  // The whole-company target at this grain, drawn as a band (a range) or a line (a value).
  const target = useTarget(id, range.grain);
  return (
    <section>
      <Show
        loaded={detail}
        what="the definition"
        ready={(d) => (
          <>
            <h1>{d.definition.name}</h1>
            <p class="lede">{d.definition.description}</p>
            <RangeControls range={range}>
              <DimensionSelect label="Breakdown" param="by" value={by ?? ''} none="none" />
            </RangeControls>
            <Show
              loaded={series}
              what="the series"
              ready={(s) => (
                <Series
                  id={id}
                  rows={s.results}
                  unit={d.definition.unit}
                  grain={range.grain}
                  target={target}
                />
              )}
            />
            <ForecastSection id={id} grain={range.grain} unit={d.definition.unit} params={params} />
            <DefinitionSection detail={d} />
            <Sql id={id} grain={range.grain} />
            <ChangeLog entries={d.change_log} />
          </>
        )}
      />
    </section>
  );
}

function Series({
  id,
  rows,
  unit,
  grain,
  target,
}: {
  id: string;
  rows: ResultRow[];
  unit: string;
  grain: string;
  target: TargetCheck | undefined;
}) {
  const money = useMoney();
  const main = rows.filter((r) => r.kpi === id);
  const config = useMemo<ChartConfiguration>(() => {
    const labels = [...new Set(main.map((r) => periodLabel(r.period_start, grain)))];
    const segments = [...new Set(main.map((r) => r.segment))];
    const bands = targetDatasets(target, labels.length);
    return {
      type: 'line',
      data: {
        labels,
        datasets: [
          ...segments.map((segment, i) => ({
            label: segment,
            data: labels.map(
              (l) =>
                main.find((r) => r.segment === segment && periodLabel(r.period_start, grain) === l)?.value ??
                null,
            ),
            borderColor: PALETTE[i % PALETTE.length],
            backgroundColor: PALETTE[i % PALETTE.length],
            spanGaps: false,
          })),
          ...bands,
        ],
      },
      options: { plugins: { legend: { display: segments.length > 1 || bands.length > 0 } } },
    };
  }, [rows, grain, target]);
  if (rows.length === 0) return <Empty>No results for this range.</Empty>;
  return (
    <>
      <ChartCanvas config={config} label={`${id} per period`} unit={unit} />
      <TargetNote target={target} unit={unit} />
      <table data-testid="series">
        <thead>
          <tr>
            <th>period</th>
            <th>kpi</th>
            <th>segment</th>
            <th>value</th>
            <th>numerator</th>
            <th>denominator</th>
            <th>n</th>
            <th>flags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.kpi}|${r.segment}|${r.period_start}`}>
              <td>{periodLabel(r.period_start, grain)}</td>
              <td>{r.kpi}</td>
              <td>{r.segment}</td>
              <td>{r.kpi === id ? formatValue(r.value, unit, money) : formatNumber(r.value)}</td>
              <td>{formatNumber(r.numerator)}</td>
              <td>{formatNumber(r.denominator)}</td>
              <td>{formatNumber(r.n)}</td>
              <td>{r.flags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function DefinitionSection({ detail }: { detail: CatalogDetail }) {
  const d = detail.definition;
  return (
    <section class="definition">
      <h2>Definition</h2>
      <dl>
        <dt>formula</dt>
        <dd data-testid="formula">{d.formula}</dd>
        <dt>activity · kind · unit</dt>
        <dd>
          {d.activity.replaceAll('_', ' ')} · {d.kind} · {d.unit}
        </dd>
        <dt>parameters</dt>
        <dd>
          {Object.keys(d.params).length === 0
            ? 'none'
            : Object.entries(d.params)
                .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
                .join('; ')}
          {detail.overridden.length ? ` (overridden: ${detail.overridden.join(', ')})` : ''}
        </dd>
        <dt>version · hash</dt>
        <dd>
          v{d.version} · <code>{detail.hash.slice(0, 12)}</code>
        </dd>
      </dl>
      <h3>Lineage</h3>
      <ul data-testid="lineage">
        {d.lineage.map((l) => (
          <li key={l.table}>
            <code>{l.table}</code>: {l.columns.join(', ')}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Sql({ id, grain }: { id: string; grain: string }) {
  const explain = useApi<Explain>(`/api/kpis/${encodeURIComponent(id)}/explain${query({ grain })}`);
  return (
    <section>
      <h2>SQL as run</h2>
      <Show
        loaded={explain}
        what="the SQL"
        ready={(e) =>
          e.statements.length === 0 ? (
            <Empty>No statement recorded.</Empty>
          ) : (
            e.statements.map((s, i) => (
              <figure key={String(i)}>
                <pre class="sql" data-testid="sql">
                  {s.sql}
                </pre>
                <figcaption>
                  parameters {JSON.stringify(s.params)} · {s.seconds.toFixed(3)} s
                </figcaption>
              </figure>
            ))
          )
        }
      />
    </section>
  );
}

function ChangeLog({ entries }: { entries: Record<string, unknown>[] }) {
  const columns = [...new Set(entries.flatMap((e) => Object.keys(e)))];
  return (
    <section>
      <h2>Change log</h2>
      {entries.length === 0 ? (
        <Empty>This warehouse has not computed with an earlier definition.</Empty>
      ) : (
        <table data-testid="change-log">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={String(i)}>
                {columns.map((c) => (
                  <td key={c}>{String(e[c] ?? '')}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
