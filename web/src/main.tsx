// The dashboard's shell: navigation, the data's end (for the default range) and one page per path.
import { render } from 'preact';
import { DEFAULT_CURRENCY } from '../../src/results/format.ts';
import { query } from './api.ts';
import { Show } from './components/states.tsx';
import { TokenForm } from './components/token-form.tsx';
import { CurrencyContext } from './currency.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { CohortsPage } from './pages/cohorts.tsx';
import { DataPage, type Health } from './pages/data.tsx';
import { KpiPage } from './pages/kpi.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { RevenuePage } from './pages/revenue.tsx';
import { RiskPage } from './pages/risk.tsx';
import { SurvivalPage } from './pages/survival.tsx';
import { TargetsPage } from './pages/targets.tsx';
import { TreePage } from './pages/tree.tsx';
import { defaultRange, type Range } from './range.ts';
import { onLink, useLocation } from './router.ts';
import { useApi } from './use-api.ts';
import './style.css';

const NAV = [
  ['/', 'Overview'],
  ['/revenue', 'Revenue'],
  ['/cohorts', 'Cohorts'],
  ['/targets', 'Targets'],
  ['/tree', 'Tree'],
  ['/alerts', 'Alerts'],
  ['/risk', 'Risk'],
  ['/survival', 'Survival'],
  ['/data', 'Data'],
] as const;

function App() {
  const { path, params } = useLocation();
  const health = useApi<Health>('/api/health/data');
  // Money is written in the project's currency; a catalog that cannot be read (a wrong token) leaves the
  // default, and each page shows its own error.
  const catalog = useApi<{ currency?: string }>('/api/catalog');
  const currency = catalog.state === 'ready' ? (catalog.data.currency ?? DEFAULT_CURRENCY) : DEFAULT_CURRENCY;
  // Keep the range (not page-specific choices) when moving between pages.
  const carried = query({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined });
  return (
    <>
      <header>
        <a class="brand" href={`/${carried}`} onClick={onLink}>
          Tenure
        </a>
        <nav>
          {NAV.map(([href, label]) => (
            <a
              key={href}
              href={`${href}${carried}`}
              onClick={onLink}
              class={(href === '/' ? path === '/' : path.startsWith(href)) ? 'active' : ''}
            >
              {label}
            </a>
          ))}
        </nav>
        <TokenForm />
      </header>
      <main>
        <CurrencyContext.Provider value={currency}>
          <Show
            loaded={catalog.state === 'loading' ? { state: 'loading' } : health}
            what="the data's end"
            ready={(h) => {
              const fallback = defaultRange(h.as_of);
              const range: Range = {
                from: params.get('from') ?? fallback.from,
                to: params.get('to') ?? fallback.to,
                grain: params.get('grain') ?? fallback.grain,
              };
              return <Page path={path} params={params} range={range} health={h} />;
            }}
          />
        </CurrencyContext.Provider>
      </main>
    </>
  );
}

function Page({
  path,
  params,
  range,
  health,
}: {
  path: string;
  params: URLSearchParams;
  range: Range;
  health: Health;
}) {
  if (path === '/' || path === '/index.html') return <OverviewPage range={range} params={params} />;
  if (path.startsWith('/kpi/'))
    return <KpiPage id={decodeURIComponent(path.slice(5))} range={range} params={params} />;
  if (path === '/revenue') return <RevenuePage range={range} params={params} />;
  if (path === '/cohorts') return <CohortsPage range={range} params={params} />;
  if (path === '/targets') return <TargetsPage />;
  if (path === '/tree') return <TreePage params={params} />;
  if (path === '/alerts') return <AlertsPage />;
  if (path === '/survival') return <SurvivalPage params={params} />;
  if (path === '/data') return <DataPage health={health} />;
  if (path === '/risk') return <RiskPage params={params} />;
  return <p class="state error">No page at {path}.</p>;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
