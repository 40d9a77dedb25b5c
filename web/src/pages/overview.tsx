// Overview: first the headline a board deck carries (MRR, ARR, NRR and GRR for the period and the trailing
// 12 months, logo churn, ARPA, new, expansion and churned MRR, paying customers), each for the latest
// complete period with the period before, the same period a year earlier, its target's status and a
// sparkline, and a link to the customers behind it; then the whole catalog, a card per KPI, in one
// collapsible group per activity. A status is shown only for a whole-company target set at the range's own
// grain (a quarter is never judged against a monthly target) and only when no filter narrows the customers.
// Filters, presets and the kind toggle are in the URL.
import { type CatalogEntry, query, type ResultRow } from '../api.ts';
import { RangeControls } from '../components/range-controls.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { Empty, Show } from '../components/states.tsx';
import { StatusBadge } from '../components/status.tsx';
import { useMoney } from '../currency.ts';
import { changeTone, formatChange, formatValue, periodLabel } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import { yearAgoStart } from '../presets.ts';
import type { Range } from '../range.ts';
import { navigate, onLink, withParams } from '../router.ts';
import { filterLabel, parseFilters } from '../segment-filter.ts';
import { useApi } from '../use-api.ts';
import { type BridgeRow, type HeadlineValue, headlinePaths, headlineValues, targetAt } from './headline.ts';
import { latestComplete } from './series.ts';

const KINDS = ['all', 'leading', 'lagging'] as const;

/** The drill-down's URL for a result in one period (and the page's filter). */
export function drillHref(
  drill: { result: string; side: string },
  period: string,
  grain: string,
  filter: string | null,
): string {
  return `/drill${query({ result: drill.result, side: drill.side, period: period.slice(0, 10), grain, filter: filter ?? undefined })}`;
}

export function OverviewPage({ range, params }: { range: Range; params: URLSearchParams }) {
  const kind = params.get('kind') ?? 'all';
  const filter = params.get('filter');
  const catalog = useApi<{ kpis: CatalogEntry[] }>('/api/catalog');
  const series = useApi<{ results: ResultRow[] }>(
    `/api/kpis${query({ ids: 'all', ...range, filter: filter ?? undefined })}`,
  );
  // Statuses are an addition: the cards show without them while targets load, or when they fail.
  const targets = useApi<{ targets: TargetCheck[] }>('/api/targets');
  const checks = targets.state === 'ready' ? targets.data.targets : [];
  const filtered = parseFilters(filter).length > 0;
  return (
    <section>
      <h1>Retention at a glance</h1>
      <RangeControls range={range} filters />
      <Headline range={range} filter={filter} checks={checks} />
      <h2 class="keep-case">Every KPI in the catalog</h2>
      <fieldset class="toggle" aria-label="kind">
        {KINDS.map((k) => (
          <button
            type="button"
            key={k}
            data-kind={k}
            aria-pressed={kind === k}
            onClick={() => navigate(withParams({ kind: k === 'all' ? undefined : k }))}
          >
            {k}
          </button>
        ))}
      </fieldset>
      <Show
        loaded={catalog}
        what="the catalog"
        ready={(c) => (
          <Show
            loaded={series}
            what="every KPI"
            ready={(s) => (
              <Cards
                kpis={c.kpis.filter((k) => kind === 'all' || k.kind === kind)}
                rows={s.results}
                range={range}
                checks={checks}
                filtered={filtered}
              />
            )}
          />
        )}
      />
    </section>
  );
}

function Headline({ range, filter, checks }: { range: Range; filter: string | null; checks: TargetCheck[] }) {
  // The range and the year before it: each number beside the same period a year earlier (the very
  // requests the server's warm-up makes).
  const paths = headlinePaths(range, filter ?? undefined);
  const kpis = useApi<{ results: ResultRow[] }>(paths.kpis);
  const bridge = useApi<{ rows: BridgeRow[] }>(paths.bridge);
  return (
    <Show
      loaded={kpis}
      what="the headline"
      ready={(k) => (
        <Show
          loaded={bridge}
          what="the MRR bridge"
          ready={(b) => {
            const values = headlineValues(k.results, b.rows, range);
            const period = values[0]?.period;
            if (period === undefined) return <Empty>No complete period in this range.</Empty>;
            return (
              <section class="headline" data-testid="headline" aria-label="headline numbers">
                <p class="lede" data-testid="headline-period">
                  {periodLabel(period, range.grain)}, against the {range.grain} before and{' '}
                  {periodLabel(yearAgoStart(period, range.grain), range.grain)}
                  {filter ? ` · only ${parseFilters(filter).map(filterLabel).join(', ')}` : ''}
                </p>
                <div class="headline-cards">
                  {values.map((v) => (
                    <HeadlineCard
                      key={v.spec.id}
                      value={v}
                      grain={range.grain}
                      filter={filter}
                      check={targetAt(checks, v.spec.target, range.grain, filter !== null)}
                    />
                  ))}
                </div>
              </section>
            );
          }}
        />
      )}
    />
  );
}

