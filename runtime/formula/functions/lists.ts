/** Functions that make and read lists (repeat fields, JSON arrays, Split results). */
import { flatten, isBlank, toList, toText } from "../coerce";
import type { FormulaFunction } from "./types";

export const LIST_FUNCTIONS: FormulaFunction[] = [
  {
    name: "Split", category: "Lists", minArgs: 2, maxArgs: 2,
    signature: "Split(text, separator)",
    description: "The list of the parts of `text` between occurrences of `separator` (matching case exactly). Blank text gives an empty list; an empty separator gives a one-item list.",
    examples: [
      { formula: "=Split(\"Sales,Support\", \",\")", result: "[\"Sales\", \"Support\"]" },
      { formula: "=Count(Split(\"\", \",\"))", result: "0" },
    ],
    evaluate(args) {
      const source = toText(args[0] ?? null);
      if (source === "") return [];
      const separator = toText(args[1] ?? null);
      return separator === "" ? [source] : source.split(separator);
    },
  },
  {
    name: "Join", category: "Lists", minArgs: 2, maxArgs: 2,
    signature: "Join(list, separator)",
    description: "The items of a list (a repeat field, a JSON array, a Split result) as text, with `separator` between them. A value that is not a list is a one-item list; blank is an empty list.",
    examples: [
      { formula: "=Join([q37.GroupName], \", \")", result: "\"GroupA, GroupB, GroupC\"" },
      { formula: "=Join(Split(\"a b c\", \" \"), \"-\")", result: "\"a-b-c\"" },
    ],
    evaluate(args) {
      const separator = toText(args[1] ?? null);
      return toList(args[0] ?? null).map(toText).join(separator);
    },
  },
  {
    name: "Count", category: "Lists", minArgs: 1, maxArgs: Infinity,
    signature: "Count(list, ...)",
    description: "The number of non-blank values in its arguments, lists flattened: `Count([q37.GroupName])` counts the rows with a group name, `Count([q37])` counts the rows.",
    examples: [
      { formula: "=Count([q37.GroupName])", result: "3" },
      { formula: "=Count([q5])", result: "0" },
    ],
    evaluate(args) {
      let count = 0;
      for (const value of flatten(args)) if (!isBlank(value)) count++;
      return count;
    },
  },
];
