/**
 * The parts of the Handlebars syntax tree this module reads and writes, typed strictly (the
 * library's own types are loose). Positions: lines 1-based, columns 0-based, as Handlebars has them.
 */
export interface Position { line: number; column: number }
export interface SourceLocation { start: Position; end: Position }

export interface PathExpression {
  type: "PathExpression";
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
  loc?: SourceLocation;
}
export interface SubExpression {
  type: "SubExpression";
  path: PathExpression;
  params: Expression[];
  hash?: Hash;
  loc?: SourceLocation;
}
export interface Literal {
  type: "StringLiteral" | "NumberLiteral" | "BooleanLiteral" | "UndefinedLiteral" | "NullLiteral";
  value: unknown;
  original: unknown;
  loc?: SourceLocation;
}
export type Expression = PathExpression | SubExpression | Literal;
export interface Hash { type: "Hash"; pairs: { key: string; value: Expression }[]; loc?: SourceLocation }

export interface Program { type: "Program"; body: Statement[]; blockParams?: string[]; loc?: SourceLocation }
export interface MustacheStatement {
  type: "MustacheStatement" | "Decorator";
  path: PathExpression | SubExpression | Literal;
  params: Expression[];
  hash?: Hash;
  escaped: boolean;
  loc?: SourceLocation;
}
export interface BlockStatement {
  type: "BlockStatement" | "DecoratorBlock";
  path: PathExpression | SubExpression | Literal;
  params: Expression[];
  hash?: Hash;
  program?: Program;
  inverse?: Program;
  loc?: SourceLocation;
}
export interface ContentStatement { type: "ContentStatement"; value: string; loc?: SourceLocation }
export interface OtherStatement { type: "CommentStatement" | "PartialStatement" | "PartialBlockStatement"; loc?: SourceLocation }
export type Statement = MustacheStatement | BlockStatement | ContentStatement | OtherStatement;

export function stringLiteral(value: string): Literal {
  return { type: "StringLiteral", value, original: value };
}

export function path(parts: string[], depth: number, data: boolean): PathExpression {
  const original = data ? `@${parts.join(".")}` : depth > 0 ? `${"../".repeat(depth)}${parts.join(".")}` : parts.length === 0 ? "this" : parts.join(".");
  return { type: "PathExpression", data, depth, parts, original };
}
