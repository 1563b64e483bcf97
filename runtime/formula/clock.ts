/** Wall-clock dates in a time zone, for Today(), Now() and ISO text with an offset. */
import { SiqError } from "../errors";
import { SiqDate } from "../values";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric",
      });
    } catch (error) {
      throw new SiqError("FORMULA_ERROR", `The time zone '${timeZone}' is not an IANA time zone name; set the pipeline's "timeZone" to a name such as "Australia/Sydney" or "UTC".`, { cause: error });
    }
    if (formatters.size > 64) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of an instant in a time zone (the process's zone when undefined). */
export function wallClock(instant: Date, timeZone: string | undefined, hasTime: boolean): SiqDate {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new SiqError("FORMULA_ERROR", "The clock gave an invalid time.");
  if (timeZone === undefined) {
    const date = SiqDate.fromParts(instant.getFullYear(), instant.getMonth() + 1, instant.getDate(),
      instant.getHours(), instant.getMinutes(), instant.getSeconds(), instant.getMilliseconds(), hasTime);
    return hasTime ? date : SiqDate.fromParts(date.year, date.month, date.day);
  }
  let year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    switch (part.type) {
      case "year": year = Number(part.value); break;
      case "month": month = Number(part.value); break;
      case "day": day = Number(part.value); break;
      case "hour": hour = Number(part.value); break;
      case "minute": minute = Number(part.value); break;
      case "second": second = Number(part.value); break;
      case "era": if (part.value.startsWith("B")) year = 1 - year; break;
      default: break;
    }
  }
  if (!hasTime) return SiqDate.fromParts(year, month, day);
  return SiqDate.fromParts(year, month, day, hour, minute, second, ((ms % 1000) + 1000) % 1000, true);
}
