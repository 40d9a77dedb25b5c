// Where alerts go: the terminal, a JSON file, and a webhook. A webhook is POSTed with retries and
// exponential back-off, each attempt bounded by a timeout, so a receiver that fails or never answers can
// neither lose an alert (it stays pending in the store) nor hang the check. Before each attempt the host is
// resolved and judged (destination.ts) and the POST goes to the addresses judged; a destination refused is
// bad input, thrown at once and never retried. Redirects are not followed: a 3xx is a failed delivery.
import type { LookupAddress } from 'node:dns';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TenureError } from '../errors/tenure-error.ts';
import type { Alert } from './alert.ts';
import {
  checkedAddresses,
  pinnedLookup,
  type Resolve,
  resolveAll,
  type WebhookAllow,
  webhookAllow,
  webhookUrl,
} from './destination.ts';

export interface WebhookOptions {
  readonly url: string;
  /** 'json': {alerts: [...]}; 'slack': Slack's incoming-webhook shape, {text}. */
  readonly format: 'json' | 'slack';
  /** Private hosts and ranges the webhook may reach (alerts.webhook_allow); none by default. */
  readonly allow?: WebhookAllow;
  readonly attempts?: number;
  readonly timeoutMs?: number;
  readonly backoffMs?: number;
  /** How host names are resolved (tests give a fixed answer); node:dns lookup by default. */
  readonly resolve?: Resolve;
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

/** Settles when the signal aborts (rejecting with its reason) or the promise does, whichever is first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

/** One POST to the addresses given; resolves with the HTTP status once the answer is read to its end. */
function postTo(
  url: URL,
  body: string,
  addresses: readonly LookupAddress[],
  signal: AbortSignal,
): Promise<number> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        // A connection of its own, closed after the answer: no pooled socket outlives the check.
        agent: false,
        lookup: pinnedLookup(addresses),
        signal,
      },
      (res) => {
        // Drain the body so the connection is released.
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('close', () => {
          if (!res.complete) reject(signal.aborted ? signal.reason : new Error('the answer was cut off'));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function postWebhook(alerts: readonly Alert[], opts: WebhookOptions): Promise<Delivery> {
  const attempts = opts.attempts ?? 4;
  const url = webhookUrl(opts.url);
  const allow = opts.allow ?? webhookAllow();
  const body = JSON.stringify(opts.format === 'slack' ? { text: slackText(alerts) } : { alerts });
  let error = '';
  for (let i = 1; i <= attempts; i++) {
    // A timer of our own rather than AbortSignal.timeout, whose unreferenced timer would let the process
    // exit in the middle of an attempt that holds nothing else open (a lookup that never answers).
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('no answer in time')), opts.timeoutMs ?? 5000);
    const signal = timeout.signal;
    try {
      const addresses = await untilAborted(
        checkedAddresses(opts.url, allow, opts.resolve ?? resolveAll),
        signal,
      );
      const status = await postTo(url, body, addresses, signal);
      if (status >= 200 && status < 300) return { delivered: true, attempts: i };
      error = `HTTP ${status}`;
      // A redirect is not followed (it could lead anywhere), and it will not change on retry.
      if (status >= 300 && status < 400)
        return {
          delivered: false,
          attempts: i,
          error: `${error}: a redirect, not followed; give the final URL`,
        };
      // A 4xx other than 429 will not change on retry: the request itself is wrong.
      if (status >= 400 && status < 500 && status !== 429) return { delivered: false, attempts: i, error };
    } catch (err) {
      // A refused destination is bad input: thrown to the caller, never retried.
      if (err instanceof TenureError) throw err;
      error = signal.aborted ? 'no answer in time' : (err as Error).message;
    } finally {
      clearTimeout(timer);
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
