/** Format: numbers and dates as text, with .NET format strings and the pipeline's culture. */
import { SiqDate, toText, type Value } from "../../values";
import { parseDate, parseNumber } from "../coerce";
import { cultureFor } from "../culture";
import { formulaError } from "../failure";
import { DateFormatError, formatDate } from "../format-date";
import { NumberFormatError, formatNumber } from "../format-number";
import type { FormulaFunction } from "./types";

export const FORMAT_FUNCTIONS: FormulaFunction[] = [
  {
    name: "Format", category: "Text", minArgs: 2, maxArgs: 2,
    signature: "Format(value, format)",
    description: "A number or a date as text, by a .NET format string: numbers with `N2`, `N0`, `F2`, `C`, `P0`, `D5`, `E2`, `X`, or custom `0.00`, `#,##0`, `#,##0.00;(#,##0.00)`, `0%`; dates with `yyyy-MM-dd`, `dd/MM/yyyy HH:mm`, `d MMMM yyyy`, `ddd`, `hh:mm tt`, or standard `d`, `D`, `g`, `s`. Text that reads as a number or an ISO date is formatted as one. Symbols and names follow the pipeline's `culture` (invariant by default: `1,234.50`, `November`); numbers round half away from zero. Blank gives \"\".",
    examples: [
      { formula: "=Format([q3], \"N2\")", result: "\"1,234.50\"" },
      { formula: "=Format([q3], \"#,##0\")", result: "\"1,235\"" },
      { formula: "=Format(0.256, \"0.0%\")", result: "\"25.6%\"" },
      { formula: "=Format(42, \"00000\")", result: "\"00042\"" },
      { formula: "=Format(-5, \"#,##0.00;(#,##0.00)\")", result: "\"(5.00)\"" },
      { formula: "=Format(Now(), \"dd/MM/yyyy HH:mm\")", result: "\"22/11/2026 14:30\"" },
      { formula: "=Format([q4], \"d MMMM yyyy\")", result: "\"15 June 1990\"" },
      { formula: "=Format(\"2026-11-22\", \"ddd yyyy-MM-dd\")", result: "\"Sun 2026-11-22\"" },
    ],
    evaluate(args, site, scope) {
      const value: Value = args[0] ?? null;
      const format = toText(args[1] ?? null);
      if (value === null || (typeof value === "string" && value.trim() === "")) return "";
      if (format === "") return toText(value);
      const culture = cultureFor(scope.culture);
      try {
        if (typeof value === "number") return formatNumber(value, format, culture);
        if (value instanceof SiqDate) return formatDate(value, format, culture);
        if (typeof value === "string") {
          const number = parseNumber(value);
          if (number !== undefined) return formatNumber(number, format, culture);
          const date = parseDate(value, scope.timeZone);
          if (date !== undefined) return formatDate(date, format, culture);
          throw formulaError(site, "The value is text that is neither a number nor an ISO date (yyyy-MM-dd); Format formats numbers and dates.");
        }
      } catch (error) {
        if (error instanceof NumberFormatError || error instanceof DateFormatError) {
          throw formulaError(site, `The format "${format}" cannot be used: ${error.message}.`, error);
        }
        throw error;
      }
      throw formulaError(site, `Format formats numbers and dates, but the value is a ${Array.isArray(value) ? "list" : typeof value === "boolean" ? "boolean" : "JSON value"}.`);
    },
  },
];
