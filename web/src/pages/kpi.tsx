// KPI detail: the series over the range and grain (by a breakdown when chosen, with the total line kept),
// numerator and denominator per period, the definition in words, its lineage, and folded below, the SQL as
// run and the change log. Filters keep one slice of the customers; "compare" draws the previous range; a
// point of the chart, or a period in the table, opens the customers behind it where the result lists them.
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { KPI_ROWS } from '../../../src/compiler/drill/revenue-rows.ts';
import { type Definition, downloadCsv, query, type ResultRow } from '../api.ts';
import { ChartCanvas } from '../components/chart.tsx';
import { BREAKDOWNS, DimensionSelect } from '../components/dimension-select.tsx';
import { ForecastSection } from '../components/forecast.tsx';
import { ImpactSection } from '../components/impact.tsx';
import { RangeControls } from '../components/range-controls.tsx';
import { SEGMENT_COLORS, segmentColor, totalColor } from '../components/series-colors.ts';
import { Empty, Show } from '../components/states.tsx';
import { targetDatasets, useTarget } from '../components/target-band.ts';
import { TargetNote } from '../components/target-note.tsx';
import { useMoney } from '../currency.ts';
import { formatNumber, formatValue, periodLabel } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import { previousRange } from '../presets.ts';
import type { Range } from '../range.ts';
import { navigate, onLink } from '../router.ts';
import { filterParam, parseFilters, withFilter } from '../segment-filter.ts';
import { useApi } from '../use-api.ts';
import { drillHref } from './overview.tsx';

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

/** Breakdowns whose segments are customers' own (a point of one can be drilled into). */
const CUSTOMER_DIMENSIONS: ReadonlySet<string> = new Set(BREAKDOWNS);

/** Where a point (period, segment) of a KPI's chart leads: its customers, when the result lists them. */
export function pointHref(
  id: string,
  periodStart: string,
  grain: string,
  segment: { by: string | undefined; value: string },
  filter: string | null,
): string | undefined {
  if (!Object.hasOwn(KPI_ROWS, id)) return undefined;
  let filters = parseFilters(filter);
  if (segment.by !== undefined && segment.value !== 'all') {
    if (!CUSTOMER_DIMENSIONS.has(segment.by) && !segment.by.startsWith('attributes.')) return undefined;
    filters = withFilter(filters, segment.by, segment.value);
  }
  return drillHref({ result: id, side: 'numerator' }, periodStart, grain, filterParam(filters) ?? null);
}

export function KpiPage({ id, range, params }: { id: string; range: Range; params: URLSearchParams }) {
  const by = params.get('by') ?? undefined;
  const filter = params.get('filter') ?? undefined;
  const compare = params.get('compare') === 'previous';
  const detail = useApi<CatalogDetail>(`/api/catalog/${encodeURIComponent(id)}`);
  const seriesPath = `/api/kpis/${encodeURIComponent(id)}/series${query({ ...range, by, filter })}`;
  const series = useApi<{ results: ResultRow[] }>(seriesPath);
  // A breakdown keeps the total: the same series without it.
  const total = useApi<{ results: ResultRow[] }>(
    by ? `/api/kpis/${encodeURIComponent(id)}/series${query({ ...range, filter })}` : null,
  );
  const before = useApi<{ results: ResultRow[] }>(
    compare
      ? `/api/kpis/${encodeURIComponent(id)}/series${query({ ...previousRange(range), grain: range.grain, filter })}`
      : null,
  );
  // The whole-company target at this grain, drawn as a band (a range) or a line (a value); none for a slice.
  const companyTarget = useTarget(id, range.grain);
  const target = filter ? undefined : companyTarget;
  return (
    <section>
      <Show
        loaded={detail}
        what="the definition"
        ready={(d) => (
          <>
            <h1>{d.definition.name}</h1>
            <p class="lede">{d.definition.description}</p>
            <RangeControls range={range} filters compare>
              <DimensionSelect label="Breakdown" param="by" value={by ?? ''} none="none" periods />
            </RangeControls>
            <Show
              loaded={series}
              what="the series"
              ready={(s) => (
                <Series
                  id={id}
                  rows={s.results}
                  totalRows={by && total.state === 'ready' ? total.data.results : undefined}
                  previousRows={compare && before.state === 'ready' ? before.data.results : undefined}
                  unit={d.definition.unit}
                  range={range}
                  by={by}
                  filter={filter ?? null}
                  target={target}
                  csvPath={seriesPath}
                />
              )}
            />
            <ForecastSection id={id} grain={range.grain} unit={d.definition.unit} params={params} />
            <ImpactSection
              id={id}
              name={d.definition.name}
              higherIsBetter={d.definition.higher_is_better}
              params={params}
            />
            <DefinitionSection detail={d} />
            <details class="engineering">
              <summary>The SQL as run</summary>
              <Sql id={id} grain={range.grain} />
            </details>
            <details class="engineering">
              <summary>Change log</summary>
              <ChangeLog entries={d.change_log} />
            </details>
          </>
        )}
      />
    </section>
  );
}

