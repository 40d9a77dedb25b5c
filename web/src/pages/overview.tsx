// Overview: a card per KPI with its latest complete period's value, the change from the period before and
// a sparkline and, where the project sets a whole-company target, the target's status (judged over the
// target's own period); grouped by the catalog's activity; the kind toggle (all, leading, lagging) is in
// the URL.
import { type CatalogEntry, query, type ResultRow } from '../api.ts';
import { RangeControls } from '../components/range-controls.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { Empty, Show } from '../components/states.tsx';
import { StatusBadge } from '../components/status.tsx';
import { useMoney } from '../currency.ts';
import { formatChange, formatValue, periodLabel } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import type { Range } from '../range.ts';
import { navigate, onLink, withParams } from '../router.ts';
import { useApi } from '../use-api.ts';
import { latestComplete } from './series.ts';

const KINDS = ['all', 'leading', 'lagging'] as const;

export function OverviewPage({ range, params }: { range: Range; params: URLSearchParams }) {
  const kind = params.get('kind') ?? 'all';
  const catalog = useApi<{ kpis: CatalogEntry[] }>('/api/catalog');
  const series = useApi<{ results: ResultRow[] }>(`/api/kpis${query({ ids: 'all', ...range })}`);
  // Statuses are an addition: the cards show without them while targets load, or when they fail.
  const targets = useApi<{ targets: TargetCheck[] }>('/api/targets');
  const checks = targets.state === 'ready' ? targets.data.targets : [];
  return (
    <section>
      <h1>Retention at a glance</h1>
      <RangeControls range={range}>
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
      </RangeControls>
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
              />
            )}
          />
        )}
      />
    </section>
  );
}

function Cards({
  kpis,
  rows,
  range,
  checks,
}: {
  kpis: CatalogEntry[];
  rows: ResultRow[];
  range: Range;
  checks: TargetCheck[];
}) {
  if (kpis.length === 0) return <Empty>No KPI of this kind in the catalog.</Empty>;
  const byKpi = new Map<string, ResultRow[]>();
  for (const r of rows) {
    if (r.segment !== 'all') continue;
    byKpi.set(r.kpi, [...(byKpi.get(r.kpi) ?? []), r]);
  }
  const activities = [...new Set(kpis.map((k) => k.activity))];
  return (
    <div data-testid="overview" data-ready="true">
      {activities.map((activity) => (
        <section key={activity} class="activity" data-activity={activity}>
          <h2>{activity.replaceAll('_', ' ')}</h2>
          <div class="cards">
            {kpis
              .filter((k) => k.activity === activity)
              .map((k) => (
                <Card
                  key={k.id}
                  kpi={k}
                  rows={byKpi.get(k.id) ?? []}
                  range={range}
                  check={checks.find((c) => c.target.kpi === k.id && c.target.segment === undefined)}
                />
              ))}
          </div>
        </section>
      ))}
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
  const good =
    latest?.value != null && previous?.value != null && latest.value !== previous.value
      ? latest.value > previous.value === kpi.higher_is_better
      : null;
  const href = `/kpi/${kpi.id}${query({ from: range.from, to: range.to, grain: range.grain })}`;
  return (
    <a class="card" href={href} onClick={onLink} data-kpi={kpi.id}>
      <span class="name">{kpi.name}</span>
      <span class="kind">
        {kpi.kind} <StatusBadge status={check?.status} />
      </span>
      <span class="value" data-testid="value">
        {formatValue(latest?.value, kpi.unit, money)}
      </span>
      <span class="period">
        {latest ? periodLabel(latest.period_start, range.grain) : 'no complete period'}
      </span>
      <span class={`change ${good === null ? '' : good ? 'good' : 'bad'}`} data-testid="change">
        {change ?? ''}
      </span>
      <Sparkline values={rows.map((r) => r.value)} />
    </a>
  );
}
