// Where alerts go: the terminal, a JSON file, and a webhook. A webhook is POSTed with retries and
// exponential back-off, each attempt bounded by a timeout, so a receiver that fails or never answers can
// neither lose an alert (it stays pending in the store) nor hang the check.
import { writeFile } from 'node:fs/promises';
import type { Alert } from './alert.ts';

export interface WebhookOptions {
  readonly url: string;
  /** 'json': {alerts: [...]}; 'slack': Slack's incoming-webhook shape, {text}. */
  readonly format: 'json' | 'slack';
  readonly attempts?: number;
  readonly timeoutMs?: number;
  readonly backoffMs?: number;
}

export interface Delivery {
  readonly delivered: boolean;
  readonly attempts: number;
  readonly error?: string;
}

export function slackText(alerts: readonly Alert[]): string {
  return alerts
    .map(
      (a) =>
        `${a.severity === 'critical' ? ':red_circle:' : ':large_yellow_circle:'} ${a.message}${a.owner ? ` (owner: ${a.owner})` : ''}`,
    )
    .join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function postWebhook(alerts: readonly Alert[], opts: WebhookOptions): Promise<Delivery> {
  const attempts = opts.attempts ?? 4;
  const body = JSON.stringify(opts.format === 'slack' ? { text: slackText(alerts) } : { alerts });
  let error = '';
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
      // Drain the body so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { delivered: true, attempts: i };
      error = `HTTP ${res.status}`;
      // A 4xx other than 429 will not change on retry: the request itself is wrong.
      if (res.status >= 400 && res.status < 500 && res.status !== 429)
        return { delivered: false, attempts: i, error };
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? 'no answer in time' : (err as Error).message;
    }
    if (i < attempts) await sleep((opts.backoffMs ?? 500) * 2 ** (i - 1));
  }
  return { delivered: false, attempts, error };
}

export async function writeAlertsFile(alerts: readonly Alert[], file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify({ alerts }, null, 2)}\n`);
}

export function terminalLines(alerts: readonly Alert[]): string {
  return alerts.map((a) => `${a.severity === 'critical' ? 'CRITICAL' : 'WARNING '} ${a.message}`).join('\n');
}
