// Checks every request passes before its route's schema sees it, for what JSON Schema validation lets
// through: a number in the query is written as a plain decimal (Ajv's coercion would turn `Infinity` and
// `1e400` into Infinity, which passes `maximum`), and a JSON body is at most MAX_DEPTH deep with only finite
// numbers (JSON.parse reads 1e400 as Infinity; a 5,000-deep body would exhaust the stack of whatever walks
// it). Requests for hosts the server does not answer for are refused (DNS rebinding).
import type { FastifyRequest } from 'fastify';
import { TenureError } from '../errors/tenure-error.ts';

/** How deep a JSON body may nest. */
export const MAX_DEPTH = 32;
const DECIMAL = /^-?\d{1,15}(\.\d{1,15})?$/;

interface PropertySchema {
  type?: string | string[];
}

const isNumeric = (s: PropertySchema | undefined) =>
  [s?.type].flat().some((t) => t === 'number' || t === 'integer');

/** Refuses a query number that is not a plain decimal, naming the parameter. */
export function checkQueryNumbers(req: FastifyRequest): void {
  const schema = req.routeOptions.schema?.querystring as
    | { properties?: Record<string, PropertySchema> }
    | undefined;
  const query = req.query as Record<string, unknown> | undefined;
  if (!schema?.properties || !query) return;
  for (const [name, value] of Object.entries(query)) {
    if (!isNumeric(schema.properties[name])) continue;
    for (const text of [value].flat()) {
      if (typeof text === 'string' && DECIMAL.test(text.trim())) continue;
      throw new TenureError(
        'bad_input',
        `${name} must be a number written in plain digits (such as 12 or 0.5)`,
        {
          where: { field: `querystring.${name}` },
          hint: 'no Infinity, NaN or exponents',
        },
      );
    }
  }
}

/** Refuses a JSON body nested deeper than MAX_DEPTH or holding a number JSON cannot hold exactly. */
export function checkBody(body: unknown): void {
  const stack: [unknown, number][] = [[body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TenureError('bad_input', 'the body holds a number too large to represent', {
        where: { field: 'body' },
        hint: 'send numbers within ±1.7e308',
      });
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH)
      throw new TenureError('bad_input', `the body nests deeper than ${MAX_DEPTH} levels`, {
        where: { field: 'body' },
        hint: 'send a flatter document',
      });
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

/**
 * The Host headers a server answers: `allowed` when given; otherwise, for a server bound to loopback, the
 * loopback names with its port (a page on another site that a DNS record points at 127.0.0.1 is refused),
 * and for a server bound to a wildcard or another address, any host (tokens guard it).
 */
export function hostCheck(bound: string, port: () => number, allowed: readonly string[] | undefined) {
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(bound);
  if (allowed === undefined && !loopback) return undefined;
  const names = (allowed ?? ['127.0.0.1', 'localhost', '[::1]']).map((h) => h.toLowerCase());
  return (req: FastifyRequest): void => {
    const host = (req.headers.host ?? '').toLowerCase();
    const p = port();
    const ok = names.some((n) => host === n || host === `${n}:${p}`);
    if (ok) return;
    throw new TenureError('wrong_host', `this server does not answer for the host '${host.slice(0, 100)}'`, {
      hint: `open it as http://${names[0]}:${p}/, or start it with --allowed-host NAME`,
    });
  };
}
