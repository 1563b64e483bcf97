/**
 * .NET date and time format strings: the standard ones (d D f F g G M O R s t T u U Y) and
 * custom ones (yyyy MM MMM MMMM dd ddd dddd HH hh mm ss fff tt, '/' as the culture's date
 * separator, 'literals' and \escapes). Names and the standard patterns follow the culture:
 * the invariant culture by default, Intl for named cultures.
 */
import type { SiqDate } from "../values";
import type { Culture } from "./culture";

export class DateFormatError extends Error {}

/** The invariant culture's standard patterns, as .NET's CultureInfo.InvariantCulture. */
const INVARIANT_STANDARD: Record<string, string> = {
  d: "MM/dd/yyyy",
  D: "dddd, dd MMMM yyyy",
  f: "dddd, dd MMMM yyyy HH:mm",
  F: "dddd, dd MMMM yyyy HH:mm:ss",
  g: "MM/dd/yyyy HH:mm",
  G: "MM/dd/yyyy HH:mm:ss",
  M: "MMMM dd",
  m: "MMMM dd",
  t: "HH:mm",
  T: "HH:mm:ss",
  U: "dddd, dd MMMM yyyy HH:mm:ss",
  Y: "yyyy MMMM",
  y: "yyyy MMMM",
};

/** Patterns that are the same in every culture. */
const FIXED_STANDARD: Record<string, string> = {
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff",
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
};

/** Intl options that give a named culture's standard date formats. */
const CULTURE_STANDARD: Record<string, Intl.DateTimeFormatOptions[]> = {
  d: [{ year: "numeric", month: "numeric", day: "numeric" }],
  D: [{ dateStyle: "full" }],
  f: [{ dateStyle: "full" }, { hour: "numeric", minute: "2-digit" }],
  F: [{ dateStyle: "full" }, { hour: "numeric", minute: "2-digit", second: "2-digit" }],
  g: [{ year: "numeric", month: "numeric", day: "numeric" }, { hour: "numeric", minute: "2-digit" }],
  G: [{ year: "numeric", month: "numeric", day: "numeric" }, { hour: "numeric", minute: "2-digit", second: "2-digit" }],
  M: [{ month: "long", day: "numeric" }],
  m: [{ month: "long", day: "numeric" }],
  t: [{ hour: "numeric", minute: "2-digit" }],
  T: [{ hour: "numeric", minute: "2-digit", second: "2-digit" }],
  U: [{ dateStyle: "full" }, { hour: "numeric", minute: "2-digit", second: "2-digit" }],
  Y: [{ year: "numeric", month: "long" }],
  y: [{ year: "numeric", month: "long" }],
};

export function formatDate(date: SiqDate, format: string, culture: Culture): string {
  if (format.length === 1) {
    const fixed = FIXED_STANDARD[format];
    if (fixed !== undefined) return formatCustomDate(date, fixed, culture);
    if (culture.name === undefined) {
      const pattern = INVARIANT_STANDARD[format];
      if (pattern !== undefined) return formatCustomDate(date, pattern, culture);
    } else {
      const options = CULTURE_STANDARD[format];
      if (options !== undefined) {
        return options.map((o) => new Intl.DateTimeFormat(culture.name, { ...o, timeZone: "UTC" }).format(date.epochMs)).join(" ");
      }
    }
    throw new DateFormatError(`'${format}' is not a .NET date format; use for example d, D, g, s, yyyy-MM-dd or dd/MM/yyyy HH:mm (write %${format} for the single custom field)`);
  }
  return formatCustomDate(date, format, culture);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function formatCustomDate(date: SiqDate, format: string, culture: Culture): string {
  const d = new Date(date.epochMs);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const weekday = d.getUTCDay();
  const hours = d.getUTCHours();
  const minutes = d.getUTCMinutes();
  const seconds = d.getUTCSeconds();
  const ms = d.getUTCMilliseconds();
  let out = "";
  for (let i = 0; i < format.length;) {
    const c = format[i] as string;
    let run = 1;
    while (format[i + run] === c) run++;
    switch (c) {
      case "y":
        out += run === 1 ? String(year % 100) : run === 2 ? pad(year % 100, 2) : pad(year, run);
        break;
      case "M":
        out += run === 1 ? String(month + 1) : run === 2 ? pad(month + 1, 2) : run === 3 ? culture.monthsShort[month] : culture.months[month];
        break;
      case "d":
        out += run === 1 ? String(day) : run === 2 ? pad(day, 2) : run === 3 ? culture.daysShort[weekday] : culture.days[weekday];
        break;
      case "H":
        out += run === 1 ? String(hours) : pad(hours, 2);
        break;
      case "h": {
        const twelve = hours % 12 === 0 ? 12 : hours % 12;
        out += run === 1 ? String(twelve) : pad(twelve, 2);
        break;
      }
      case "m":
        out += run === 1 ? String(minutes) : pad(minutes, 2);
        break;
      case "s":
        out += run === 1 ? String(seconds) : pad(seconds, 2);
        break;
      case "f": case "F": {
        if (run > 7) throw new DateFormatError("at most 7 f or F in a row");
        const digits = (pad(ms, 3) + "0000").slice(0, run);
        out += c === "F" ? digits.replace(/0+$/, "") : digits;
        break;
      }
      case "t": {
        const designator = hours < 12 ? culture.am : culture.pm;
        out += run === 1 ? designator.slice(0, 1) : designator;
        break;
      }
      case "g":
        out += year > 0 ? "A.D." : "B.C.";
        break;
      case "K":
        // Wall-clock values carry no offset, as .NET's DateTimeKind.Unspecified: K writes nothing.
        break;
      case "z":
        throw new DateFormatError("z (time zone offset) is not available: dates are wall-clock times without an offset");
      case "/":
        out += culture.dateSeparator.repeat(run);
        break;
      case ":":
        out += ":".repeat(run);
        break;
      case "'": case "\"": {
        // A quoted literal runs to the next quote of the same kind.
        const close = format.indexOf(c, i + 1);
        out += format.slice(i + 1, close < 0 ? format.length : close);
        i = close < 0 ? format.length : close + 1;
        continue;
      }
      case "\\":
        out += format[i + 1] ?? "";
        i += 2;
        continue;
      case "%":
        // %d means the one-letter custom field d; the % itself writes nothing.
        i += 1;
        continue;
      default:
        out += c.repeat(run);
    }
    i += run;
  }
  return out;
}
