/**
 * Generates docs/formulas.md from the function table, so the reference cannot drift from the
 * code: a test compares the file with this output (UPDATE_DOCS=1 rewrites it) and evaluates
 * every example against the example answers.
 */
import { expectedArguments } from "./check";
import { EXAMPLE_DESCRIPTION } from "./examples";
import { FUNCTIONS } from "./functions/table";
import type { FunctionCategory } from "./functions/types";

const CATEGORY_ORDER: FunctionCategory[] = ["Text", "Lists", "Logic", "Numbers", "Dates", "Encoding"];

const INTRODUCTION = `# Formulas and templates

<!-- Generated from runtime/formula/docs.ts and the function table in runtime/formula/functions/.
     Do not edit by hand: run \`UPDATE_DOCS=1 npx jest test/formula/docs.test.ts\` to rewrite it. -->

An input value that starts with \`=\` is a formula; a value that contains \`{{ ... }}\` is a
template. Both are checked before anything runs (\`siq validate\`): syntax, unknown functions,
wrong argument counts and unknown references are reported with the column, counted from the
start of the value (the \`=\` is column 1).

## Formulas

\`\`\`
=Replace([q37.GroupName], "|", Chr(10))
=IIf([Create User.Existing User Updated], "updated", "created") & " " & Upper([q1])
=DateDiff("yyyy", [q4], Today(), true) >= 18
\`\`\`

### References

\`[q1]\` is the answer to question q1; \`[q37.GroupName]\` is a repeat's field, a list with one
value per row; \`[Create User.User Guid]\` is an output of an earlier action. Spaces around the
name inside the brackets are ignored. An output of a skipped or failed action reads as blank.

References are values, never code: an answer such as \`=Chr(65)\` or \`{{q2}}\` is text and is
never evaluated.

### Literals

| Literal | Examples |
|---|---|
| number | \`42\`, \`3.5\`, \`.5\`, \`1e3\` (a \`.\` for decimals, whatever the culture) |
| text | \`"Sales"\`, \`"say ""hi"""\` (two quotes for one), \`“Sales”\` (typographic quotes work too) |
| date | \`#2026-11-22#\` (a date), \`#2026-11-22 14:30#\` or \`#2026-11-22T14:30:05#\` (a date-time) |
| boolean | \`true\`, \`false\` (any case) |

### Operators

From the loosest to the tightest binding (as in VB); operators of one row are applied left to
right, and parentheses group as usual. \`and\`, \`or\`, \`not\` and \`mod\` ignore case.

| Operators | Meaning |
|---|---|
| \`or\` | either side is true (the right side is evaluated only when needed) |
| \`and\` | both sides are true (the right side is evaluated only when needed) |
| \`not\` | the opposite of a condition: \`not [q1] = "x"\` is \`not ([q1] = "x")\` |
| \`=\` \`<>\` \`<\` \`<=\` \`>\` \`>=\` | comparisons; text compares ignoring case |
| \`&\` | joins text: \`[q1] & "@example.com"\` |
| \`+\` \`-\` | addition, subtraction |
| \`mod\` | remainder: \`7 mod 3\` is 1 |
| \`*\` \`/\` | multiplication, division |
| \`-\` \`+\` (before a value) | negation |
| \`^\` | power: \`2 ^ 10\` is 1024; \`-2 ^ 2\` is -4 |

### Values and conversions

A value is text, a number, true/false, a date or date-time, a list (a repeat field, \`Split\`),
JSON data (an action output such as Response Headers), or blank (an unanswered question).

- **Text form.** Where text is needed (\`&\`, text functions, templates): a list becomes its items
  joined by \`|\` (\`GroupA|GroupB\`), as in SmartIQ; numbers are written in their shortest exact form
  (\`0.1 + 0.2\` is \`0.30000000000000004\`; use \`Round\` or \`Format\` for fewer digits); true/false
  as \`true\`/\`false\`; dates as \`yyyy-MM-dd\`, date-times as \`yyyy-MM-ddTHH:mm:ss\`; JSON data as
  its JSON; blank as \`""\`.
- **Numbers.** \`+ - * / ^ mod\` and number functions accept numbers, text that reads as a number
  (\`"12" + 1\` is 13; invariant culture: \`.\` for decimals, no thousands separators) and blank
  (as 0). Other text fails with a message pointing at the operator; \`+\` never joins text (use
  \`&\`). A list fails too: combine it with \`Sum\`, \`Count\`, \`Min\` or \`Max\`. Dividing by zero fails.
- **Conditions** (\`IIf\`, \`If\`, \`and\`, \`or\`, \`not\`, \`when\`): true/false, the text \`"true"\` or
  \`"false"\` (any case), numbers (0 is false) and blank (false). Anything else fails.
- **Comparisons.** Numbers compare as numbers, dates by time, true/false as false < true, when
  both sides are of that type or one is text that reads as it (\`"10" = 10\`,
  \`#2026-11-22# = "2026-11-22"\`); everything else compares as text, ignoring case
  (\`"ABC" = "abc"\`). Blank equals \`""\`.
- **Dates.** Date functions accept dates, date-times and ISO text (\`2026-11-22\`,
  \`2026-11-22T14:30:00\`; with \`Z\` or an offset it is converted to the pipeline's time zone).
  A blank date gives blank rather than failing, so an unanswered optional date does not stop a run.
- **Characters.** \`Len\`, \`Left\`, \`Right\` and \`Mid\` count Unicode code points: an emoji is one
  character (one that combines several code points, such as a skin-tone emoji, counts each), and
  no function splits a character in two.
- **Errors.** A formula that fails while running (a bad value, a division by zero) fails the
  action with code \`FORMULA_ERROR\` and a message naming the function or operator and its column.
`;

