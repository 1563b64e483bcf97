/**
 * Strict JSON parsing that reports every syntax error with its line and column, rather than
 * JSON.parse's first error at a character offset.
 */
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import type { Problem } from "./problems";

export interface ParsedJson {
  value: unknown;
  problems: Problem[];
}

const HINTS: Record<string, string> = {
  CommaExpected: "add a comma between the items",
  PropertyNameExpected: "property names must be in double quotes; remove a trailing comma if there is one",
  ValueExpected: "a value is missing; remove a trailing comma if there is one",
  ColonExpected: "add a colon after the property name",
  CloseBraceExpected: "a closing } is missing",
  CloseBracketExpected: "a closing ] is missing",
  EndOfFileExpected: "there is text after the end of the JSON value",
  InvalidCommentToken: "JSON has no comments; use a \"description\" field instead",
  UnexpectedEndOfString: "a string is not closed with a double quote",
  InvalidEscapeCharacter: "a backslash escape in a string is not valid JSON",
  InvalidCharacter: "strings cannot hold raw control characters such as tabs or line breaks; write \\t or \\n",
  InvalidSymbol: "this is not a JSON value (strings need double quotes)",
  InvalidNumberFormat: "this number is not valid JSON",
  UnexpectedEndOfNumber: "this number is not complete",
};

export function parseJsonText(text: string, file: string): ParsedJson {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return { value, problems: [] };
  const lineStarts = computeLineStarts(text);
  const problems = errors.map((error): Problem => {
    const { line, column } = lineAndColumn(lineStarts, error.offset);
    const code = printParseErrorCode(error.error);
    return {
      file,
      path: `line ${line}`,
      column,
      code: "JSON_SYNTAX",
      message: `JSON syntax error at line ${line}, column ${column}: ${HINTS[code] ?? code}.`,
      severity: "error",
    };
  });
  return { value: undefined, problems };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAndColumn(lineStarts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
}
