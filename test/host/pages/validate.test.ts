/**
 * The form page's checks (assets/validate.js, run in the browser) and the host's
 * (runtime/answers.ts, run again on every submission) reach the same verdict on the same
 * answers: the same questions have problems, and each question's first problem has the same
 * row, field and reason. Table cases, then generated answers of every shape a page can send.
 */
import fc from "fast-check";
import { convertAnswers } from "../../../runtime/answers";
import type { Question } from "../../../runtime/pipeline/types";

interface PageProblem {
  question: string;
  reason: string;
  row?: number;
  field?: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const page = require("../../../runtime/host/pages/assets/validate.js") as {
  validateAnswers(questions: Record<string, Question>, raw: Record<string, unknown>): PageProblem[];
  isValidEmail(text: string): boolean;
};

const questions: Record<string, Question> = {
  name: { label: "Name", type: "text", required: true },
  email: { label: "Email", type: "text", format: "email" },
  hours: { label: "Hours", type: "number", required: true },
  laptop: { label: "Laptop", type: "boolean" },
  start: { label: "Start", type: "date" },
  office: { label: "Office", type: "choice", options: ["London", "Paris"], required: true },
  tools: { label: "Tools", type: "multichoice", options: ["Office", "Design"] },
  kit: { label: "Kit", type: "repeat", required: true, fields: { Item: "text", Count: "number", Due: "date", Urgent: "boolean" } },
};

/** Each question's first problem, as { row, field, reason }. */
function firstProblems(problems: ReadonlyArray<{ question: string; reason: string; row?: number; field?: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const problem of problems) out[problem.question] ??= { row: problem.row, field: problem.field, reason: problem.reason };
  return out;
}

function expectSameVerdict(raw: Record<string, unknown>): void {
  const server = firstProblems(convertAnswers(questions, raw).problems);
  const client = firstProblems(page.validateAnswers(questions, raw));
  expect({ raw, verdict: client }).toEqual({ raw, verdict: server });
}

const valid = { name: "Ada", hours: "37.5", office: "paris", kit: [{ Item: "Monitor", Count: "2", Due: "2026-04-01", Urgent: true }] };

test.each<[string, Record<string, unknown>]>([
  ["all valid", valid],
  ["nothing answered", {}],
  ["blank text and a blank repeat", { name: "", kit: [] }],
  ["a bad email", { ...valid, email: "ada@" }],
  ["an email with a space around it", { ...valid, email: " ada@example.com " }],
  ["a blank email", { ...valid, email: "   " }],
  ["a number in words", { ...valid, hours: "thirty" }],
  ["a number with exponent", { ...valid, hours: "1e3" }],
  ["a JSON number", { ...valid, hours: 12 }],
  ["an impossible date", { ...valid, start: "2026-02-29" }],
  ["a date with a time", { ...valid, start: "2026-02-28T23:59" }],
  ["a time past midnight", { ...valid, start: "2026-02-28T24:00" }],
  ["an option in another case", { ...valid, office: "LONDON" }],
  ["an unknown option", { ...valid, office: "Berlin" }],
  ["multichoice as a list", { ...valid, tools: ["Office", "design"] }],
  ["multichoice with an unknown item", { ...valid, tools: ["Office", "Chess"] }],
  ["multichoice as pipes", { ...valid, tools: "Office | Design" }],
  ["boolean words", { ...valid, laptop: "yes" }],
  ["a bad boolean", { ...valid, laptop: "maybe" }],
  ["a bad cell in the second row", { ...valid, kit: [{ Item: "A" }, { Item: "B", Count: "many" }] }],
  ["a row that is not an object", { ...valid, kit: ["Monitor"] }],
  ["a repeat that is not a list", { ...valid, kit: "Monitor" }],
  ["a list where text belongs", { ...valid, name: ["Ada"] }],
])("%s", (_name, raw) => expectSameVerdict(raw));

test("the email rule is the directory's, on hostile text too", () => {
  fc.assert(
    fc.property(fc.oneof(fc.emailAddress(), fc.string({ maxLength: 80 }), fc.stringMatching(/^[a-z.@-]{0,30}$/)), (text) => {
      const { problems } = convertAnswers({ e: { label: "E", type: "text", format: "email" } }, { e: text });
      expect(page.isValidEmail(text) || text.trim() === "").toBe(problems.length === 0);
    }),
    { numRuns: 400 },
  );
});

test("generated answers of every shape the page sends get the same verdict from both", () => {
  const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", " ", "12", "-3.5", ".5", "1e3", "1,5", ",5", "+.5e-2", "2026-02-28", "2026-13-01", "2024-02-29T10:30", "London", "paris", "a@b.co", "a@", "yes", "no", "0"));
  const cell = fc.oneof(text, fc.boolean());
  const row = fc.record({ Item: text, Count: text, Due: text, Urgent: cell }, { requiredKeys: [] });
  const raw = fc.record(
    {
      name: text,
      email: text,
      hours: fc.oneof(text, fc.double({ noNaN: true })),
      laptop: cell,
      start: text,
      office: text,
      tools: fc.oneof(fc.array(fc.constantFrom("Office", "Design", "design", "Chess", ""), { maxLength: 3 }), text),
      kit: fc.array(row, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  fc.assert(fc.property(raw, (answers) => expectSameVerdict(answers)), { numRuns: 500 });
});
