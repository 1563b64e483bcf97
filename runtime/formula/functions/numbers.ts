/** Number functions and aggregates. Blank counts as 0 for Abs/Round/Floor/Ceiling and is skipped by aggregates. */
import { SiqDate, type Value } from "../../values";
import { flatten, isBlank, toInteger, toNumber } from "../coerce";
import { formulaError, type Site } from "../failure";
import type { FormulaFunction } from "./types";

/** Shifts the decimal point of `value` by `digits` places, exactly as its decimal text reads. */
function shift(value: number, digits: number): number {
  const [mantissa, exponent] = String(value).split("e");
  return Number(`${mantissa}e${Number(exponent ?? 0) + digits}`);
}

/** Rounds half away from zero at `digits` decimals, on the number's shortest decimal form (1.005 → 1.01). */
export function roundHalfAwayFromZero(value: number, digits: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 52) return value;
  const magnitude = Math.abs(value);
  const rounded = shift(Math.round(shift(magnitude, digits)), -digits);
  const result = value < 0 ? -rounded : rounded;
  return result === 0 ? 0 : result;
}

function numbersOf(args: Value[], site: Site): number[] {
  const out: number[] = [];
  for (const value of flatten(args)) {
    if (isBlank(value)) continue;
    out.push(toNumber(value, site, "each value"));
  }
  return out;
}

function extreme(args: Value[], site: Site, pick: (a: number, b: number) => boolean): Value {
  const values = flatten(args).filter((value) => !isBlank(value));
  if (values.length === 0) throw formulaError(site, `There are no values (all are blank or the lists are empty); guard it with IIf(Count(...) > 0, ${site.name}(...), ...).`);
  if (values.every((value) => value instanceof SiqDate)) {
    let best = values[0] as SiqDate;
    for (const value of values) if (pick((value as SiqDate).epochMs, best.epochMs)) best = value as SiqDate;
    return best;
  }
  let best = toNumber(values[0] ?? null, site, "each value");
  for (const value of values) {
    const number = toNumber(value, site, "each value");
    if (pick(number, best)) best = number;
  }
  return best;
}

export const NUMBER_FUNCTIONS: FormulaFunction[] = [
  {
    name: "Abs", category: "Numbers", minArgs: 1, maxArgs: 1,
    signature: "Abs(number)",
    description: "The number without its sign.",
    examples: [{ formula: "=Abs(-3.5)", result: "3.5" }],
    evaluate(args, site) {
      return Math.abs(toNumber(args[0] ?? null, site, "the number"));
    },
  },
  {
    name: "Round", category: "Numbers", minArgs: 1, maxArgs: 2,
    signature: "Round(number[, digits])",
    description: "The number rounded to `digits` decimals (0 to 15, default 0), halves away from zero: 2.5 → 3, -2.5 → -3, 1.005 → 1.01 at 2 digits.",
    examples: [
      { formula: "=Round(2.5)", result: "3" },
      { formula: "=Round(-2.5)", result: "-3" },
      { formula: "=Round([q3] / 7, 2)", result: "176.36" },
      { formula: "=Round(1.005, 2)", result: "1.01" },
    ],
    evaluate(args, site) {
      const value = toNumber(args[0] ?? null, site, "the number");
      const digits = args.length > 1 ? toInteger(args[1] ?? null, site, "the number of digits") : 0;
      if (digits < 0 || digits > 15) throw formulaError(site, `The number of digits must be 0 to 15; got ${digits}.`);
      return roundHalfAwayFromZero(value, digits);
    },
  },
  {
    name: "Floor", category: "Numbers", minArgs: 1, maxArgs: 1,
    signature: "Floor(number)",
    description: "The largest whole number not above the number: 2.7 → 2, -2.1 → -3.",
    examples: [{ formula: "=Floor(-2.1)", result: "-3" }],
    evaluate(args, site) {
      return Math.floor(toNumber(args[0] ?? null, site, "the number")) || 0;
    },
  },
  {
    name: "Ceiling", category: "Numbers", minArgs: 1, maxArgs: 1,
    signature: "Ceiling(number)",
    description: "The smallest whole number not below the number: 2.1 → 3, -2.7 → -2.",
    examples: [{ formula: "=Ceiling(2.1)", result: "3" }],
    evaluate(args, site) {
      return Math.ceil(toNumber(args[0] ?? null, site, "the number")) || 0;
    },
  },
  {
    name: "Min", category: "Numbers", minArgs: 1, maxArgs: Infinity,
    signature: "Min(value, ...)",
    description: "The smallest of its arguments, lists flattened and blanks skipped; all dates give the earliest date. No values at all is an error.",
    examples: [
      { formula: "=Min([q37.Amount])", result: "10" },
      { formula: "=Min(3, \"2\", [q5])", result: "2" },
    ],
    evaluate(args, site) {
      return extreme(args, site, (a, b) => a < b);
    },
  },
  {
    name: "Max", category: "Numbers", minArgs: 1, maxArgs: Infinity,
    signature: "Max(value, ...)",
    description: "The largest of its arguments, lists flattened and blanks skipped; all dates give the latest date. No values at all is an error.",
    examples: [
      { formula: "=Max([q37.Amount], 25)", result: "30" },
      { formula: "=Max(#2026-01-31#, [q4])", result: "#2026-01-31#" },
    ],
    evaluate(args, site) {
      return extreme(args, site, (a, b) => a > b);
    },
  },
  {
    name: "Sum", category: "Numbers", minArgs: 1, maxArgs: Infinity,
    signature: "Sum(value, ...)",
    description: "The total of its arguments, lists (repeat fields, JSON arrays) flattened and blanks skipped; text must read as a number. No values gives 0.",
    examples: [
      { formula: "=Sum([q37.Amount])", result: "60.5" },
      { formula: "=Sum([q37.Amount], 1, [q5])", result: "61.5" },
    ],
    evaluate(args, site) {
      let total = 0;
      for (const number of numbersOf(args, site)) total += number;
      if (!Number.isFinite(total)) throw formulaError(site, "The total is too large to be a number.");
      return total;
    },
  },
  {
    name: "Average", category: "Numbers", minArgs: 1, maxArgs: Infinity,
    signature: "Average(value, ...)",
    description: "The mean of its arguments, lists flattened and blanks skipped. No values at all is an error.",
    examples: [{ formula: "=Round(Average([q37.Amount]), 2)", result: "20.17" }],
    evaluate(args, site) {
      const numbers = numbersOf(args, site);
      if (numbers.length === 0) throw formulaError(site, "There are no values to average (all are blank or the lists are empty); guard it with IIf(Count(...) > 0, Average(...), 0).");
      let total = 0;
      for (const number of numbers) total += number;
      const mean = total / numbers.length;
      if (!Number.isFinite(mean)) throw formulaError(site, "The values are too large to average.");
      return mean;
    },
  },
];
