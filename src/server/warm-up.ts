// After the server starts: compute what the dashboard's overview asks for first (data health, then the
// whole catalog over the default range, the headline's numbers, the targets, the KPI tree), through the app itself, so the answers land in the result cache
// under the same keys as the browser's requests and the first visit is served from it.
import type { FastifyInstance } from 'fastify';
import { defaultRange, headlinePaths } from './default-range.ts';

export async function warmUp(app: FastifyInstance, host: string): Promise<void> {
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { host } });
  const health = await get('/api/health/data');
  if (health.statusCode !== 200) return;
  const range = defaultRange((health.json() as { as_of: string | null }).as_of);
  await get(`/api/kpis?${new URLSearchParams({ ids: 'all', ...range })}`);
  // The overview's headline: its KPIs and the MRR bridge over the range and the year before it.
  const headline = headlinePaths(range);
  await get(headline.kpis);
  await get(headline.bridge);
  // The overview's statuses, then the tree: the next pages a visitor opens.
  await get('/api/targets');
  await get('/api/tree');
}
