// Every reason a row can be refused, with the words a user reads and what to do about it.
// Codes are stable (scripts may match on them); the words may improve. `{key}` is replaced by the key the
// refusal names (a repeated JSON key, an extra column at odds with the row's JSON).
import type { FileFormat } from '../schema/tables.ts';

export const PROBLEMS = {
  required: 'a required value is empty — fill it in the source and load again',
  bad_timestamp:
    'not an ISO 8601 timestamp — write it like 2025-01-31T09:30:00Z or 2025-01-31T11:30:00+02:00 (no offset means UTC)',
  time_zone_name:
    'names a time zone (PST, CET, America/New_York…) instead of giving an offset: abbreviations are ambiguous (CST is US Central or China Standard Time) and ISO 8601 has none — write the offset, like 2025-07-01T10:00:00-08:00, or Z for UTC',
  sub_microsecond:
    'finer than a microsecond: timestamps are stored to the microsecond, so the digits after the sixth would be lost — cut the fraction to at most 6 digits in the source (like 09:30:00.123456Z)',
  bad_date: 'not a date — write it as YYYY-MM-DD',
  bad_number:
    'not a number — write plain decimals like 1234.50, without currency signs or thousands separators',
  bad_integer: 'not a whole number — write digits only, like 12',
  too_precise: 'more than 4 decimal places — round the amount in the source',
  bad_boolean: 'not true or false',
  bad_json: 'not a JSON object — give one like {"key": "value"}',
  duplicate_json_key:
    'the JSON object gives the key "{key}" more than once, and only one value could be kept — keep one and load again',
  extra_column_conflict:
    '"{key}" is given twice with different values: as a column beyond the contract (or NDJSON key) and inside this row\'s own JSON object (attributes or properties) — make them agree, or leave one empty, and load again',
  negative:
    'below the smallest allowed value (amounts here cannot be negative) — check the sign in the source',
  out_of_range: 'outside the allowed range for this column',
  not_allowed: 'not one of the allowed values for this column',
  bad_pattern: 'does not have the expected form (currency codes are three capital letters, like USD)',
  future: 'lies in the future beyond the tolerance — check the clock or the time zone of the export',
  out_of_order: 'comes before the start of its period or term — check the two dates',
  out_of_scale: 'outside the scale of this kind of answer (CSAT is 1 to 5, NPS 0 to 10)',
  no_owner: 'names neither a customer nor a segment — give one of them',
  missing_fields: 'the line has fewer fields than the header — a truncated line or a lost delimiter',
  extra_fields: 'the line has more fields than the header — quote values that contain commas',
  bad_quote: 'a stray or unclosed double quote — wrap the value in quotes and double any quote inside it',
  bad_encoding: 'not UTF-8 text — re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 FILE)',
  line_too_long:
    'the line is longer than 10 MB, the most the reader takes — check for a missing line break, or move large values out of the row',
  malformed_line: 'the line cannot be read as CSV',
  bad_json_line: 'the line is not a JSON object — each line of an NDJSON file must be one object',
  not_track_call: 'a Segment call other than track (identify, page, group…) — only track calls are events',
  conflict: 'the same key appears with different content in this file — keep one version and load again',
  conflict_existing:
    'a row with this key is already in the warehouse with different content — correct the source or remove the old row',
  unknown_reference: 'names a row that does not exist (an unknown customer, content piece or experiment)',
  no_customer:
    'the event names no known customer — give customer_id (Segment context.groupId), or load users with their customer_id',
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** Maps the kinds of line DuckDB's reader rejects to our codes (an NDJSON line is read as one field). */
export function readerRejectProblem(errorType: string, format: FileFormat): ProblemCode {
  switch (errorType) {
    case 'INVALID ENCODING':
    case 'INVALID UNICODE':
      return 'bad_encoding';
    case 'LINE SIZE OVER MAXIMUM':
      return 'line_too_long';
  }
  if (format !== 'csv') return 'bad_json_line';
  switch (errorType) {
    case 'MISSING COLUMNS':
      return 'missing_fields';
    case 'TOO MANY COLUMNS':
      return 'extra_fields';
    case 'UNQUOTED VALUE':
      return 'bad_quote';
    default:
      return 'malformed_line';
  }
}
