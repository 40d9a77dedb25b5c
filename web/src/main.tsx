// The dashboard's shell: navigation (folded behind a Menu button on narrow screens), the data's end (shown,
// and the default range's end), the token, and one page per path.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_CURRENCY } from '../../src/results/format.ts';
import { query } from './api.ts';
import { Show } from './components/states.tsx';
import { TokenForm, TokenRefused } from './components/token-form.tsx';
import { CurrencyContext } from './currency.ts';
import { DataEndContext } from './data-end.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { CohortsPage } from './pages/cohorts.tsx';
import { DataPage, type Health } from './pages/data.tsx';
import { DrillPage } from './pages/drill.tsx';
import { ExperimentsPage } from './pages/experiments.tsx';
import { FeedbackPage } from './pages/feedback.tsx';
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
  ['/feedback', 'Feedback'],
  ['/experiments', 'Experiments'],
  ['/survival', 'Survival'],
  ['/data', 'Data'],
] as const;

function App() {
  const { path, params } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const health = useApi<Health>('/api/health/data');
  // Money is written in the project's currency; a catalog that cannot be read (a wrong token) leaves the
  // default, and each page shows its own error.
  const catalog = useApi<{ currency?: string }>('/api/catalog');
  const currency = catalog.state === 'ready' ? (catalog.data.currency ?? DEFAULT_CURRENCY) : DEFAULT_CURRENCY;
  // Keep the range (not page-specific choices) when moving between pages.
  const carried = query({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined });
  // A page chosen from the folded menu closes it.
  useEffect(() => setMenuOpen(false), [path]);
  useScrollableTables();
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to the page
      </a>
      <header>
        <a class="brand" href={`/${carried}`} onClick={onLink}>
          Tenure
        </a>
        <button
          type="button"
          class="menu-button"
          aria-expanded={menuOpen}
          aria-controls="site-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="site-nav" aria-label="Pages" class={menuOpen ? 'open' : ''}>
          {NAV.map(([href, label]) => {
            const here = href === '/' ? path === '/' : path.startsWith(href);
            return (
              <a
                key={href}
                href={`${href}${carried}`}
                onClick={onLink}
                class={here ? 'active' : ''}
                aria-current={here ? 'page' : undefined}
              >
                {label}
              </a>
            );
          })}
        </nav>
        <div class="header-end">
          {health.state === 'ready' && health.data.as_of ? (
            <span class="data-end" data-testid="data-end" title={health.data.as_of}>
              data to {health.data.as_of.slice(0, 10)}
            </span>
          ) : null}
          <TokenForm />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <TokenRefused />
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
              return (
                <DataEndContext.Provider value={h.as_of}>
                  <Page path={path} params={params} range={range} health={h} />
                </DataEndContext.Provider>
              );
            }}
          />
        </CurrencyContext.Provider>
      </main>
    </>
  );
}

/**
 * A table (or a block of code) wider than its box scrolls inside it (style.css); one that does scroll is
 * made focusable, so that it can be scrolled from the keyboard. Checked whenever the page's content or the
 * window's width changes.
 */
function useScrollableTables(): void {
  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    let frame = 0;
    const check = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        for (const box of main.querySelectorAll<HTMLElement>('table, .scroll, pre')) {
          if (box.matches('.scroll table')) continue;
          const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
          if (scrolls && !box.hasAttribute('tabindex')) {
            box.setAttribute('tabindex', '0');
            box.dataset.scrolls = 'true';
          } else if (!scrolls && box.dataset.scrolls) {
            box.removeAttribute('tabindex');
            delete box.dataset.scrolls;
          }
        }
      });
    };
    const observer = new MutationObserver(check);
    // A chart's data table unfolding (details' open) changes what scrolls without changing the tree.
    observer.observe(main, { childList: true, subtree: true, attributes: true, attributeFilter: ['open'] });
    addEventListener('resize', check);
    check();
    return () => {
      observer.disconnect();
      removeEventListener('resize', check);
      cancelAnimationFrame(frame);
    };
  }, []);
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
  if (path === '/drill') return <DrillPage range={range} params={params} />;
  if (path === '/cohorts') return <CohortsPage range={range} params={params} />;
  if (path === '/targets') return <TargetsPage />;
  if (path === '/tree') return <TreePage params={params} />;
  if (path === '/alerts') return <AlertsPage />;
  if (path === '/survival') return <SurvivalPage params={params} />;
  if (path === '/data') return <DataPage health={health} />;
  if (path === '/risk') return <RiskPage params={params} />;
  if (path === '/feedback') return <FeedbackPage />;
  if (path.startsWith('/experiments')) return <ExperimentsPage path={path} params={params} />;
  return <p class="state error">No page at {path}.</p>;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
