/** Date functions. Blank dates pass through as blank, so an unanswered date question does not fail. */
import type { Value } from "../../values";
import { toBoolean, toDateOrBlank, toNumber } from "../coerce";
import { wallClock } from "../clock";
import { INTERVALS_BY_NUMBER, INTERVAL_HELP, dateAdd, dateDiff, intervalByName, type DateUnit } from "../date-math";
import { formulaError, type Site } from "../failure";
import type { EvaluationScope } from "../scope";
import type { FormulaFunction } from "./types";

function interval(value: Value, site: Site): DateUnit {
  if (typeof value === "number") {
    const unit = Number.isInteger(value) ? INTERVALS_BY_NUMBER[value] : undefined;
    if (unit !== undefined) return unit;
  } else if (typeof value === "string") {
    const unit = intervalByName(value);
    if (unit !== undefined) return unit;
  }
  throw formulaError(site, `The interval is not one DateAdd/DateDiff know; ${INTERVAL_HELP}.`);
}

function dateArg(args: Value[], index: number, site: Site, scope: EvaluationScope, what = "the date") {
  return toDateOrBlank(args[index] ?? null, site, scope.timeZone, what);
}

export const DATE_FUNCTIONS: FormulaFunction[] = [
  {
    name: "Today", category: "Dates", minArgs: 0, maxArgs: 0,
    signature: "Today()",
    description: "Today's date (no time) in the pipeline's `timeZone` (default: the time zone of the process).",
    examples: [{ formula: "=Today()", result: "#2026-11-22#" }],
    evaluate(_args, _site, scope) {
      return wallClock(scope.now(), scope.timeZone, false);
    },
  },
  {
    name: "Now", category: "Dates", minArgs: 0, maxArgs: 0,
    signature: "Now()",
    description: "The current date and time in the pipeline's `timeZone` (default: the time zone of the process).",
    examples: [{ formula: "=Now()", result: "#2026-11-22T14:30:00#" }],
    evaluate(_args, _site, scope) {
      return wallClock(scope.now(), scope.timeZone, true);
    },
  },
  {
    name: "DateAdd", category: "Dates", minArgs: 3, maxArgs: 3,
    signature: "DateAdd(interval, units, date)",
    description: "The date `units` intervals later (earlier when negative). Intervals: 0 or \"yyyy\" years, 1 or \"q\" quarters, 2 or \"m\" months, 4 or \"d\" days, 5 or \"ww\" weeks, 7 or \"h\" hours, 8 or \"n\" minutes, 9 or \"s\" seconds (VB's numbers and letters; \"y\", \"w\", 3 and 6 also add days). Months and years clamp to the month's end; a fraction of a unit is dropped; adding hours, minutes or seconds gives a date-time. Blank date gives blank.",
    examples: [
      { formula: "=DateAdd(0, 1, #2024-02-29#)", result: "#2025-02-28#" },
      { formula: "=DateAdd(\"m\", 1, #2026-01-31#)", result: "#2026-02-28#" },
      { formula: "=DateAdd(\"d\", -30, Today())", result: "#2026-10-23#" },
      { formula: "=DateAdd(\"h\", 2, #2026-11-22 23:30#)", result: "#2026-11-23T01:30:00#" },
    ],
    evaluate(args, site, scope) {
      const unit = interval(args[0] ?? null, site);
      const units = Math.trunc(toNumber(args[1] ?? null, site, "the number of units"));
      const date = dateArg(args, 2, site, scope);
      if (date === null) return null;
      const result = dateAdd(unit, units, date);
      if (result === undefined) throw formulaError(site, "The result is outside the years 1 to 9999; check the number of units.");
      return result;
    },
  },
  {
    name: "DateDiff", category: "Dates", minArgs: 3, maxArgs: 4,
    signature: "DateDiff(interval, from, to[, wholeUnits])",
    description: "How many intervals (as for DateAdd) lie from `from` to `to`, negative when `to` is earlier. By default it counts the interval boundaries crossed, as VB does (31 December to 1 January is 1 year); with `wholeUnits` true it counts only complete intervals (an age in years). Blank dates give blank.",
    examples: [
      { formula: "=DateDiff(\"d\", #2026-11-01#, #2026-11-22#)", result: "21" },
      { formula: "=DateDiff(0, #2025-12-31#, #2026-01-01#)", result: "1" },
      { formula: "=DateDiff(\"yyyy\", [q4], Today(), true)", result: "36" },
      { formula: "=DateDiff(\"m\", #2026-01-31#, #2026-02-28#, true)", result: "0" },
    ],
    evaluate(args, site, scope) {
      const unit = interval(args[0] ?? null, site);
      const from = dateArg(args, 1, site, scope, "the from date");
      const to = dateArg(args, 2, site, scope, "the to date");
      const wholeUnits = args.length > 3 && toBoolean(args[3] ?? null, site, "wholeUnits");
      if (from === null || to === null) return null;
      return dateDiff(unit, from, to, wholeUnits);
    },
  },
  {
    name: "Year", category: "Dates", minArgs: 1, maxArgs: 1,
    signature: "Year(date)",
    description: "The year of a date (blank for blank).",
    examples: [{ formula: "=Year([q4])", result: "1990" }],
    evaluate(args, site, scope) {
      return dateArg(args, 0, site, scope)?.year ?? null;
    },
  },
  {
    name: "Month", category: "Dates", minArgs: 1, maxArgs: 1,
    signature: "Month(date)",
    description: "The month of a date, 1 to 12 (blank for blank).",
    examples: [{ formula: "=Month(\"2026-11-22\")", result: "11" }],
    evaluate(args, site, scope) {
      return dateArg(args, 0, site, scope)?.month ?? null;
    },
  },
  {
    name: "Day", category: "Dates", minArgs: 1, maxArgs: 1,
    signature: "Day(date)",
    description: "The day of the month of a date, 1 to 31 (blank for blank).",
    examples: [{ formula: "=Day(Today())", result: "22" }],
    evaluate(args, site, scope) {
      return dateArg(args, 0, site, scope)?.day ?? null;
    },
  },
];
