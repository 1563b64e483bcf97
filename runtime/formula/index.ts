/**
 * The formula language (SPEC section 4): `=Replace([q37.GroupName], "|", Chr(10))`.
 *
 * Hand-written lexer and Pratt parser, static checks of function names and argument counts,
 * closures compiled once per source text, and a table of functions that also serves the
 * template helpers and docs/formulas.md.
 */
export { analyzeFormula, analyzeUncached, clearFormulaCache } from "./analyze";
export type { CompiledFormula, FormulaAnalysis, FormulaProblem, FormulaReference } from "./analyze";
export type { EvaluationScope } from "./scope";
export { FUNCTIONS, lookupFunction } from "./functions/table";
export type { FormulaFunction, FunctionExample, FunctionCategory } from "./functions/types";
