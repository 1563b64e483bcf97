/**
 * DateAdd and DateDiff arithmetic on wall-clock dates (SiqDate), VB style.
 *
 * Intervals: VB's DateInterval numbers 0-9 (0 = years, as SmartIQ documents) or the VB letters
 * "yyyy" "q" "m" "y" "d" "w" "ww" "h" "n" "s", or English names ("year", "month", ...).
 */
import { SiqDate } from "../values";

export type DateUnit = "year" | "quarter" | "month" | "dayofyear" | "day" | "week" | "weekday" | "hour" | "minute" | "second";

/** Index = VB DateInterval value. */
export const INTERVALS_BY_NUMBER: readonly DateUnit[] = [
  "year", "quarter", "month", "dayofyear", "day", "week", "weekday", "hour", "minute", "second",
];

const INTERVALS_BY_NAME: Record<string, DateUnit> = {
  yyyy: "year", year: "year", years: "year",
  q: "quarter", quarter: "quarter", quarters: "quarter",
  m: "month", month: "month", months: "month",
  y: "dayofyear", dayofyear: "dayofyear",
  d: "day", day: "day", days: "day",
  ww: "week", week: "week", weeks: "week",
  w: "weekday", weekday: "weekday",
  h: "hour", hour: "hour", hours: "hour",
  n: "minute", minute: "minute", minutes: "minute",
  s: "second", second: "second", seconds: "second",
};

export const INTERVAL_HELP = "use 0-9 (0 = years, 1 quarters, 2 months, 4 days, 5 weeks, 7 hours, 8 minutes, 9 seconds) or \"yyyy\", \"q\", \"m\", \"d\", \"ww\", \"h\", \"n\" (minutes), \"s\"";

export function intervalByName(name: string): DateUnit | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(INTERVALS_BY_NAME, key) ? INTERVALS_BY_NAME[key] : undefined;
}

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;

/** The earliest and latest dates a formula may produce (as .NET's DateTime: years 1 to 9999). */
export const MIN_EPOCH_MS = new Date("0001-01-01T00:00:00Z").getTime();
export const MAX_EPOCH_MS = new Date("9999-12-31T23:59:59.999Z").getTime();

export function inRange(epochMs: number): boolean {
  return Number.isFinite(epochMs) && epochMs >= MIN_EPOCH_MS && epochMs <= MAX_EPOCH_MS;
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0); // day 0 of the next month = last day of this one
  return date.getUTCDate();
}

function addMonths(date: SiqDate, months: number): SiqDate | undefined {
  const base = new Date(date.epochMs);
  const total = base.getUTCFullYear() * 12 + base.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  if (year < 1 || year > 9999) return undefined;
  const day = Math.min(base.getUTCDate(), daysInMonth(year, month));
  return SiqDate.fromParts(year, month, day, base.getUTCHours(), base.getUTCMinutes(), base.getUTCSeconds(), base.getUTCMilliseconds(), date.hasTime);
}

/** The date `units` intervals later (earlier when negative); undefined when out of range. */
export function dateAdd(unit: DateUnit, units: number, date: SiqDate): SiqDate | undefined {
  let result: SiqDate | undefined;
  switch (unit) {
    case "year": result = addMonths(date, units * 12); break;
    case "quarter": result = addMonths(date, units * 3); break;
    case "month": result = addMonths(date, units); break;
    case "dayofyear": case "day": case "weekday": result = new SiqDate(date.epochMs + units * MS_PER_DAY, date.hasTime); break;
    case "week": result = new SiqDate(date.epochMs + units * MS_PER_WEEK, date.hasTime); break;
    case "hour": result = new SiqDate(date.epochMs + units * MS_PER_HOUR, true); break;
    case "minute": result = new SiqDate(date.epochMs + units * MS_PER_MINUTE, true); break;
    case "second": result = new SiqDate(date.epochMs + units * MS_PER_SECOND, true); break;
  }
  return result !== undefined && inRange(result.epochMs) ? result : undefined;
}

function monthIndex(date: Date): number {
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** Milliseconds since the start of the month (to tell whether a whole month has passed). */
function offsetInMonth(date: Date): number {
  return (date.getUTCDate() - 1) * MS_PER_DAY + (date.getTime() - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function wholeMonths(from: SiqDate, to: SiqDate): number {
  const a = new Date(from.epochMs);
  const b = new Date(to.epochMs);
  let months = monthIndex(b) - monthIndex(a);
  if (months > 0 && offsetInMonth(b) < offsetInMonth(a)) months--;
  if (months < 0 && offsetInMonth(b) > offsetInMonth(a)) months++;
  return months;
}

function boundaries(from: number, to: number, size: number, shift = 0): number {
  return Math.floor((to + shift) / size) - Math.floor((from + shift) / size);
}

/** Epoch day 0 (1970-01-01) is a Thursday; shifting by 4 days makes weeks start on Sunday, as VB. */
const SUNDAY_SHIFT = 4 * MS_PER_DAY;

/**
 * How many intervals lie from `from` to `to` (negative when `to` is earlier). By default, the
 * interval boundaries crossed (VB, SQL DATEDIFF: from 31 December to 1 January is one year);
 * with `wholeUnits`, only complete intervals (an age in years).
 */
export function dateDiff(unit: DateUnit, from: SiqDate, to: SiqDate, wholeUnits: boolean): number {
  const a = from.epochMs;
  const b = to.epochMs;
  const whole = (size: number): number => Math.trunc((b - a) / size) || 0;
  switch (unit) {
    case "year":
      return wholeUnits ? Math.trunc(wholeMonths(from, to) / 12) || 0 : new Date(b).getUTCFullYear() - new Date(a).getUTCFullYear();
    case "quarter":
      if (wholeUnits) return Math.trunc(wholeMonths(from, to) / 3) || 0;
      return Math.floor(monthIndex(new Date(b)) / 3) - Math.floor(monthIndex(new Date(a)) / 3);
    case "month":
      return wholeUnits ? wholeMonths(from, to) : monthIndex(new Date(b)) - monthIndex(new Date(a));
    case "dayofyear": case "day":
      return wholeUnits ? whole(MS_PER_DAY) : boundaries(a, b, MS_PER_DAY);
    case "weekday":
      return wholeUnits ? whole(MS_PER_WEEK) : Math.trunc(boundaries(a, b, MS_PER_DAY) / 7) || 0;
    case "week":
      return wholeUnits ? whole(MS_PER_WEEK) : boundaries(a, b, MS_PER_WEEK, SUNDAY_SHIFT);
    case "hour":
      return wholeUnits ? whole(MS_PER_HOUR) : boundaries(a, b, MS_PER_HOUR);
    case "minute":
      return wholeUnits ? whole(MS_PER_MINUTE) : boundaries(a, b, MS_PER_MINUTE);
    case "second":
      return wholeUnits ? whole(MS_PER_SECOND) : boundaries(a, b, MS_PER_SECOND);
  }
}
