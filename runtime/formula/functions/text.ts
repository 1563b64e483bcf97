/** Text functions. Lists given where text is needed become their items joined by `|`. */
import type { Value } from "../../values";
import { isList, toInteger, toList, toText } from "../coerce";
import { formulaError } from "../failure";
import { compareText } from "../operators";
import { codePointLength, offsetOfCodePoint } from "../unicode";
import type { FormulaFunction } from "./types";

function arg(args: Value[], index: number): Value {
  return args[index] ?? null;
}

function text(args: Value[], index: number): string {
  return toText(arg(args, index));
}

export const TEXT_FUNCTIONS: FormulaFunction[] = [
  {
    name: "Replace", category: "Text", minArgs: 3, maxArgs: 3,
    signature: "Replace(text, find, replacement)",
    description: "Replaces every occurrence of `find` in `text` (matching case exactly). A list is first joined with `|`, so `Replace([q37.GroupName], \"|\", Chr(10))` puts one item per line. An empty `find` leaves the text as it is.",
    examples: [
      { formula: "=Replace([q37.GroupName], \"|\", Chr(10))", result: "\"GroupA\\nGroupB\\nGroupC\"" },
      { formula: "=Replace(\"a-b-c\", \"-\", \"\")", result: "\"abc\"" },
    ],
    evaluate(args) {
      const find = text(args, 1);
      const source = text(args, 0);
      return find === "" ? source : source.split(find).join(text(args, 2));
    },
  },
  {
    name: "Chr", category: "Text", minArgs: 1, maxArgs: 1,
    signature: "Chr(code)",
    description: "The character with the given Unicode code point: `Chr(10)` is a line feed, `Chr(9)` a tab.",
    examples: [
      { formula: "=\"a\" & Chr(10) & \"b\"", result: "\"a\\nb\"" },
      { formula: "=Chr(233)", result: "\"é\"" },
    ],
    evaluate(args, site) {
      const code = toInteger(arg(args, 0), site, "the character code");
      if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        throw formulaError(site, `${code} is not a Unicode character code; use 0 to 1114111 (surrogates 55296-57343 excluded), e.g. Chr(10) for a new line.`);
      }
      return String.fromCodePoint(code);
    },
  },
  {
    name: "Concat", category: "Text", minArgs: 1, maxArgs: Infinity,
    signature: "Concat(value, ...)",
    description: "Joins the text forms of all its arguments, like `&`. Blank arguments add nothing.",
    examples: [{ formula: "=Concat([q1], \"@\", \"example.com\")", result: "\"jdoe@example.com\"" }],
    evaluate(args) {
      let out = "";
      for (const value of args) out += toText(value);
      return out;
    },
  },
  {
    name: "Left", category: "Text", minArgs: 2, maxArgs: 2,
    signature: "Left(text, count)",
    description: "The first `count` characters of `text` (all of it when shorter). Characters are Unicode code points.",
    examples: [{ formula: "=Left(\"SmartIQ\", 5)", result: "\"Smart\"" }],
    evaluate(args, site) {
      const count = toInteger(arg(args, 1), site, "the count");
      if (count < 0) throw formulaError(site, `The count must be 0 or more; got ${count}.`);
      const source = text(args, 0);
      return source.slice(0, offsetOfCodePoint(source, count));
    },
  },
  {
    name: "Right", category: "Text", minArgs: 2, maxArgs: 2,
    signature: "Right(text, count)",
    description: "The last `count` characters of `text` (all of it when shorter).",
    examples: [{ formula: "=Right(\"SmartIQ\", 2)", result: "\"IQ\"" }],
    evaluate(args, site) {
      const count = toInteger(arg(args, 1), site, "the count");
      if (count < 0) throw formulaError(site, `The count must be 0 or more; got ${count}.`);
      const source = text(args, 0);
      const length = codePointLength(source);
      return count >= length ? source : source.slice(offsetOfCodePoint(source, length - count));
    },
  },
  {
    name: "Mid", category: "Text", minArgs: 2, maxArgs: 3,
    signature: "Mid(text, start[, length])",
    description: "Part of `text` from position `start` (the first character is 1), `length` characters long, or to the end when `length` is left out. A start past the end gives \"\".",
    examples: [
      { formula: "=Mid(\"SmartIQ\", 3, 3)", result: "\"art\"" },
      { formula: "=Mid(\"SmartIQ\", 6)", result: "\"IQ\"" },
    ],
    evaluate(args, site) {
      const start = toInteger(arg(args, 1), site, "the start");
      if (start < 1) throw formulaError(site, `The start must be 1 or more (the first character is 1); got ${start}.`);
      const source = text(args, 0);
      const from = offsetOfCodePoint(source, start - 1);
      if (args.length < 3) return source.slice(from);
      const length = toInteger(arg(args, 2), site, "the length");
      if (length < 0) throw formulaError(site, `The length must be 0 or more; got ${length}.`);
      return source.slice(from, from + offsetOfCodePoint(source.slice(from), length));
    },
  },
  {
    name: "Len", category: "Text", minArgs: 1, maxArgs: 1,
    signature: "Len(text)",
    description: "The number of characters (Unicode code points) in the text form of the value; blank is 0. Use `Count` for the number of items in a list.",
    examples: [
      { formula: "=Len([q1])", result: "4" },
      { formula: "=Len(\"👍🏽\")", result: "2" },
    ],
    evaluate(args) {
      return codePointLength(text(args, 0));
    },
  },
  {
    name: "Upper", category: "Text", minArgs: 1, maxArgs: 1,
    signature: "Upper(text)",
    description: "The text in upper case (Unicode rules, independent of culture).",
    examples: [{ formula: "=Upper(\"straße\")", result: "\"STRASSE\"" }],
    evaluate(args) {
      return text(args, 0).toUpperCase();
    },
  },
  {
    name: "Lower", category: "Text", minArgs: 1, maxArgs: 1,
    signature: "Lower(text)",
    description: "The text in lower case (Unicode rules, independent of culture).",
    examples: [{ formula: "=Lower(\"JDoe@Example.COM\")", result: "\"jdoe@example.com\"" }],
    evaluate(args) {
      return text(args, 0).toLowerCase();
    },
  },
  {
    name: "Trim", category: "Text", minArgs: 1, maxArgs: 1,
    signature: "Trim(text)",
    description: "The text without white space (spaces, tabs, line breaks, non-breaking spaces) at either end.",
    examples: [{ formula: "=Trim([q2])", result: "\"Jane Doe\"" }],
    evaluate(args) {
      return text(args, 0).trim();
    },
  },
  {
    name: "Contains", category: "Text", minArgs: 2, maxArgs: 2,
    signature: "Contains(textOrList, find)",
    description: "For text: true when `find` occurs in it, ignoring case. For a list (a repeat field): true when one of its items equals `find`, ignoring case.",
    examples: [
      { formula: "=Contains(\"Sales Team\", \"team\")", result: "true" },
      { formula: "=Contains([q37.GroupName], \"groupb\")", result: "true" },
      { formula: "=Contains([q37.GroupName], \"Group\")", result: "false" },
    ],
    evaluate(args) {
      const haystack = arg(args, 0);
      const find = text(args, 1);
      if (isList(haystack)) return toList(haystack).some((item) => compareText(toText(item), find) === 0);
      return toText(haystack).toLowerCase().includes(find.toLowerCase());
    },
  },
  {
    name: "StartsWith", category: "Text", minArgs: 2, maxArgs: 2,
    signature: "StartsWith(text, prefix)",
    description: "True when the text begins with `prefix`, ignoring case.",
    examples: [{ formula: "=StartsWith(\"SmartIQ\", \"smart\")", result: "true" }],
    evaluate(args) {
      return text(args, 0).toLowerCase().startsWith(text(args, 1).toLowerCase());
    },
  },
  {
    name: "EndsWith", category: "Text", minArgs: 2, maxArgs: 2,
    signature: "EndsWith(text, suffix)",
    description: "True when the text ends with `suffix`, ignoring case.",
    examples: [{ formula: "=EndsWith([q1] & \"@example.com\", \"@EXAMPLE.com\")", result: "true" }],
    evaluate(args) {
      return text(args, 0).toLowerCase().endsWith(text(args, 1).toLowerCase());
    },
  },
];
