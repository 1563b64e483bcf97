/**
 * The shape of the function table. Each function is one data entry: its name, argument counts,
 * signature, description, documented examples and its implementation. The evaluator, the
 * static checks, the template helpers and docs/formulas.md all read this table.
 */
import type { Value } from "../../values";
import type { Site } from "../failure";
import type { EvaluationScope } from "../scope";

export type FunctionCategory = "Text" | "Lists" | "Logic" | "Numbers" | "Dates" | "Encoding";

export interface FunctionExample {
  /** A formula, starting with `=`, evaluated against the documented example answers. */
  formula: string;
  /** Its result as docs/formulas.md shows it (see display.ts); a test checks it. */
  result: string;
}

interface FunctionBase {
  /** The canonical spelling; calls match it ignoring case. */
  name: string;
  category: FunctionCategory;
  minArgs: number;
  /** `Infinity` for functions taking any number of arguments. */
  maxArgs: number;
  /** How docs show the call, `[...]` marking optional arguments. */
  signature: string;
  description: string;
  examples: FunctionExample[];
}

/** Arguments are evaluated before the call. */
export interface EagerFunction extends FunctionBase {
  lazy?: false;
  evaluate(args: Value[], site: Site, scope: EvaluationScope): Value;
}

/** The function decides which arguments to evaluate (IIf, If, Coalesce). */
export interface LazyFunction extends FunctionBase {
  lazy: true;
  evaluate(args: ReadonlyArray<() => Value>, site: Site, scope: EvaluationScope): Value;
}

export type FormulaFunction = EagerFunction | LazyFunction;
