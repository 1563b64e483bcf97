/**
 * The formula lexer: hand-written, one pass, linear in the length of the source.
 *
 * Columns are 1-based offsets in the whole source string, so the leading `=` is column 1 and
 * a problem can be shown with a caret under the character that caused it.
 */
import { SiqDate } from "../values";

export type TokenKind =
  | "number"
  | "text"
  | "date"
  | "reference"
  | "identifier"
  | "operator"
  | "("
  | ")"
  | ","
  | "end";

export interface Token {
  kind: TokenKind;
  /** Operator symbol, identifier as written, text content, or reference text (trimmed). */
  text: string;
  /** 1-based column of the token's first character. */
  column: number;
  /** Number literals. */
  number?: number;
  /** Date literals. */
  date?: SiqDate;
}

/** A syntax error found while reading the formula; turned into a FORMULA_SYNTAX problem. */
export class FormulaSyntaxError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

const QUOTE = 0x22; // "
const OPEN_QUOTE = 0x201c; // “
const CLOSE_QUOTE = 0x201d; // ”

function isQuote(code: number): boolean {
  return code === QUOTE || code === OPEN_QUOTE || code === CLOSE_QUOTE;
}

function isSpace(code: number): boolean {
  // Tabs, line breaks, ordinary and non-breaking spaces (pasted from documents), and the rest of
  // Unicode's space separators.
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0xfeff ||
    code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

const DATE_LITERAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Operators that users bring from other languages, with what to write instead. */
const FOREIGN_OPERATORS: Record<string, string> = {
  "==": "compare with a single = (for example [q1] = \"yes\")",
  "!=": "write <> for 'not equal'",
  "&&": "write and",
  "||": "write or",
  "!": "write not",
  ";": "separate arguments with a comma",
  "'": "put text in double quotes (\"...\")",
  "‘": "put text in double quotes (\"...\")",
  "’": "put text in double quotes (\"...\")",
  "{": "a formula cannot hold {{ }}; use a template (a value that does not start with =) or a reference in [ ]",
  "}": "a formula cannot hold {{ }}; use a template (a value that does not start with =) or a reference in [ ]",
  "%": "divide by 100 instead of using %",
  "|": "a | belongs inside text: \"|\"",
};

export class Lexer {
  private position: number;

  constructor(private readonly source: string, start: number) {
    this.position = start;
  }

  next(): Token {
    const source = this.source;
    let position = this.position;
    while (position < source.length && isSpace(source.charCodeAt(position))) position++;
    this.position = position;
    if (position >= source.length) return { kind: "end", text: "", column: position + 1 };
    const code = source.charCodeAt(position);
    const column = position + 1;

    if (isDigit(code) || (code === 0x2e && isDigit(source.charCodeAt(position + 1)))) return this.readNumber();
    if (isQuote(code)) return this.readText();
    if (code === 0x23 /* # */) return this.readDate();
    if (code === 0x5b /* [ */) return this.readReference();
    if (isIdentifierStart(code)) {
      let end = position + 1;
      while (end < source.length && isIdentifierPart(source.charCodeAt(end))) end++;
      this.position = end;
      return { kind: "identifier", text: source.slice(position, end), column };
    }

    const two = source.slice(position, position + 2);
    if (two === "<>" || two === "<=" || two === ">=") {
      this.position = position + 2;
      return { kind: "operator", text: two, column };
    }
    const foreign = FOREIGN_OPERATORS[two] !== undefined ? two : undefined;
    if (foreign !== undefined) {
      throw new FormulaSyntaxError(`'${foreign}' is not an operator here: ${FOREIGN_OPERATORS[foreign]}.`, column);
    }
    const one = source[position] ?? "";
    switch (one) {
      case "&": case "+": case "-": case "*": case "/": case "^": case "=": case "<": case ">":
        this.position = position + 1;
        return { kind: "operator", text: one, column };
      case "(": case ")": case ",":
        this.position = position + 1;
        return { kind: one, text: one, column };
      case ".":
        if (source[position + 1] === "[") {
          throw new FormulaSyntaxError("In a formula a reference is one bracket: write [Create User.User Guid], not [Create User].[User Guid] (that form is for templates).", column);
        }
        throw new FormulaSyntaxError("Unexpected '.'; decimals need a digit before or after the point (0.5), and a field is written inside the brackets: [q37.GroupName].", column);
      case "]":
        throw new FormulaSyntaxError("']' has no matching '['; references are written [q1] or [Action Name.Output].", column);
      default: {
        const hint = FOREIGN_OPERATORS[one];
        if (hint !== undefined) throw new FormulaSyntaxError(`'${one}' is not allowed here: ${hint}.`, column);
        const character = String.fromCodePoint(source.codePointAt(position) ?? code);
        throw new FormulaSyntaxError(
          `Unexpected character '${character}'; a formula holds references in [ ], text in "quotes", numbers, #yyyy-MM-dd# dates, operators and function calls.`,
          column,
        );
      }
    }
  }

  private readNumber(): Token {
    const source = this.source;
    const start = this.position;
    let position = start;
    while (isDigit(source.charCodeAt(position))) position++;
    if (source.charCodeAt(position) === 0x2e /* . */) {
      position++;
      while (isDigit(source.charCodeAt(position))) position++;
    }
    const exponent = source.charCodeAt(position);
    if (exponent === 0x65 || exponent === 0x45) {
      let after = position + 1;
      const sign = source.charCodeAt(after);
      if (sign === 0x2b || sign === 0x2d) after++;
      if (isDigit(source.charCodeAt(after))) {
        position = after;
        while (isDigit(source.charCodeAt(position))) position++;
      }
    }
    if (isIdentifierStart(source.charCodeAt(position))) {
      throw new FormulaSyntaxError(
        `A number cannot run into letters ('${source.slice(start, position + 1)}'); put an operator or a space between them, or write text in "quotes".`,
        position + 1,
      );
    }
    this.position = position;
    const text = source.slice(start, position);
    const number = Number(text);
    if (!Number.isFinite(number)) throw new FormulaSyntaxError(`The number ${text} is too large.`, start + 1);
    return { kind: "number", text, column: start + 1, number };
  }

  private readText(): Token {
    const source = this.source;
    const start = this.position;
    let position = start + 1;
    let text = "";
    let chunkStart = position;
    for (;;) {
      if (position >= source.length) {
        throw new FormulaSyntaxError("This text has no closing quote; end it with \" (write \"\" for a quote inside text).", start + 1);
      }
      const code = source.charCodeAt(position);
      if (isQuote(code)) {
        // The same quote twice is one quote character inside the text (VB's "" escape).
        if (source.charCodeAt(position + 1) === code) {
          text += source.slice(chunkStart, position + 1);
          position += 2;
          chunkStart = position;
          continue;
        }
        text += source.slice(chunkStart, position);
        this.position = position + 1;
        return { kind: "text", text, column: start + 1 };
      }
      position++;
    }
  }

  private readDate(): Token {
    const source = this.source;
    const start = this.position;
    const end = source.indexOf("#", start + 1);
    if (end < 0) throw new FormulaSyntaxError("This date has no closing #; write dates as #yyyy-MM-dd# or #yyyy-MM-dd HH:mm#.", start + 1);
    const content = source.slice(start + 1, end).trim();
    const match = DATE_LITERAL.exec(content);
    const date = match === null ? undefined : dateFromMatch(match);
    if (date === undefined) {
      throw new FormulaSyntaxError(
        `#${content}# is not a valid date; write dates as #yyyy-MM-dd# (for example #2026-11-22#) or #yyyy-MM-dd HH:mm# (#2026-11-22 14:30#).`,
        start + 1,
      );
    }
    this.position = end + 1;
    return { kind: "date", text: content, column: start + 1, date };
  }

  private readReference(): Token {
    const source = this.source;
    const start = this.position;
    let position = start + 1;
    for (;;) {
      if (position >= source.length) {
        throw new FormulaSyntaxError("This reference has no closing ']'; write references as [q1] or [Action Name.Output].", start + 1);
      }
      const code = source.charCodeAt(position);
      if (code === 0x5d /* ] */) break;
      if (code === 0x5b /* [ */) {
        throw new FormulaSyntaxError("A reference cannot contain '['; close the previous reference with ']' first.", position + 1);
      }
      position++;
    }
    const text = source.slice(start + 1, position).trim();
    if (text === "") throw new FormulaSyntaxError("Empty reference []; name a question ([q1]), a repeat field ([q37.GroupName]) or an action output ([Create User.User Guid]).", start + 1);
    this.position = position + 1;
    return { kind: "reference", text, column: start + 1 };
  }
}

function dateFromMatch(match: RegExpExecArray): SiqDate | undefined {
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hasTime = match[4] !== undefined;
  const hours = hasTime ? Number(match[4]) : 0;
  const minutes = hasTime ? Number(match[5]) : 0;
  const seconds = match[6] !== undefined ? Number(match[6]) : 0;
  if (month < 1 || month > 12 || day < 1 || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const date = SiqDate.fromParts(year, month, day, hours, minutes, seconds, 0, hasTime);
  // Reject days that roll over into the next month (2026-02-30).
  if (date.day !== day || date.month !== month || year < 1) return undefined;
  return date;
}
