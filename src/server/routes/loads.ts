// Loads into the served warehouse (admin): a folder on the server's machine, loaded exactly as `tenure
// ingest` loads it — validated, atomic, its rollups kept — and answered with what `tenure ingest --json`
// prints. A DuckDB file is held by the server that serves it, so this is how a daily load reaches it while
// the dashboard stays up; `tenure ingest` finds the server through the note beside the file and comes here.
import { isAbsolute } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TenureError } from '../../errors/tenure-error.ts';
import { loadSummary, loadWarehouse } from '../../ingest/load-warehouse.ts';
import type { ServerContext } from '../context.ts';

interface LoadBody {
  data_dir: string;
  future_tolerance_days: number;
  rebuild: boolean;
}

/** A load's refusal with its file, line and column in the message, as the CLI prints it. */
function withPlace(err: unknown): unknown {
  if (!(err instanceof TenureError) || err.httpStatus >= 500) return err;
  const place = err.place({ field: false });
  if (place === '') return err;
  const { field } = err.where;
  return new TenureError(err.code, `${place}: ${err.message}`, {
    where: field === undefined ? {} : { field },
    hint: err.hint,
    cause: err,
  });
}

export function loadRoutes(app: FastifyInstance, ctx: ServerContext, afterLoad?: () => void): void {
  app.post<{ Body: LoadBody }>(
    '/api/loads',
    {
      schema: {
        summary: "Load a folder on the server's machine into the warehouse, as `tenure ingest` does (admin)",
        tags: ['data'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['data_dir'],
          properties: {
            data_dir: {
              type: 'string',
              minLength: 1,
              maxLength: 4096,
              description: "the data folder's absolute path on the server's machine",
            },
            future_tolerance_days: { type: 'number', minimum: 0, maximum: 3660, default: 1 },
            rebuild: {
              type: 'boolean',
              default: false,
              description:
                "build every kept rollup from the whole tables instead of updating them with the load's rows",
            },
          },
        },
      },
      config: { role: 'admin' },
    },
    async (req) => {
      const { data_dir: dataDir, future_tolerance_days: tolerance, rebuild } = req.body;
      if (!isAbsolute(dataDir)) {
        throw new TenureError('bad_input', `data_dir must be an absolute path, not '${dataDir}'`, {
          where: { field: 'body.data_dir' },
          hint: "give the folder's full path on the server's machine",
        });
      }
      // A client that went away before anything was written (Ctrl-C on `tenure ingest`) gets no load.
      let written = false;
      const report = await ctx
        .load((engine, turn) =>
          loadWarehouse(engine, {
            dataDir,
            futureToleranceDays: tolerance,
            rebuild,
            catalog: ctx.catalog.definitions,
            turn: (write) =>
              turn(() => {
                if (!written && req.raw.socket.destroyed) {
                  throw new TenureError('bad_input', 'the client went away before the load was written', {
                    hint: 'nothing of it was written; run it again',
                  });
                }
                written = true;
                return write();
              }),
          }),
        )
        .catch((err: unknown) => {
          throw withPlace(err);
        });
      afterLoad?.();
      return loadSummary(report);
    },
  );
}