const TEMPLATES = `## Templates

A template is text with Handlebars \`{{ }}\`:

| Write | Gives |
|---|---|
| \`{{q1}}\` | the answer to q1 |
| \`{{q37.GroupName}}\` | a repeat field's values joined with \`\\|\` (in a JSON document outside a string: a JSON array) |
| \`{{[Create User].[User Guid]}}\` | an output of an earlier action (names with spaces go in brackets) |
| \`{{#each q37}}{{GroupName}}{{/each}}\` | the rows of a repeat; inside, \`{{GroupName}}\` is the row's field, \`{{@index}}\` its position, \`{{../q1}}\` and \`{{@root.q1}}\` the answers |
| \`{{#if q1}}...{{else}}...{{/if}}\`, \`{{#unless}}\`, \`{{#with}}\` | Handlebars' blocks (no others, no partials) |
| \`{{jsonEncode q1}}\`, \`{{replace q1 "a" "b"}}\`, \`{{format q3 "N2"}}\`, \`{{upper (trim q2)}}\` | any formula function, as a helper (names ignore case) |
| \`{{{q1}}}\` | the value without escaping (\`siq validate\` warns: TEMPLATE_RAW) |

Partials, decorators and raw blocks (\`{{{{ }}}}\`) are not supported; blocks nest at most 100
levels (an \`{{else if}}\` counts as one) and helper calls 32. A \`}\` right after \`}}\` is
ordinary text, so \`{"n": {{q3}}}\` works as JSON authors expect.

Every inserted value is escaped for where it lands:

- **JSON documents.** Inside a JSON string, the value is escaped as string content; outside any
  string it is written as a complete JSON value (a number stays a number, text becomes a quoted
  string, blank is \`null\`, a list an array). An answer such as \`", "isAdmin": true, "x": "\` or
  \`1, "isAdmin": true\` therefore stays one value and can never add a member. \`{{jsonEncode q1}}\`
  is not escaped a second time, inside or outside a string.
- **XML documents.** Values are escaped for text and attribute values (\`&\` \`<\` \`>\` \`"\` \`'\`);
  an answer such as \`</Name><Admin>true</Admin>\` stays text. Inside CDATA sections and comments
  the value cannot end them; in a tag name only name characters are kept. Characters XML cannot
  hold become U+FFFD. \`{{xmlEncode q1}}\` is not escaped twice.
- **URLs** (the URL input): values are URI components (\`a/b?c\` becomes \`a%2Fb%3Fc\`), so an
  answer cannot change the path or the query.
- **Plain text:** values are inserted as they are.

A template that fails while rendering (a function given a bad value) fails the action with code
\`TEMPLATE_ERROR\`.
`;

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function code(text: string): string {
  const escaped = escapeCell(text);
  const ticks = escaped.includes("`") ? "``" : "`";
  return `${ticks}${escaped}${ticks}`;
}

export function generateFormulaDocs(): string {
  const sections: string[] = [INTRODUCTION, "## Functions\n"];
  sections.push(
    "Function names ignore case (`replace`, `REPLACE` and `Replace` are the same function). `[...]` in a",
    "signature marks optional arguments. The examples run against these answers (a test checks every",
    "result shown here):\n",
    EXAMPLE_DESCRIPTION,
    "",
    "Results are shown as text in quotes (`\\n` is a line break), numbers, `true`/`false`, dates",
    "as `#yyyy-MM-dd#`, lists as `[...]`, and `blank`.\n",
  );
  const index: string[] = [];
  for (const category of CATEGORY_ORDER) {
    const names = FUNCTIONS.filter((fn) => fn.category === category).map((fn) => `[${fn.name}](#${fn.name.toLowerCase()})`);
    index.push(`- ${category}: ${names.join(", ")}`);
  }
  sections.push(index.join("\n"), "");
  for (const category of CATEGORY_ORDER) {
    sections.push(`### ${category}\n`);
    for (const fn of FUNCTIONS.filter((f) => f.category === category)) {
      sections.push(`#### ${fn.name}\n`);
      sections.push(`\`${fn.signature}\` (${expectedArguments(fn)})\n`);
      sections.push(`${fn.description}\n`);
      sections.push("| Example | Result |\n|---|---|");
      sections.push(fn.examples.map((example) => `| ${code(example.formula)} | ${code(example.result)} |`).join("\n"), "");
    }
  }
  sections.push(TEMPLATES);
  return sections.join("\n").replace(/\n{3,}/g, "\n\n");
}
