// Time as integer seconds since the Unix epoch (UTC), calendar arithmetic without Date objects, and fast
// ISO 8601 formatting from cached day prefixes (the generator formats tens of millions of timestamps).

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month (1–12), day] of a day number (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * `sec` plus k calendar months, the day clamped to the month's length (Jan 31 + 1 month = Feb 28/29),
 * which is what SQL engines do for `ts + INTERVAL k MONTH`, so the anniversaries can be recomputed in SQL.
 */
export function addMonths(sec: number, k: number): number {
  const day = Math.floor(sec / DAY);
  const timeOfDay = sec - day * DAY;
  const [y, m, d] = civilFromDays(day);
  const total = y * 12 + (m - 1) + k;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm))) * DAY + timeOfDay;
}

/** Day number of a `YYYY-MM-DD` string, or undefined when it is not a real date. */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function formatDay(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

let timeOfDayTable: string[] | undefined;

/** "HH:MM:SSZ" for every second of a day, built once (≈ 86k short strings). */
function timesOfDay(): string[] {
  if (timeOfDayTable) return timeOfDayTable;
  const table: string[] = new Array(DAY);
  for (let h = 0; h < 24; h++) {
    for (let m = 0; m < 60; m++) {
      const hm = `${pad2(h)}:${pad2(m)}:`;
      for (let s = 0; s < 60; s++) table[h * 3600 + m * 60 + s] = `${hm}${pad2(s)}Z`;
    }
  }
  timeOfDayTable = table;
  return table;
}

/** Formats timestamps and dates for a range of days, caching "YYYY-MM-DDT" per day. */
export class Clock {
  private readonly firstDay: number;
  private readonly prefixes: string[];
  private readonly dates: string[];
  private readonly tod = timesOfDay();

  constructor(firstDay: number, lastDay: number) {
    this.firstDay = firstDay;
    this.dates = [];
    this.prefixes = [];
    for (let d = firstDay; d <= lastDay; d++) {
      const date = formatDay(d);
      this.dates.push(date);
      this.prefixes.push(`${date}T`);
    }
  }

  /** ISO 8601 UTC with second precision: 2025-03-04T10:11:12Z. */
  timestamp(sec: number): string {
    const s = Math.floor(sec);
    const day = Math.floor(s / DAY);
    const prefix = this.prefixes[day - this.firstDay] ?? `${formatDay(day)}T`;
    return prefix + (this.tod[s - day * DAY] as string);
  }

  /** YYYY-MM-DD of the day holding `sec`. */
  date(sec: number): string {
    const day = Math.floor(sec / DAY);
    return this.dates[day - this.firstDay] ?? formatDay(day);
  }
}