function Series({
  id,
  rows,
  totalRows,
  previousRows,
  unit,
  range,
  by,
  filter,
  target,
  csvPath,
}: {
  id: string;
  rows: ResultRow[];
  totalRows: ResultRow[] | undefined;
  previousRows: ResultRow[] | undefined;
  unit: string;
  range: Range;
  by: string | undefined;
  filter: string | null;
  target: TargetCheck | undefined;
  csvPath: string;
}) {
  const money = useMoney();
  const grain = range.grain;
  const main = rows.filter((r) => r.kpi === id);
  const starts = [...new Set(main.map((r) => r.period_start))].sort();
  const segments = [...new Set(main.map((r) => r.segment))];
  const config = useMemo<ChartConfiguration>(() => {
    const labels = starts.map((s) => periodLabel(s, grain));
    const bands = targetDatasets(target, labels.length);
    const valueAt = (list: ResultRow[], segment: string, start: string) =>
      list.find((r) => r.kpi === id && r.segment === segment && r.period_start === start)?.value ?? null;
    const total = totalRows
      ? [
          {
            label: 'total',
            data: starts.map((s) => valueAt(totalRows, 'all', s)),
            borderColor: totalColor(),
            backgroundColor: totalColor(),
            borderWidth: 3,
            spanGaps: false,
          },
        ]
      : [];
    const previous = previousRows
      ? [
          {
            label: `previous ${starts.length} ${grain}s`,
            data: [...new Set(previousRows.filter((r) => r.kpi === id).map((r) => r.period_start))]
              .sort()
              .map((s) => valueAt(previousRows, 'all', s)),
            borderColor: SEGMENT_COLORS[7],
            borderDash: [4, 4],
            borderWidth: 1.5,
            pointRadius: 0,
            spanGaps: false,
          },
        ]
      : [];
    return {
      type: 'line',
      data: {
        labels,
        datasets: [
          ...segments.map((segment, i) => ({
            label: segment === 'all' ? 'value' : segment,
            data: starts.map((s) => valueAt(main, segment, s)),
            borderColor: segment === 'all' ? totalColor() : segmentColor(i),
            backgroundColor: segment === 'all' ? totalColor() : segmentColor(i),
            borderWidth: segment === 'all' ? 2.5 : 1.5,
            spanGaps: false,
          })),
          ...total,
          ...previous,
          ...bands,
        ],
      },
      options: {
        plugins: { legend: { display: segments.length > 1 || bands.length > 0 || previous.length > 0 } },
        onClick: (_event: unknown, elements: { index: number; datasetIndex: number }[]) => {
          const hit = elements[0];
          const start = hit ? starts[hit.index] : undefined;
          if (!hit || start === undefined) return;
          const segment = hit.datasetIndex < segments.length ? (segments[hit.datasetIndex] ?? 'all') : 'all';
          if (hit.datasetIndex >= segments.length + total.length) return;
          const href = pointHref(id, start, grain, { by, value: segment }, filter);
          if (href) navigate(href);
        },
      },
    };
  }, [rows, totalRows, previousRows, grain, target, by, filter]);
  if (rows.length === 0) return <Empty>No results for this range.</Empty>;
  const drillable = Object.hasOwn(KPI_ROWS, id);
  return (
    <>
      <ChartCanvas config={config} label={`${id} per period`} unit={unit} />
      {drillable ? (
        <p class="plain-note">Click a point, or a period in the table, for the customers behind it.</p>
      ) : null}
      <TargetNote target={target} unit={unit} />
      <div class="table-head">
        <h2 class="keep-case">Per period</h2>
        <button
          type="button"
          data-testid="series-csv"
          onClick={() => void downloadCsv(`${csvPath}&format=csv`, `${id}-${range.from}-${range.to}`)}
        >
          Download CSV
        </button>
      </div>
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
          {rows.map((r) => {
            const href =
              r.kpi === id
                ? pointHref(id, r.period_start, grain, { by, value: r.segment }, filter)
                : undefined;
            const label = periodLabel(r.period_start, grain);
            return (
              <tr key={`${r.kpi}|${r.segment}|${r.period_start}`}>
                <td>
                  {href ? (
                    <a href={href} onClick={onLink}>
                      {label}
                    </a>
                  ) : (
                    label
                  )}
                </td>
                <td>{r.kpi}</td>
                <td>{r.segment}</td>
                <td>{r.kpi === id ? formatValue(r.value, unit, money) : formatNumber(r.value)}</td>
                <td>{formatNumber(r.numerator)}</td>
                <td>{formatNumber(r.denominator)}</td>
                <td>{formatNumber(r.n)}</td>
                <td>{r.flags.join(', ')}</td>
              </tr>
            );
          })}
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
