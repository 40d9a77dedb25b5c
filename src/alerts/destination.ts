// Where a webhook may go. Its host is resolved and every address it resolves to is judged before any
// connection is made: link-local, cloud-metadata, unspecified, multicast and broadcast addresses are never
// reached; loopback, private, carrier-grade NAT and unique-local addresses only when the project file allows
// them (alerts.webhook_allow); any other address is public and allowed. Addresses are judged as resolved,
// never as spelled in the URL, so 2852039166, 0xa9fea9fe and ::ffff:169.254.169.254 are all 169.254.169.254.
// The connection then goes to the addresses judged (see pinnedLookup), so a name that resolves elsewhere a
// moment later (DNS rebinding) cannot move the POST.
import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { badInput, TenureError } from '../errors/tenure-error.ts';

interface AddressClass {
  /** Completes "…resolves to 10.1.2.3, ". */
  readonly what: string;
  readonly ranges: BlockList;
}

function addressClass(what: string, cidrs: readonly string[]): AddressClass {
  const ranges = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix = ''] = cidr.split('/');
    ranges.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
  return { what, ranges };
}

/** Never reached, whatever the project file says. Judged first: metadata addresses sit inside wider classes. */
const NEVER: readonly AddressClass[] = [
  // AWS, GCP, Azure, Oracle (169.254.169.254; AWS over IPv6 fd00:ec2::254) and Alibaba (100.100.100.200).
  addressClass('a cloud metadata address', ['169.254.169.254/32', 'fd00:ec2::254/128', '100.100.100.200/32']),
  addressClass('a link-local address', ['169.254.0.0/16', 'fe80::/10']),
  // 0.0.0.0 connects to this host on Linux; the whole "this network" block is unroutable.
  addressClass('an unspecified address', ['0.0.0.0/8', '::/128']),
  addressClass('a multicast address', ['224.0.0.0/4', 'ff00::/8']),
  addressClass('a broadcast or reserved address', ['240.0.0.0/4']),
];

/** Reached only when alerts.webhook_allow in the project file lists the host or a range holding it. */
const PRIVATE: readonly AddressClass[] = [
  addressClass('a loopback address', ['127.0.0.0/8', '::1/128']),
  addressClass('a private address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']),
  addressClass('a carrier-grade NAT address', ['100.64.0.0/10']),
];

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits: IPv4-mapped and NAT64's well-known one. */
const EMBEDS_IPV4 = addressClass('', ['::ffff:0:0/96', '64:ff9b::/96']).ranges;

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, in dotted form; else the address itself. */
export function effectiveAddress(address: string): string {
  if (isIP(address) !== 6 || !EMBEDS_IPV4.check(address, 'ipv6')) return address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (dotted !== undefined) return dotted;
  // An empty group is part of a `::` run, so zero.
  const groups = address.split(':').map((g) => Number.parseInt(g || '0', 16));
  const hi = groups.at(-2) ?? 0;
  const lo = groups.at(-1) ?? 0;
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const classOf = (classes: readonly AddressClass[], address: string) =>
  classes.find((c) => c.ranges.check(address, familyOf(address)));

/** The class an address may never be reached in, if any (`what` says which). */
export const neverReached = (address: string): string | undefined =>
  classOf(NEVER, effectiveAddress(address))?.what;

/** The hosts and ranges of private addresses a webhook may reach (alerts.webhook_allow, already checked). */
export interface WebhookAllow {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: BlockList;
}

/** One entry of alerts.webhook_allow: an IP range (CIDR), one IP address, or a host name. */
export type AllowEntry =
  | { readonly kind: 'range'; readonly address: string; readonly prefix: number }
  | { readonly kind: 'host'; readonly name: string };

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/i;

/** Reads one allow entry; undefined when it is none of a CIDR, an IP address or a host name. */
export function parseAllowEntry(entry: string): AllowEntry | undefined {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  if (family !== 0 && rest.length === 0) {
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    const max = family === 6 ? 128 : 32;
    if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
    return bits <= max ? { kind: 'range', address, prefix: bits } : undefined;
  }
  const name = entry.trim().toLowerCase().replace(/\.$/, '');
  // A name the URL parser reads as a number (2852039166, 0x7f.1) is an address in disguise: refused here so
  // that an allow entry means what it looks like.
  if (!HOST_NAME.test(name) || isIP(new URL(`http://${name}`).hostname) !== 0) return undefined;
  return { kind: 'host', name };
}

/** The allow list of the project file's entries (each one already valid: see AlertsConfigSchema). */
export function webhookAllow(entries: readonly string[] = []): WebhookAllow {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const entry of entries) {
    const parsed = parseAllowEntry(entry);
    if (parsed?.kind === 'host') hosts.add(parsed.name);
    else if (parsed) ranges.addSubnet(parsed.address, parsed.prefix, familyOf(parsed.address));
  }
  return { hosts, ranges };
}

