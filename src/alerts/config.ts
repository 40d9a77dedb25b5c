// The project file's `alerts:` section. Today it holds one setting: the private hosts and ranges a webhook
// may reach (`webhook_allow`). Without it a webhook reaches public addresses only (see destination.ts).
import { z } from 'zod';
import type { ConfigProblem, PathSegment } from '../catalog/problems.ts';
import { neverReached, parseAllowEntry } from './destination.ts';

const AllowEntrySchema = z.string().superRefine((entry, ctx) => {
  const parsed = parseAllowEntry(entry);
  if (parsed === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `'${entry}' is not a host name, an IP address or a CIDR range (such as 10.0.0.0/8)`,
    });
    return;
  }
  const never = parsed.kind === 'range' ? neverReached(parsed.address) : undefined;
  if (never !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `'${entry}' starts at ${never}, which a webhook never reaches whatever is allowed`,
    });
});

export const AlertsConfigSchema = z
  .strictObject({
    webhook_allow: z
      .array(AllowEntrySchema)
      .optional()
      .describe(
        'Private hosts and ranges `tenure check --webhook` may POST to: host names as written in the URL ' +
          '(hooks.internal), IP addresses (127.0.0.1) or CIDR ranges (10.0.0.0/8, fd00::/8). Loopback, ' +
          'private (10/8, 172.16/12, 192.168/16, fc00::/7) and carrier-grade NAT (100.64/10) addresses are ' +
          'refused unless listed here; link-local, cloud-metadata, unspecified, multicast and broadcast ' +
          'addresses are refused always.',
      )
      .meta({ examples: [['10.0.0.0/8', 'hooks.internal']] }),
  })
  .describe('How `tenure check` sends alerts');

export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;

export const DEFAULT_ALERTS_CONFIG: AlertsConfig = AlertsConfigSchema.parse({});

/** Reads `alerts:`; each problem is collected with its path, none thrown. */
export function readAlertsConfig(raw: unknown, problems: ConfigProblem[]): AlertsConfig {
  if (raw === undefined || raw === null) return DEFAULT_ALERTS_CONFIG;
  const parsed = AlertsConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p));
    problems.push({
      path: ['alerts', ...path],
      message: issue.message,
      hint: 'see src/catalog/tenure.schema.json for the alerts section',
    });
  }
  return DEFAULT_ALERTS_CONFIG;
}
