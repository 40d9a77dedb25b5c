// `tenure serve [--db FILE|URL] [--port N] [--host H] [--allowed-host NAME]… [--timeout S] [--project FILE]
// [--require-tokens]` and `tenure token create --role R [--label L]`, `tenure token list`,
// `tenure token revoke ID`.
import type { Command } from 'commander';
import { DEFAULT_PROJECT_FILE } from '../../catalog/project-file.ts';
import { checkProjectEvents } from '../../compiler/metrics/event-names.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import { DEFAULT_TIMEOUT_MS, defaultParallel } from '../../server/context.ts';
import { SERVER_LOG } from '../../server/serve.ts';
import { createToken, listTokens, revokeToken } from '../../server/tokens.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { serveUntilStopped } from '../serving.ts';
import { resolveCatalog } from './catalog.ts';
import { parseNumber } from './options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API (and the dashboard) over a warehouse')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
    .option('--port <n>', 'port to listen on (0: any free port)', '8787')
    .option('--host <address>', 'address to listen on; any but loopback requires tokens', '127.0.0.1')
    .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
    .option(
      '--allowed-host <name>',
      'a Host name the server answers for (repeatable; default: loopback names on loopback, any elsewhere)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--timeout <seconds>', 'stop a computation that runs longer', String(DEFAULT_TIMEOUT_MS / 1000))
    .option(
      '--parallel <n>',
      'computations (uncached requests) run at once, each on a connection of its own',
      String(defaultParallel()),
    )
    .option('--require-tokens', 'require a token even on loopback')
    .action(
      async (opts: {
        db: string;
        port: string;
        host: string;
        allowedHost: string[];
        timeout: string;
        parallel: string;
        project?: string;
        requireTokens?: boolean;
      }) => {
        const port = parseNumber(opts.port, '--port', { min: 0, max: 65535, integer: true });
        const timeout = parseNumber(opts.timeout, '--timeout', { min: 1, max: 86_400 });
        const parallel = parseNumber(opts.parallel, '--parallel', { min: 1, max: 64, integer: true });
        const catalog = await resolveCatalog(opts.project);
        const engine = await openWarehouse(opts.db, { mustExist: true });
        try {
          await checkProjectEvents(engine, catalog);
        } catch (err) {
          await engine.close();
          throw err;
        }
        const allowedHosts = opts.allowedHost.length > 0 ? opts.allowedHost : undefined;
        await serveUntilStopped(
          opts.db,
          {
            engine,
            catalog,
            projectFile: catalog.file ?? DEFAULT_PROJECT_FILE,
            host: opts.host,
            port,
            requireTokens: opts.requireTokens,
            allowedHosts,
            timeoutMs: timeout * 1000,
            parallel,
            logger: SERVER_LOG,
            warm: true,
          },
          (url) => process.stdout.write(`Tenure is serving ${opts.db} on ${url}\n`),
        );
        await engine.close();
      },
    );

  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Create a token with a role; it is printed once and stored only as a hash')
    .requiredOption('--role <role>', 'viewer, editor or admin')
    .option('--label <text>', 'what the token is for')
    .option('--db <file|url>', 'the warehouse the server uses', './tenure.duckdb')
    .option('--json', 'print JSON')
    .action(async (opts: { role: string; label?: string; db: string; json?: boolean }) => {
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        const created = await createToken(engine, opts.role, opts.label);
        if (opts.json) printJson(created);
        else
          process.stdout.write(
            `${created.token}\n(role ${created.role}, id ${created.token_id}; shown once)\n`,
          );
      } finally {
        await engine.close();
      }
    });
  token
    .command('revoke <id>')
    .description(
      'Revoke a token by its id (see `tenure token list`); a running server over PostgreSQL stops accepting it at once',
    )
    .option('--db <file|url>', 'the warehouse the server uses', './tenure.duckdb')
    .action(async (id: string, opts: { db: string }) => {
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        if (!(await revokeToken(engine, id)))
          throw new TenureError('not_found', `no token with the id ${id}`, {
            where: { field: 'id' },
            hint: 'list the tokens with `tenure token list`',
          });
        process.stdout.write(`revoked ${id}\n`);
      } finally {
        await engine.close();
      }
    });
  token
    .command('list')
    .description('List the tokens (ids and roles, never the secrets)')
    .option('--db <file|url>', 'the warehouse the server uses', './tenure.duckdb')
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; json?: boolean }) => {
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        const tokens = await listTokens(engine);
        if (opts.json) printJson(tokens);
        else
          process.stdout.write(
            `${formatTable(
              ['token_id', 'role', 'label', 'created_at'],
              tokens.map((t) => [t.token_id, t.role, t.label, String(t.created_at)]),
            )}\n`,
          );
      } finally {
        await engine.close();
      }
    });
}
