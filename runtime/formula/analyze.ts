/** analyzeFormula: parse, check and compile a formula once, cached by its source text. */
import type { Value } from "../values";
import { BoundedCache } from "./cache";
import { checkCalls, type FormulaProblem } from "./check";
import { compile, guardedEvaluate } from "./compile";
import { lookupFunction } from "./functions/table";
import { FormulaSyntaxError } from "./lexer";
import { parseFormula } from "./parser";
import type { EvaluationScope } from "./scope";

export type { FormulaProblem };

/** A reference as written, without brackets and trimmed, and the column of its `[`. */
export interface FormulaReference {
  text: string;
  column: number;
}

export interface CompiledFormula {
  source: string;
  /** Every reference, in source order (repeats included). */
  references: readonly FormulaReference[];
  /** The formula's value; throws only SiqError FORMULA_ERROR. */
  evaluate(scope: EvaluationScope): Value;
}

export interface FormulaAnalysis {
  /** Present when there are no problems. */
  formula?: CompiledFormula;
  problems: readonly FormulaProblem[];
}

const CACHE_CAPACITY = 5000;
const cache = new BoundedCache<FormulaAnalysis>(CACHE_CAPACITY);

const isFunctionName = (name: string): boolean => lookupFunction(name) !== undefined;

export function analyzeFormula(source: string): FormulaAnalysis {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  const analysis = analyzeUncached(source);
  cache.set(source, analysis);
  return analysis;
}

/** Parses and compiles without the cache (benchmarks compare the two). */
export function analyzeUncached(source: string): FormulaAnalysis {
  let parsed;
  try {
    parsed = parseFormula(source, isFunctionName);
  } catch (error) {
    if (error instanceof FormulaSyntaxError) {
      return { problems: [{ code: "FORMULA_SYNTAX", message: error.message, column: error.column }] };
    }
    if (error instanceof RangeError) {
      return { problems: [{ code: "FORMULA_SYNTAX", message: "The formula is too deeply nested to read; split it into simpler parts.", column: 1 }] };
    }
    throw error;
  }
  const problems = checkCalls(parsed.root);
  if (problems.length > 0) return { problems };
  const evaluator = compile(parsed.root);
  const formula: CompiledFormula = {
    source,
    references: parsed.references,
    evaluate: (scope) => guardedEvaluate(evaluator, scope, source),
  };
  return { formula, problems: [] };
}

/** Empties the cache (tests measure uncached work with it). */
export function clearFormulaCache(): void {
  cache.clear();
}
