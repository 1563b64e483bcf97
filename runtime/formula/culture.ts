/**
 * Culture data for Format: number symbols, month and day names, AM/PM, the date separator.
 * The invariant culture (the default, as .NET's CultureInfo.InvariantCulture) is built in;
 * other cultures (`en-AU`, `de-DE`, ...) come from Intl, read once per culture and cached.
 */
import { SiqError } from "../errors";

export interface Culture {
  /** Undefined for the invariant culture. */
  name: string | undefined;
  decimal: string;
  group: string;
  minus: string;
  percent: string;
  /** What separates a number from its percent sign: invariant " " (`50.00 %`), en-US "". */
  percentGap: string;
  dateSeparator: string;
  months: readonly string[];
  monthsShort: readonly string[];
  days: readonly string[];
  daysShort: readonly string[];
  am: string;
  pm: string;
}

export const INVARIANT: Culture = {
  name: undefined,
  decimal: ".",
  group: ",",
  minus: "-",
  percent: "%",
  percentGap: " ",
  dateSeparator: "/",
  months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  monthsShort: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
  daysShort: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
  am: "AM",
  pm: "PM",
};

const cultures = new Map<string, Culture>();

export function cultureFor(name: string | undefined): Culture {
  if (name === undefined || name === "" || name.toLowerCase() === "invariant") return INVARIANT;
  let culture = cultures.get(name);
  if (culture === undefined) {
    try {
      culture = readCulture(name);
    } catch (error) {
      throw new SiqError("FORMULA_ERROR", `The culture '${name}' is not a culture name; set the pipeline's "culture" to a name such as "en-AU", "en-US" or "de-DE".`, { cause: error });
    }
    if (cultures.size > 64) cultures.clear();
    cultures.set(name, culture);
  }
  return culture;
}

function part(parts: Intl.NumberFormatPart[] | Intl.DateTimeFormatPart[], type: string, fallback: string): string {
  for (const p of parts) if (p.type === type) return p.value;
  return fallback;
}

function readCulture(name: string): Culture {
  const canonical = Intl.getCanonicalLocales(name)[0];
  if (canonical === undefined) throw new RangeError(`invalid locale ${name}`);
  const numberParts = new Intl.NumberFormat(canonical).formatToParts(-12345.5);
  const percentParts = new Intl.NumberFormat(canonical, { style: "percent" }).formatToParts(0.5);
  const utc = { timeZone: "UTC" } as const;
  const monthLong = new Intl.DateTimeFormat(canonical, { ...utc, month: "long" });
  const monthShort = new Intl.DateTimeFormat(canonical, { ...utc, month: "short" });
  const dayLong = new Intl.DateTimeFormat(canonical, { ...utc, weekday: "long" });
  const dayShort = new Intl.DateTimeFormat(canonical, { ...utc, weekday: "short" });
  const months: string[] = [];
  const monthsShort: string[] = [];
  for (let month = 0; month < 12; month++) {
    const date = Date.UTC(2000, month, 15);
    months.push(monthLong.format(date));
    monthsShort.push(monthShort.format(date).replace(/\.$/, ""));
  }
  const days: string[] = [];
  const daysShort: string[] = [];
  for (let day = 0; day < 7; day++) {
    const date = Date.UTC(2000, 0, 2 + day); // 2000-01-02 was a Sunday
    days.push(dayLong.format(date));
    daysShort.push(dayShort.format(date).replace(/\.$/, ""));
  }
  const hours12 = new Intl.DateTimeFormat(canonical, { ...utc, hour: "numeric", hour12: true });
  const dateParts = new Intl.DateTimeFormat(canonical, { ...utc, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(Date.UTC(2026, 10, 22));
  const percentIndex = percentParts.findIndex((p) => p.type === "percentSign");
  const beforePercent = percentParts[percentIndex - 1];
  return {
    name: canonical,
    decimal: part(numberParts, "decimal", "."),
    group: part(numberParts, "group", ","),
    minus: part(numberParts, "minusSign", "-"),
    percent: part(percentParts, "percentSign", "%"),
    percentGap: beforePercent !== undefined && beforePercent.type === "literal" ? beforePercent.value : "",
    dateSeparator: part(dateParts, "literal", "/").trim() || "/",
    months,
    monthsShort,
    days,
    daysShort,
    am: part(hours12.formatToParts(Date.UTC(2000, 0, 1, 9)), "dayPeriod", "AM"),
    pm: part(hours12.formatToParts(Date.UTC(2000, 0, 1, 21)), "dayPeriod", "PM"),
  };
}
