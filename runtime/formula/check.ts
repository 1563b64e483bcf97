/** Static checks on a parsed formula: unknown functions and wrong argument counts, all of them. */
import type { FormulaNode } from "./ast";
import { closestFunctionNames, lookupFunction } from "./functions/table";
import type { FormulaFunction } from "./functions/types";

export interface FormulaProblem {
  code: "FORMULA_SYNTAX" | "UNKNOWN_FUNCTION" | "ARGUMENT_COUNT";
  message: string;
  column: number;
}

/** More problems than this in one formula are summarised: nobody reads the 51st. */
export const MAX_CALL_PROBLEMS = 50;

export function checkCalls(root: FormulaNode): FormulaProblem[] {
  const problems: FormulaProblem[] = [];
  const suggestions = new Map<string, string>();
  // Iterative walk; problems are sorted by column afterwards so they read left to right.
  const stack: FormulaNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as FormulaNode;
    switch (node.kind) {
      case "unary": stack.push(node.operand); break;
      case "binary": stack.push(node.left, node.right); break;
      case "call": {
        const fn = lookupFunction(node.name);
        if (fn === undefined) {
          const key = node.name.toLowerCase();
          let message = suggestions.get(key);
          if (message === undefined) {
            message = unknownFunctionMessage(node.name);
            suggestions.set(key, message);
          }
          problems.push({ code: "UNKNOWN_FUNCTION", message, column: node.column });
        } else if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
          problems.push({ code: "ARGUMENT_COUNT", message: argumentCountMessage(fn, node.args.length), column: node.column });
        }
        stack.push(...node.args);
        break;
      }
      default: break;
    }
  }
  problems.sort((a, b) => a.column - b.column);
  if (problems.length > MAX_CALL_PROBLEMS) {
    const rest = problems.length - MAX_CALL_PROBLEMS + 1;
    const first = problems[MAX_CALL_PROBLEMS - 1] as FormulaProblem;
    problems.length = MAX_CALL_PROBLEMS - 1;
    problems.push({ code: first.code, message: `${first.message} (and ${rest - 1} more problems with function calls after this one)`, column: first.column });
  }
  return problems;
}

function unknownFunctionMessage(name: string): string {
  const closest = closestFunctionNames(name);
  const hint = closest.length > 0
    ? `did you mean ${closest.join(" or ")}?`
    : "see docs/formulas.md for the list of functions.";
  return `Unknown function ${name}; ${hint}`;
}

export function expectedArguments(fn: FormulaFunction): string {
  if (fn.maxArgs === Infinity) return `${fn.minArgs} or more arguments`;
  if (fn.minArgs === fn.maxArgs) return `${fn.minArgs} argument${fn.minArgs === 1 ? "" : "s"}`;
  if (fn.maxArgs === fn.minArgs + 1) return `${fn.minArgs} or ${fn.maxArgs} arguments`;
  return `${fn.minArgs} to ${fn.maxArgs} arguments`;
}

function argumentCountMessage(fn: FormulaFunction, given: number): string {
  return `${fn.name} takes ${expectedArguments(fn)} (${fn.signature}) but is given ${given}.`;
}
