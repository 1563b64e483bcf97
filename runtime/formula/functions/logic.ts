/** Conditions and blanks. IIf, If and Coalesce evaluate only the arguments they need. */
import type { Value } from "../../values";
import { isBlank, toBoolean } from "../coerce";
import { compareValues } from "../operators";
import type { FormulaFunction } from "./types";

function call(thunk: (() => Value) | undefined): Value {
  return thunk === undefined ? null : thunk();
}

export const LOGIC_FUNCTIONS: FormulaFunction[] = [
  {
    name: "IIf", category: "Logic", minArgs: 3, maxArgs: 3, lazy: true,
    signature: "IIf(condition, then, else)",
    description: "`then` when the condition is true, otherwise `else`. Only the branch taken is evaluated, so `IIf([q3] = 0, 0, 100 / [q3])` never divides by zero.",
    examples: [
      { formula: "=IIf(Count([q37.GroupName]) > 2, \"many\", \"few\")", result: "\"many\"" },
      { formula: "=IIf(true, 1, 1 / 0)", result: "1" },
    ],
    evaluate(args, site) {
      return toBoolean(call(args[0]), site) ? call(args[1]) : call(args[2]);
    },
  },
  {
    name: "If", category: "Logic", minArgs: 2, maxArgs: 3, lazy: true,
    signature: "If(condition, then[, else])",
    description: "The same as IIf; without `else`, a false condition gives blank.",
    examples: [
      { formula: "=If(IsBlank([q5]), \"none\", [q5])", result: "\"none\"" },
      { formula: "=If(false, \"x\")", result: "blank" },
    ],
    evaluate(args, site) {
      return toBoolean(call(args[0]), site) ? call(args[1]) : call(args[2]);
    },
  },
  {
    name: "IsEqual", category: "Logic", minArgs: 2, maxArgs: 3,
    signature: "IsEqual(a, b[, matchCase])",
    description: "True when the two values are equal by the rules of `=` (text ignoring case); with `matchCase` true, text must match case exactly.",
    examples: [
      { formula: "=IsEqual(\"Sales\", \"SALES\")", result: "true" },
      { formula: "=IsEqual(\"Sales\", \"SALES\", true)", result: "false" },
      { formula: "=IsEqual(\"12\", 12)", result: "true" },
    ],
    evaluate(args, site, scope) {
      const a = args[0] ?? null;
      const b = args[1] ?? null;
      if (compareValues(a, b, scope.timeZone) !== 0) return false;
      if (args.length < 3 || !toBoolean(args[2] ?? null, site, "matchCase")) return true;
      return typeof a !== "string" || typeof b !== "string" || a === b;
    },
  },
  {
    name: "IsBlank", category: "Logic", minArgs: 1, maxArgs: 1,
    signature: "IsBlank(value)",
    description: "True for an unanswered question, an output of a skipped or failed action, \"\" or white space only, and an empty list (or a list of blanks).",
    examples: [
      { formula: "=IsBlank([q5])", result: "true" },
      { formula: "=IsBlank(\"  \")", result: "true" },
      { formula: "=IsBlank(0)", result: "false" },
    ],
    evaluate(args) {
      return isBlank(args[0] ?? null);
    },
  },
  {
    name: "Coalesce", category: "Logic", minArgs: 1, maxArgs: Infinity, lazy: true,
    signature: "Coalesce(value, ...)",
    description: "The first argument that is not blank (see IsBlank), or blank when all are; later arguments are not evaluated.",
    examples: [{ formula: "=Coalesce([q5], [q1], \"nobody\")", result: "\"jdoe\"" }],
    evaluate(args) {
      for (const thunk of args) {
        const value = thunk();
        if (!isBlank(value)) return value;
      }
      return null;
    },
  },
];
