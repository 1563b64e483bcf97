/** Answers converted by question type: problems locate the question (and row and field), and text questions may be emails. */
import { convertAnswers } from "../runtime/answers";
import type { Question } from "../runtime/pipeline/types";
import { inspect } from "./helpers/pipelines";

const questions: Record<string, Question> = {
  q1: { label: "Username", type: "text", required: true },
  q4: { label: "Email", type: "text", format: "email" },
  q5: { label: "Age", type: "number" },
  q37: { label: "Groups", type: "repeat", fields: { GroupName: "text", Since: "date", Seats: "number" } },
};

describe("format: email on text questions", () => {
  test.each([
    ["jdoe@example.com", true],
    ["first.last+tag@sub.example.co.uk", true],
    ["  ", true], // blank is no answer, not a bad address
    ["", true],
    ["jdoe", false],
    ["jdoe@", false],
    ["@example.com", false],
    ["jdoe@example..com", false],
    ["jdoe@-example.com", false],
    ["j doe@example.com", false],
    ["jdoe@example.com\n", false],
  ])("%j is accepted: %s", (email, ok) => {
    const { problems } = convertAnswers(questions, { q1: "jdoe", q4: email });
    expect(problems).toEqual(ok ? [] : [{ question: "q4", reason: "is not a valid email address (expected name@example.com)", message: "q4 (Email): is not a valid email address (expected name@example.com)" }]);
  });

  test("a text question without format takes any text", () => {
    expect(convertAnswers({ q2: { label: "Note", type: "text" } }, { q2: "not an email" }).problems).toEqual([]);
  });

  test("a format on a question that is not text is a static problem naming it", () => {
    const result = inspect({ name: "x", questions: { q9: { label: "Count", type: "number", format: "email" } }, actions: [] });
    expect(result.problems.map((p) => [p.code, p.path])).toEqual([["SCHEMA_VIOLATION", "questions.q9.format"]]);
    expect(result.problems[0]?.message).toMatch(/applies to text questions only, and q9 is a number question/);
  });
});

describe("problems locate what is wrong", () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["a missing required answer", {}, { question: "q1", reason: "is required but has no answer", message: "q1 (Username) is required but has no answer" }],
    ["a number that is not one", { q1: "a", q5: "twelve" }, { question: "q5", reason: "expects a number such as 12 or 3.5" }],
    [
      "a bad cell of a repeat row names the row and field",
      { q1: "a", q37: [{ GroupName: "Sales" }, { GroupName: "Support", Since: "2025-02-30" }] },
      { question: "q37", row: 2, field: "Since", reason: "expects a date written yyyy-MM-dd (optionally with HH:mm)", message: "q37 (Groups): row 2, field Since: expects a date written yyyy-MM-dd (optionally with HH:mm)" },
    ],
    [
      "an unknown field of a row names the row only",
      { q1: "a", q37: [{ Group: "Sales" }] },
      { question: "q37", row: 1, reason: 'has the field "Group", which the question does not have (did you mean "GroupName"?)' },
    ],
    ["a row that is not an object", { q1: "a", q37: ["Sales"] }, { question: "q37", row: 1, reason: "must be an object of fields", message: "q37 (Groups): row 1 must be an object of fields" }],
    ["an unknown question", { q1: "a", q99: "x" }, { question: "q99", reason: "is not a question of this pipeline" }],
  ])("%s", (_name, raw, expected) => {
    const { problems } = convertAnswers(questions, raw);
    expect(problems).toEqual([expect.objectContaining(expected)]);
    if (!("row" in expected)) expect(problems[0]).not.toHaveProperty("row");
  });
});