function HeadlineCard({
  value,
  grain,
  filter,
  check,
}: {
  value: HeadlineValue;
  grain: string;
  filter: string | null;
  check: TargetCheck | undefined;
}) {
  const money = useMoney();
  const { spec } = value;
  const change = (then: number | null) => formatChange(value.current, then, spec.unit, money);
  const tone = (then: number | null) =>
    changeTone(value.current, then, spec.unit, spec.higherIsBetter, money);
  const previous = change(value.previous);
  const lastYear = change(value.lastYear);
  return (
    <article class="headline-card" data-headline={spec.id}>
      <h3>
        {spec.label} <StatusBadge status={check?.status} guardrails={check?.guardrails} />
      </h3>
      <span class="figure" data-testid="value">
        {formatValue(value.current, spec.unit, money)}
      </span>
      <span class="means">{spec.means}</span>
      <dl class="compare">
        <dt>vs {grain} before</dt>
        <dd class={tone(value.previous)} data-testid="vs-previous">
          {previous ?? '—'}
        </dd>
        <dt>vs a year ago</dt>
        <dd class={tone(value.lastYear)} data-testid="vs-last-year">
          {lastYear ?? '—'}
        </dd>
      </dl>
      <Sparkline values={value.series} />
      {value.period ? (
        <a
          class="drill-link"
          href={drillHref(spec.drill, value.period, grain, filter)}
          onClick={onLink}
          data-testid="drill"
        >
          Customers behind it →
        </a>
      ) : null}
    </article>
  );
}

function Cards({
  kpis,
  rows,
  range,
  checks,
  filtered,
}: {
  kpis: CatalogEntry[];
  rows: ResultRow[];
  range: Range;
  checks: TargetCheck[];
  filtered: boolean;
}) {
  if (kpis.length === 0) return <Empty>No KPI of this kind in the catalog.</Empty>;
  const byKpi = new Map<string, ResultRow[]>();
  for (const r of rows) {
    if (r.segment !== 'all') continue;
    byKpi.set(r.kpi, [...(byKpi.get(r.kpi) ?? []), r]);
  }
  // The company's own metrics (metrics: in tenure.yaml) first, open; then the catalog's, by activity.
  const own = kpis.filter((k) => k.custom);
  const groups = [
    ...(own.length > 0 ? [{ key: 'own', title: 'Your metrics', members: own }] : []),
    ...[...new Set(kpis.filter((k) => !k.custom).map((k) => k.activity))].map((activity) => ({
      key: activity,
      title: activity.replaceAll('_', ' '),
      members: kpis.filter((k) => !k.custom && k.activity === activity),
    })),
  ];
  return (
    <div data-testid="overview" data-ready="true">
      {groups.map(({ key, title, members }) => {
        const statuses = members
          .map((k) => targetAt(checks, k.id, range.grain, filtered)?.status)
          .filter((s) => s === 'off_track' || s === 'at_risk');
        return (
          <details key={key} class="activity" data-activity={key} open={key === 'own'}>
            <summary>
              <h3>{title}</h3>
              <span class="group-note">
                {members.length} KPI{members.length === 1 ? '' : 's'}
                {statuses.length > 0 ? ` · ${statuses.length} off plan` : ''}
              </span>
            </summary>
            <div class="cards">
              {members.map((k) => (
                <Card
                  key={k.id}
                  kpi={k}
                  rows={byKpi.get(k.id) ?? []}
                  range={range}
                  check={targetAt(checks, k.id, range.grain, filtered)}
                />
              ))}
            </div>
          </details>
        );
      })}
    </div>
  );
}

function Card({
  kpi,
  rows,
  range,
  check,
}: {
  kpi: CatalogEntry;
  rows: ResultRow[];
  range: Range;
  check: TargetCheck | undefined;
}) {
  const money = useMoney();
  const { latest, previous } = latestComplete(rows);
  const change = latest && previous ? formatChange(latest.value, previous.value, kpi.unit, money) : null;
  const tone = changeTone(latest?.value, previous?.value, kpi.unit, kpi.higher_is_better, money);
  const params = new URLSearchParams(location.search);
  const href = `/kpi/${kpi.id}${query({ from: range.from, to: range.to, grain: range.grain, filter: params.get('filter') ?? undefined })}`;
  return (
    <a class="card" href={href} onClick={onLink} data-kpi={kpi.id}>
      <span class="name">{kpi.name}</span>
      <span class="kind">
        {kpi.kind} <StatusBadge status={check?.status} guardrails={check?.guardrails} />
      </span>
      <span class="value" data-testid="value">
        {formatValue(latest?.value, kpi.unit, money)}
      </span>
      <span class="period">
        {latest ? periodLabel(latest.period_start, range.grain) : 'no complete period'}
      </span>
      <span class={`change ${tone}`} data-testid="change">
        {change ?? ''}
      </span>
      <Sparkline values={rows.map((r) => r.value)} />
    </a>
  );
}
