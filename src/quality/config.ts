// The project file's `data_quality:` section: which checks run and how sensitive each is. Every field has a
// default, so the section is optional; a table's freshness limit can be changed or turned off (false).
import { z } from 'zod';
import type { ConfigProblem, PathSegment } from '../catalog/problems.ts';
import type { TableName } from '../schema/tables.ts';
import { TIMED_TABLES } from './time-column.ts';

/**
 * Days a table's newest row may lie behind the reference time before it is stale. Tables written every day
 * (events) get little slack; monthly tables (spend, costs) a month and then some; surveys a quarter.
 * Tables that stop when nothing happens (experiments, their assignments) are not judged by default.
 */
export const DEFAULT_FRESHNESS_DAYS: Readonly<Partial<Record<TableName, number>>> = {
  events: 2,
  customers: 7,
  loyalty_activity: 7,
  orders: 14,
  subscription_changes: 35,
  checkins: 35,
  promotions: 35,
  loyalty_members: 35,
  acquisition_spend: 62,
  costs: 62,
  content_revenue: 62,
  content: 90,
  feedback: 100,
};

/**
 * Surveys go out in rounds and offers in campaigns: a round's first days hold many times the rows of the
 * weeks before (quarterly NPS: 8× for two weeks in a generated company), which no weekday baseline expects.
 */
const WAVE_TABLES = ['feedback', 'promotions'] as const;

const FreshnessLimit = z.union([z.number().positive(), z.literal(false)]);

export const DataQualitySchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the data-quality checks with `tenure check`'),
    freshness_days: z
      .partialRecord(z.enum(TIMED_TABLES), FreshnessLimit)
      .default({})
      .describe('Days a table’s newest row may lie behind as_of before it is stale; false turns it off'),
    volume: z
      .strictObject({
        weeks: z.number().int().min(3).max(52).default(8).describe('Same weekdays compared against'),
        k: z.number().positive().default(5).describe('Band width in robust standard deviations'),
        min_ratio: z
          .number()
          .min(1)
          .default(1.5)
          .describe('A jump must also be at least this factor (up or down) off the median'),
        min_daily_rows: z
          .number()
          .min(0)
          .default(5)
          .describe('Tables with a smaller median day are too thin to judge'),
        skip: z
          .array(z.enum(TIMED_TABLES))
          .default([...WAVE_TABLES])
          .describe(
            'Tables whose rows arrive in waves (survey rounds, campaigns), not judged by daily volume',
          ),
      })
      .default({ weeks: 8, k: 5, min_ratio: 1.5, min_daily_rows: 5, skip: [...WAVE_TABLES] })
      .describe('Daily row counts against the same weekday of recent weeks'),
    null_rate: z
      .strictObject({
        baseline_days: z.number().int().min(3).max(365).default(28).describe('Days of the baseline'),
        z: z.number().positive().default(5).describe('Two-proportion z score a jump must exceed'),
        min_jump: z.number().min(0).max(1).default(0.2).describe('Smallest rise of the null share'),
        min_rows: z.number().int().min(1).default(30).describe('Fewest rows on the day to judge it'),
      })
      .default({ baseline_days: 28, z: 5, min_jump: 0.2, min_rows: 30 })
      .describe('Null share of each optional column on the latest day against the days before'),
    quarantine: z
      .strictObject({
        loads: z.number().int().min(1).max(100).default(10).describe('Earlier loads compared against'),
        z: z.number().positive().default(5).describe('Two-proportion z score a jump must exceed'),
        min_jump: z.number().min(0).max(1).default(0.01).describe('Smallest rise of the quarantined share'),
        min_rows: z.number().int().min(1).default(10).describe('Fewest quarantined rows worth a word'),
      })
      .default({ loads: 10, z: 5, min_jump: 0.01, min_rows: 10 })
      .describe('Share of rows quarantined by the latest load of each table against earlier loads'),
  })
  .describe('Data-quality checks run by `tenure check`: freshness, volume, null rates, quarantine');

export type DataQualityConfig = z.infer<typeof DataQualitySchema>;

export const DEFAULT_DATA_QUALITY: DataQualityConfig = DataQualitySchema.parse({});

/** The freshness limit of a table in days, or undefined when it is not judged. */
export function freshnessLimit(config: DataQualityConfig, table: TableName): number | undefined {
  const set = (config.freshness_days as Partial<Record<TableName, number | false>>)[table];
  if (set === false) return undefined;
  return set ?? DEFAULT_FRESHNESS_DAYS[table];
}

/** Reads `data_quality:`; each problem is collected with its path, none thrown. */
export function readDataQuality(raw: unknown, problems: ConfigProblem[]): DataQualityConfig {
  if (raw === undefined || raw === null) return DEFAULT_DATA_QUALITY;
  const parsed = DataQualitySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path.map((p): PathSegment => (typeof p === 'symbol' ? String(p) : p));
    problems.push({
      path: ['data_quality', ...path],
      message: issue.message,
      hint: 'see src/catalog/tenure.schema.json for the data_quality section',
    });
  }
  return DEFAULT_DATA_QUALITY;
}
