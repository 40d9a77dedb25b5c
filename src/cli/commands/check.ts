// `tenure check [--db FILE|URL] [--project FILE] [--as-of T] [--json]`: every target of the project file
// judged on its KPI's last complete period, and the data-quality checks (src/quality); exits 1 when any
// target is at risk or off track or the data has a problem (for cron and CI), with the segments that moved
// each such KPI.
import type { Command } from 'commander';
import { type Alert, alertsFromChecks } from '../../alerts/alert.ts';
import { checkedAddresses, type WebhookAllow, webhookAllow, webhookUrl } from '../../alerts/destination.ts';
import { kpiAnomalies } from '../../alerts/kpi-anomalies.ts';
import { postWebhook, terminalLines, writeAlertsFile } from '../../alerts/notify.ts';
import { listAlerts, markDelivered, recordAlerts, setState } from '../../alerts/store.ts';
import { dataAsOf } from '../../compiler/as-of.ts';
import { badInput, TenureError } from '../../errors/tenure-error.ts';
import { checkTargets, needsAttention, type TargetCheck } from '../../goals/check.ts';
import { statusText } from '../../goals/guardrails.ts';
import { targetsWorth, worthText } from '../../goals/impact-baseline.ts';
import { recordTargets } from '../../goals/target-log.ts';
import { benchmarkNote } from '../../goals/targets.ts';
import { runDataQuality } from '../../quality/checks.ts';
import { DEFAULT_DATA_QUALITY } from '../../quality/config.ts';
import { alertsFromFindings, type QualityFinding } from '../../quality/findings.ts';
import { type FormatOptions, formatGoal, formatValue, type Unit } from '../../results/format.ts';
import type { Engine } from '../../warehouse/engine.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';

/** The data-quality findings for the terminal: one line each, or that there are none. */
const qualityLines = (findings: readonly QualityFinding[]) =>
  findings.length === 0
    ? '\ndata quality: no findings\n'
    : `\ndata quality:\n${findings.map((f) => `  ${f.severity === 'critical' ? 'CRITICAL' : 'WARNING '} ${f.message} — ${f.action}`).join('\n')}\n`;

interface CheckOptions {
  db: string;
  project?: string;
  asOf?: string;
  json?: boolean;
  webhook?: string;
  webhookFormat: string;
  alertsFile?: string;
  anomalies?: boolean;
  /** False with --no-data-quality. */
  dataQuality: boolean;
}

/**
 * Refuses a webhook whose host resolves to an address it may not reach before any work is done, so the
 * mistake shows even when no alert is due. A name that does not resolve now is left to the delivery attempts
 * (the failure may pass); each attempt judges the addresses again before it connects.
 */
async function refuseForbiddenWebhook(url: string, allow: WebhookAllow): Promise<void> {
  try {
    await checkedAddresses(url, allow);
  } catch (err) {
    if (err instanceof TenureError) throw err;
  }
}