/** Why an address may not be reached from a URL's host, or undefined when it may. */
export function refusal(
  address: string,
  host: string,
  allow: WebhookAllow,
): { what: string; allowable: boolean } | undefined {
  const effective = effectiveAddress(address);
  const never = classOf(NEVER, effective);
  if (never) return { what: never.what, allowable: false };
  const restricted = classOf(PRIVATE, effective);
  if (restricted === undefined) return undefined;
  const allowed =
    allow.hosts.has(host) ||
    allow.ranges.check(effective, familyOf(effective)) ||
    allow.ranges.check(address, familyOf(address));
  return allowed ? undefined : { what: restricted.what, allowable: true };
}

/** Resolves a host name to every address it has, as the connection would. */
export type Resolve = (host: string) => Promise<readonly LookupAddress[]>;
export const resolveAll: Resolve = (host) => dns.lookup(host, { all: true, verbatim: true });

/** The URL of a webhook, http or https; anything else is bad input. */
export function webhookUrl(url: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw badInput(
      `not an http(s) URL: ${url}`,
      { field: '--webhook' },
      'give e.g. https://hooks.example.com/…',
    );
  return parsed;
}

/**
 * Every address the webhook's host resolves to (an IP address in the URL is its own and is not looked up),
 * each judged. Throws a bad_input TenureError at the first one refused; a failed lookup throws as it is.
 */
export async function checkedAddresses(
  url: string,
  allow: WebhookAllow,
  resolve: Resolve = resolveAll,
): Promise<readonly LookupAddress[]> {
  const host = webhookUrl(url)
    .hostname.replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  const literal = isIP(host);
  const addresses = literal === 0 ? await resolve(host) : [{ address: host, family: literal }];
  for (const { address } of addresses) {
    const refused = refusal(address, host, allow);
    if (refused === undefined) continue;
    const effective = effectiveAddress(address);
    const shown = effective === address ? address : `${address} (${effective})`;
    const to = address === host ? `its host is ${shown}` : `its host ${host} resolves to ${shown}`;
    throw new TenureError(
      'bad_input',
      `refusing to POST alerts to ${url}: ${to}, ${refused.what}${refused.allowable ? '' : ', which a webhook never reaches'}`,
      {
        where: { field: '--webhook' },
        hint: refused.allowable
          ? `if this receiver is yours, allow it in tenure.yaml: alerts: { webhook_allow: ["${literal === 0 ? host : effective}"] } (a host name, an address, or a range such as 10.0.0.0/8)`
          : 'give a webhook whose host resolves to a public address, or to a private one listed in alerts.webhook_allow of tenure.yaml',
      },
    );
  }
  return addresses;
}

/**
 * A lookup for the connection that answers with the addresses already judged, so the address checked is the
 * address used. (Node calls it only for host names; an IP address in the URL is connected to as it is.)
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_host, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const wanted = addresses.filter((a) => !family || a.family === family);
    const first = wanted[0];
    if (first === undefined) {
      const err: NodeJS.ErrnoException = new Error(`no IPv${family} address among those checked`);
      err.code = 'ENOTFOUND';
      callback(err, '');
    } else if (options.all) callback(null, wanted);
    else callback(null, first.address, first.family);
  };
}
