/**
 * Strict JSON parsing that reports every syntax error with its line and column, rather than
 * JSON.parse's first error at a character offset.
 */
import { parse, printParseErrorCode, visit, type ParseError } from "jsonc-parser";
import { formatJsonPath, type Problem } from "./problems";

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
  if (errors.length === 0) {
    const problems = prototypeKeys(text, file);
    return problems.length === 0 ? { value, problems } : { value: undefined, problems };
  }
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

/**
 * The parser stores a `"__proto__"` key as the object's prototype, not as a member: the value
 * would vanish silently, or be inherited by lookups. It is never meant, so it is refused.
 */
function prototypeKeys(text: string, file: string): Problem[] {
  if (!text.includes("__proto__")) return [];
  const problems: Problem[] = [];
  visit(text, {
    onObjectProperty: (property, _offset, _length, startLine, startCharacter, pathSupplier) => {
      if (property !== "__proto__") return;
      problems.push({
        file,
        path: formatJsonPath([...pathSupplier(), property]),
        column: 0,
        code: "JSON_KEY_NOT_ALLOWED",
        message: `the key "__proto__" (line ${startLine + 1}, column ${startCharacter + 1}) is not allowed: JavaScript reads it as the object's prototype, not as data; rename it.`,
        severity: "error",
      });
    },
  });
  return problems;
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
