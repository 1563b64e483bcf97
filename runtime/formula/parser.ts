/**
 * The formula parser: a Pratt (precedence-climbing) parser over the lexer's tokens, linear in
 * the length of the source. It builds the tree and collects references in source order; a
 * syntax error stops it. Function names and argument counts are checked afterwards
 * (see check.ts) so that every such mistake is reported, not only the first.
 *
 * Precedence, lowest first, as in VB: or; and; not; = <> < <= > >=; &; + -; mod; * /; unary - +; ^.
 * Binary operators are left-associative (2^3^2 is 64, as in VB); `-2^2` is -4.
 */
import type { BinaryOperator, FormulaNode } from "./ast";
import { FormulaSyntaxError, Lexer, type Token } from "./lexer";

export interface ParsedFormula {
  root: FormulaNode;
  references: { text: string; column: number }[];
}

/** Deeper nesting than this is refused: it keeps parsing and evaluation off the stack limit. */
export const MAX_NESTING = 200;
/** Longest chain of operators and calls (tree depth) that a formula may build. */
export const MAX_TREE_DEPTH = 1000;

const BINARY_POWER: Record<string, number> = {
  or: 10,
  and: 20,
  "=": 40, "<>": 40, "<": 40, "<=": 40, ">": 40, ">=": 40,
  "&": 50,
  "+": 60, "-": 60,
  mod: 65,
  "*": 70, "/": 70,
  "^": 90,
};
const NOT_POWER = 30;
const UNARY_MINUS_POWER = 80;

const WORD_OPERATORS = new Set(["and", "or", "mod"]);

export function parseFormula(source: string, isFunctionName: (name: string) => boolean): ParsedFormula {
  if (source.charCodeAt(0) !== 0x3d /* = */) {
    throw new FormulaSyntaxError("A formula starts with '='; write for example =[q1].", 1);
  }
  return new Parser(source, isFunctionName).parse();
}

class Parser {
  private readonly lexer: Lexer;
  private token: Token;
  private nesting = 0;
  private readonly references: { text: string; column: number }[] = [];

  constructor(source: string, private readonly isFunctionName: (name: string) => boolean) {
    this.lexer = new Lexer(source, 1);
    this.token = this.lexer.next();
  }

  parse(): ParsedFormula {
    if (this.kind() === "end") {
      throw new FormulaSyntaxError("The formula is empty after '='; write an expression such as =[q1] or =Upper([q1]).", this.token.column);
    }
    const root = this.parseExpression(0);
    if (this.kind() !== "end") {
      const token = this.token;
      throw new FormulaSyntaxError(
        `Unexpected ${describe(token)} after a complete value; join values with an operator (& joins text) or separate arguments with a comma inside a function call.`,
        token.column,
      );
    }
    checkTreeDepth(root);
    return { root, references: this.references };
  }

  /** The current token's kind (a method, so that TypeScript does not narrow it across advance()). */
  private kind(): Token["kind"] {
    return this.token.kind;
  }

  private advance(): Token {
    const token = this.token;
    this.token = this.lexer.next();
    return token;
  }

  /** The binary operator the current token stands for, if any. */
  private binaryOperator(): BinaryOperator | undefined {
    const token = this.token;
    if (token.kind === "operator") return token.text as BinaryOperator;
    if (token.kind === "identifier") {
      const word = token.text.toLowerCase();
      if (WORD_OPERATORS.has(word)) return word as BinaryOperator;
    }
    return undefined;
  }

  private parseExpression(minPower: number): FormulaNode {
    if (++this.nesting > MAX_NESTING) {
      throw new FormulaSyntaxError(`The formula nests more than ${MAX_NESTING} levels deep; split it into simpler parts.`, this.token.column);
    }
    let left = this.parsePrefix();
    for (;;) {
      const operator = this.binaryOperator();
      if (operator === undefined) break;
      const power = BINARY_POWER[operator] ?? 0;
      if (power <= minPower) break;
      const operatorToken = this.advance();
      if (this.kind() === "end") {
        throw new FormulaSyntaxError(`'${operatorToken.text}' needs a value after it.`, operatorToken.column);
      }
      const right = this.parseExpression(power);
      left = { kind: "binary", operator, left, right, column: operatorToken.column };
    }
    this.nesting--;
    return left;
  }