/** Records the alerts (deduplicated) and sends the ones due: to stderr, the file, the webhook. */
async function notify(
  engine: Engine,
  alerts: Alert[],
  opts: CheckOptions,
  allow: WebhookAllow,
): Promise<void> {
  const due = await recordAlerts(engine, alerts);
  if (opts.alertsFile !== undefined) await writeAlertsFile(alerts, opts.alertsFile);
  if (due.length === 0) return;
  if (!opts.json) process.stderr.write(`${terminalLines(due)}\n`);
  if (opts.webhook === undefined)
    return markDelivered(
      engine,
      due.map((a) => a.key),
    );
  const sent = await postWebhook(due, {
    url: opts.webhook,
    format: opts.webhookFormat as 'json' | 'slack',
    allow,
  });
  if (sent.delivered)
    return markDelivered(
      engine,
      due.map((a) => a.key),
    );
  process.stderr.write(
    `tenure: the webhook did not take ${due.length} alert(s) after ${sent.attempts} attempts (${sent.error}); they stay pending for the next check\n`,
  );
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('Judge every target of the project file; exit 1 when one is at risk or off track')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
    .option('--project <file>', 'project file with targets (default ./tenure.yaml when present)')
    .option('--as-of <timestamp>', 'judge the data as of this moment (default: its latest timestamp)')
    .option('--json', 'print JSON')
    .option(
      '--webhook <url>',
      'POST new alerts here (retried with back-off; kept pending when it fails); private hosts only when alerts.webhook_allow in tenure.yaml lists them',
    )
    .option('--webhook-format <format>', 'json or slack', 'json')
    .option('--alerts-file <file>', 'write the current alerts to this JSON file')
    .option('--anomalies', 'also judge every KPI against its own history (monthly, last 36 months)')
    .option(
      '--no-data-quality',
      'skip the data-quality checks (freshness against --as-of or the clock, volume, null rates, quarantine)',
    )
    .action(async (opts: CheckOptions) => {
      if (opts.webhookFormat !== 'json' && opts.webhookFormat !== 'slack') {
        throw badInput(
          `no webhook format '${opts.webhookFormat}'`,
          { field: '--webhook-format' },
          'choose json or slack',
        );
      }
      if (opts.webhook !== undefined) webhookUrl(opts.webhook); // not a URL: said before anything is read
      const catalog = await resolveCatalog(opts.project);
      const allow = webhookAllow(catalog.alerts?.webhook_allow);
      if (opts.webhook !== undefined) await refuseForbiddenWebhook(opts.webhook, allow);
      const engine = await openWarehouse(opts.db, { mustExist: true });
      try {
        const asOf = opts.asOf ?? (await dataAsOf(engine)) ?? new Date().toISOString();
        await recordTargets(engine, catalog.targets ?? []);
        const checks = await checkTargets(engine, catalog, { asOf });
        const anomalies = opts.anomalies
          ? await kpiAnomalies(engine, catalog, { grain: 'month', history: 36, asOf })
          : [];
        const quality = opts.dataQuality
          ? await runDataQuality(engine, catalog.dataQuality ?? DEFAULT_DATA_QUALITY, {
              asOf,
              reference: opts.asOf ?? new Date().toISOString(),
            })
          : [];
        const money = { currency: catalog.currency };
        const alerts = [...alertsFromChecks(checks, money), ...anomalies, ...alertsFromFindings(quality)];
        await notify(engine, alerts, opts, allow);
        // What meeting each target not met is worth (MRR in 12 months), as the dashboard and the report say.
        const worth = await targetsWorth(engine, catalog, checks, asOf);
        const priced = worth.some((w) => w !== null);
        if (opts.json)
          printJson({
            targets: checks.map((c, i) => ({ ...c, worth: worth[i] ?? null })),
            alerts,
            data_quality: quality,
          });
        else if (checks.length === 0 && !opts.anomalies)
          process.stdout.write('no targets in the project file (targets: in tenure.yaml)\n');
        else
          process.stdout.write(
            `${formatTable(
              [
                'kpi',
                'segment',
                'period',
                'value',
                'pragmatic',
                'aspirational',
                'status',
                'owner',
                'moved by',
                // Only when some target names a benchmark, or is priced.
                ...(checks.some((c) => c.target.benchmark) ? ['benchmark'] : []),
                ...(priced ? ['meeting it is worth'] : []),
              ],
              checks.map((c, i) => [
                c.target.kpi,
                c.segment,
                `${c.period_start.slice(0, 10)}…${c.period_end.slice(0, 10)}`,
                formatValue(c.value, c.unit, money),
                formatGoal(c.pragmatic, c.unit, money) + (c.forecast ? ' (forecast)' : ''),
                formatGoal(c.target.aspirational, c.unit, { ...money, missing: '' }),
                statusText(c.status, c.guardrails) + (c.ahead ? ' (ahead)' : ''),
                c.target.owner,
                c.why.map((w) => `${w.dimension}=${w.segment}`).join(', '),
                ...(checks.some((x) => x.target.benchmark)
                  ? [benchmarkNote(c.target.benchmark, c.pragmatic, c.unit, c.higher_is_better, money)]
                  : []),
                ...(priced ? [worthText(worth[i] ?? null, money)] : []),
              ]),
              ['value', 'pragmatic', 'aspirational'],
            )}\n`,
          );
        if (!opts.json) process.stdout.write(guardrailLines(checks, money));
        if (!opts.json && opts.dataQuality) process.stdout.write(qualityLines(quality));
        const broken = checks.some((c) => c.guardrails.some((g) => g.status === 'broken'));
        if (needsAttention(checks) || broken || anomalies.length > 0 || quality.length > 0)
          process.exitCode = 1;
      } finally {
        await engine.close();
      }
    });
}

/** The broken guardrails under the table: which KPI moved the way it must not, for which target. */
function guardrailLines(checks: readonly TargetCheck[], money: FormatOptions): string {
  const lines = checks.flatMap((c) =>
    c.guardrails
      .filter((g) => g.status === 'broken')
      .map((g) => {
        const show = (v: number | null) => formatValue(v, g.unit as Unit, money);
        return `  ${c.target.kpi}${c.segment === 'all' ? '' : ` (${c.segment})`}: guardrail ${g.kpi} ${g.must_not === 'rise' ? 'rose' : 'fell'} ${show(g.before)} → ${show(g.value)} (must not ${g.must_not}${g.proposed ? '; proposed by Tenure' : ''})`;
      }),
  );
  return lines.length ? `\nguardrails broken:\n${lines.join('\n')}\n` : '';
}

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('List, acknowledge or snooze alerts');
  const withEngine = async (db: string, work: (engine: Engine) => Promise<void>) => {
    const engine = await openWarehouse(db, { mustExist: true });
    try {
      await work(engine);
    } finally {
      await engine.close();
    }
  };
  alerts
    .command('list')
    .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
    .option('--json', 'print JSON')
    .action((opts: { db: string; json?: boolean }) =>
      withEngine(opts.db, async (engine) => {
        const list = await listAlerts(engine);
        if (opts.json) return printJson(list);
        process.stdout.write(
          `${formatTable(
            ['key', 'state', 'last seen', 'message'],
            list.map((a) => [a.key, a.state, String(a.last_seen).slice(0, 19), a.message]),
          )}\n`,
        );
      }),
    );
  const change = (name: string, description: string, state: 'acknowledged' | 'snoozed') =>
    alerts
      .command(`${name} <key>`)
      .description(description)
      .option('--db <file|url>', 'a warehouse: DuckDB file or postgres:// URL', './tenure.duckdb')
      .option('--until <timestamp>', 'snooze until this moment (ISO 8601)')
      .action((key: string, opts: { db: string; until?: string }) =>
        withEngine(opts.db, async (engine) => {
          if (state === 'snoozed' && (opts.until === undefined || Number.isNaN(Date.parse(opts.until)))) {
            throw badInput(
              'snooze needs --until TIMESTAMP',
              { field: '--until' },
              'e.g. --until 2026-01-15T09:00:00Z',
            );
          }
          const found = await setState(engine, key, state, opts.until);
          if (!found)
            throw badInput(`no alert '${key}'`, { field: 'key' }, 'run `tenure alerts list` for the keys');
          process.stdout.write(`${key}: ${state}\n`);
        }),
      );
  change('ack', 'Acknowledge an alert: it stays quiet', 'acknowledged');
  change('snooze', 'Snooze an alert until a moment', 'snoozed');
}
