/** The formula syntax tree. Every node keeps the 1-based column where it starts. */
import type { SiqDate } from "../values";

export type BinaryOperator = "&" | "+" | "-" | "*" | "/" | "^" | "mod" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "and" | "or";
export type UnaryOperator = "-" | "+" | "not";

export type FormulaNode =
  | { kind: "number"; value: number; column: number }
  | { kind: "text"; value: string; column: number }
  | { kind: "boolean"; value: boolean; column: number }
  | { kind: "date"; value: SiqDate; column: number }
  | { kind: "reference"; text: string; column: number }
  | { kind: "unary"; operator: UnaryOperator; operand: FormulaNode; column: number }
  | { kind: "binary"; operator: BinaryOperator; left: FormulaNode; right: FormulaNode; column: number }
  /** `name` as written; `column` is where the name starts (problems point there). */
  | { kind: "call"; name: string; args: FormulaNode[]; column: number };