  private parsePrefix(): FormulaNode {
    const token = this.advance();
    switch (token.kind) {
      case "number":
        return { kind: "number", value: token.number ?? 0, column: token.column };
      case "text":
        return { kind: "text", value: token.text, column: token.column };
      case "date":
        if (token.date === undefined) throw new FormulaSyntaxError("Invalid date.", token.column);
        return { kind: "date", value: token.date, column: token.column };
      case "reference":
        this.references.push({ text: token.text, column: token.column });
        return { kind: "reference", text: token.text, column: token.column };
      case "(": {
        const inner = this.parseExpression(0);
        this.expect(")", `'(' at column ${token.column} is not closed; add ')'.`);
        return inner;
      }
      case "operator":
        if (token.text === "-" || token.text === "+") {
          this.requireOperand(token);
          const operand = this.parseExpression(UNARY_MINUS_POWER);
          return { kind: "unary", operator: token.text, operand, column: token.column };
        }
        throw new FormulaSyntaxError(`'${token.text}' needs a value before it.`, token.column);
      case "identifier":
        return this.parseIdentifier(token);
      case ")":
        throw new FormulaSyntaxError("Unexpected ')': a value is missing before it, or it has no matching '('.", token.column);
      case ",":
        throw new FormulaSyntaxError("Unexpected ',': a value is missing before it (commas separate a function's arguments).", token.column);
      case "end":
        throw new FormulaSyntaxError("The formula ends too early: a value is missing here.", token.column);
    }
  }

  private parseIdentifier(token: Token): FormulaNode {
    const word = token.text.toLowerCase();
    if (word === "true" || word === "false") return { kind: "boolean", value: word === "true", column: token.column };
    if (word === "not") {
      this.requireOperand(token);
      const operand = this.parseExpression(NOT_POWER);
      return { kind: "unary", operator: "not", operand, column: token.column };
    }
    if (WORD_OPERATORS.has(word)) {
      throw new FormulaSyntaxError(`'${token.text}' needs a value before it.`, token.column);
    }
    if (this.kind() === "(") return this.parseCall(token);
    if (this.isFunctionName(token.text)) {
      throw new FormulaSyntaxError(`${token.text} is a function: call it with parentheses, for example ${token.text}(...).`, token.column);
    }
    throw new FormulaSyntaxError(
      `'${token.text}' is neither a function call nor a reference; write references in square brackets ([${token.text}]) and text in double quotes ("${token.text}").`,
      token.column,
    );
  }

  private parseCall(name: Token): FormulaNode {
    this.advance();
    const args: FormulaNode[] = [];
    if (this.kind() === ")") {
      this.advance();
      return { kind: "call", name: name.text, args, column: name.column };
    }
    for (;;) {
      if (this.kind() === "," || this.kind() === ")") {
        throw new FormulaSyntaxError(`An argument of ${name.text} is missing here.`, this.token.column);
      }
      if (this.kind() === "end") {
        throw new FormulaSyntaxError(`${name.text}( at column ${name.column} is not closed; add ')'.`, this.token.column);
      }
      args.push(this.parseExpression(0));
      if (this.kind() === ",") {
        this.advance();
        continue;
      }
      this.expect(")", `${name.text}( at column ${name.column} is not closed: add ')' or separate arguments with ','.`);
      return { kind: "call", name: name.text, args, column: name.column };
    }
  }

  private requireOperand(operator: Token): void {
    if (this.kind() === "end" || this.kind() === ")" || this.kind() === ",") {
      throw new FormulaSyntaxError(`'${operator.text}' needs a value after it.`, operator.column);
    }
  }

  private expect(kind: Token["kind"], message: string): void {
    if (this.kind() !== kind) {
      const token = this.token;
      throw new FormulaSyntaxError(token.kind === "end" ? message : `Unexpected ${describe(token)}: ${message}`, token.column);
    }
    this.advance();
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case "number": return `number ${token.text}`;
    case "text": return "text";
    case "date": return `date #${token.text}#`;
    case "reference": return `reference [${token.text}]`;
    case "identifier": return `'${token.text}'`;
    case "end": return "end of formula";
    default: return `'${token.text}'`;
  }
}

/** Refuses trees deeper than MAX_TREE_DEPTH (long operator chains), without recursion. */
function checkTreeDepth(root: FormulaNode): void {
  const stack: [FormulaNode, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [FormulaNode, number];
    if (depth > MAX_TREE_DEPTH) {
      throw new FormulaSyntaxError(`The formula chains more than ${MAX_TREE_DEPTH} operations; split it into simpler parts.`, node.column);
    }
    switch (node.kind) {
      case "unary": stack.push([node.operand, depth + 1]); break;
      case "binary": stack.push([node.left, depth + 1], [node.right, depth + 1]); break;
      case "call": for (const arg of node.args) stack.push([arg, depth + 1]); break;
      default: break;
    }
  }
}
