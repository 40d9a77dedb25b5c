// Data health: the loads, the rows per table, and what was quarantined, by table and reason.
import type { FastifyInstance } from 'fastify';
import { dataAsOf } from '../../compiler/as-of.ts';
import { TABLE_NAMES } from '../../schema/tables.ts';
import type { ServerContext } from '../context.ts';

export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/api/health/data',
    { schema: { summary: 'Loads, rows per table, quarantined rows by reason', tags: ['data'] } },
    async () => {
      const { value } = await ctx.cached('health', async (e) => {
        const q = (name: string) => e.dialect.quoteIdentifier(name);
        const counts = TABLE_NAMES.map(
          (t) => `SELECT '${t}' AS table_name, count(*) AS row_count FROM ${q(t)}`,
        );
        return {
          as_of: await dataAsOf(e),
          loads: await e.query(
            `SELECT l.load_id, l.started_at, l.finished_at, l.source,
             sum(f.rows_read) AS rows_read, sum(f.rows_loaded) AS rows_loaded,
             sum(f.rows_quarantined) AS rows_quarantined, sum(f.rows_duplicate) AS rows_duplicate
           FROM tenure_loads l LEFT JOIN tenure_load_files f ON f.load_id = l.load_id
           GROUP BY 1, 2, 3, 4 ORDER BY l.load_id DESC LIMIT 50`,
          ),
          tables: await e.query(counts.join(' UNION ALL ')),
          quarantine: await e.query(
            `SELECT table_name, reason_code, min(reason) AS example_reason, count(*) AS row_count
           FROM tenure_quarantine GROUP BY 1, 2 ORDER BY 1, 2`,
          ),
        };
      });
      return value;
    },
  );
}
