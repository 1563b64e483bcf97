/**
 * Compiles a checked syntax tree into closures, once; evaluation then walks no tree and parses
 * nothing. Answers and outputs enter only through `scope.resolve` as values, never as code.
 */
import { isActionError, SiqError } from "../errors";
import type { Value } from "../values";
import type { FormulaNode } from "./ast";
import { toBoolean, toNumber, toText } from "./coerce";
import { functionSite, operatorSite } from "./failure";
import { lookupFunction } from "./functions/table";
import { arithmetic, comparison } from "./operators";
import type { EvaluationScope } from "./scope";

export type Evaluator = (scope: EvaluationScope) => Value;

export function compile(node: FormulaNode): Evaluator {
  switch (node.kind) {
    case "number": case "text": case "boolean": case "date": {
      const value = node.value;
      return () => value;
    }
    case "reference": {
      const { text, column } = node;
      return (scope) => {
        const value = scope.resolve(text);
        if (value === undefined) {
          throw new SiqError("FORMULA_ERROR", `[${text}] (column ${column}) names no question, repeat field or earlier action output; check the spelling (question ids and action names must match exactly).`);
        }
        return value;
      };
    }
    case "unary": {
      const operand = compile(node.operand);
      const site = operatorSite(node.operator, node.column);
      if (node.operator === "not") return (scope) => !toBoolean(operand(scope), site, "the value after not");
      if (node.operator === "-") return (scope) => -toNumber(operand(scope), site, "the value after -") || 0;
      return (scope) => toNumber(operand(scope), site, "the value after +");
    }
    case "binary": {
      const left = compile(node.left);
      const right = compile(node.right);
      const operator = node.operator;
      const site = operatorSite(operator, node.column);
      switch (operator) {
        case "and":
          return (scope) => toBoolean(left(scope), site, "the left side of and") && toBoolean(right(scope), site, "the right side of and");
        case "or":
          return (scope) => toBoolean(left(scope), site, "the left side of or") || toBoolean(right(scope), site, "the right side of or");
        case "&":
          return (scope) => toText(left(scope)) + toText(right(scope));
        case "=": case "<>": case "<": case "<=": case ">": case ">=":
          return (scope) => comparison(operator, left(scope), right(scope), scope.timeZone);
        default:
          return (scope) => arithmetic(operator, left(scope), right(scope), site);
      }
    }
    case "call": {
      const fn = lookupFunction(node.name);
      // check.ts reports unknown functions before anything compiles; this guards misuse.
      if (fn === undefined) throw new SiqError("FORMULA_SYNTAX", `Unknown function ${node.name}.`);
      const args = node.args.map(compile);
      const site = functionSite(fn.name, node.column);
      if (fn.lazy === true) {
        return (scope) => fn.evaluate(args.map((arg) => () => arg(scope)), site, scope);
      }
      const count = args.length;
      return (scope) => {
        const values = new Array<Value>(count);
        for (let i = 0; i < count; i++) values[i] = (args[i] as Evaluator)(scope);
        return fn.evaluate(values, site, scope);
      };
    }
  }
}

/** Runs a compiled formula so that it throws only FORMULA_ERROR, whatever goes wrong inside. */
export function guardedEvaluate(evaluator: Evaluator, scope: EvaluationScope, source: string): Value {
  try {
    const value = evaluator(scope);
    return value === undefined ? null : value;
  } catch (error) {
    if (isActionError(error) && error.code === "FORMULA_ERROR") throw error;
    if (isActionError(error)) throw new SiqError("FORMULA_ERROR", error.message, { cause: error });
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new SiqError("FORMULA_ERROR", `The formula ${abbreviate(source)} is too deeply nested to evaluate; split it into simpler parts.`, { cause: error });
    }
    throw new SiqError("FORMULA_ERROR", `The formula ${abbreviate(source)} failed unexpectedly (${error instanceof Error ? error.message : String(error)}); please report this.`, { cause: error });
  }
}

function abbreviate(source: string): string {
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}
