/**
 * Answers: converted by question type (SPEC 11.8) from answers files, `--set q1=value`,
 * CSV cells and JSON Lines rows. A value that does not convert is a problem naming the question.
 */
import { isValidEmail } from "./directory/validation";
import { SiqError } from "./errors";
import type { Question } from "./pipeline/types";
import { didYouMean } from "./util/suggest";
import { SiqDate, isPlainObject, type Value } from "./values";

/** A repeat's answer: its rows, each field converted by the field's type. */
export interface RepeatAnswer {
  rows: Array<Record<string, Value>>;
}

export type AnswerValue = Value | RepeatAnswer;

export type Answers = ReadonlyMap<string, AnswerValue>;

export interface AnswerProblem {
  question: string;
  /** The whole problem, naming the question: `q4 (Email): is not a valid email address ...`. */
  message: string;
  /** What is wrong, without the question's name: for a form showing it beside the field. */
  reason: string;
  /** For a repeat question: the row (1-based) and field the problem is in. */
  row?: number;
  field?: string;
}

/** A conversion failure inside a repeat answer, locating the row and field. */
class RowProblem extends Error {
  constructor(
    readonly reason: string,
    readonly row: number,
    readonly field: string | undefined,
  ) {
    super(field === undefined ? `row ${row} ${reason}` : `row ${row}, field ${field}: ${reason}`);
  }
}

export function isRepeatAnswer(value: AnswerValue | undefined): value is RepeatAnswer {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "rows" in value && Array.isArray((value as RepeatAnswer).rows);
}

/**
 * Converts raw answers (JSON values, or text from the command line and CSV) to typed answers.
 * Returns every problem; throws nothing for bad answers.
 */
export function convertAnswers(
  questions: Readonly<Record<string, Question>>,
  raw: Readonly<Record<string, unknown>>,
): { answers: Map<string, AnswerValue>; problems: AnswerProblem[] } {
  const answers = new Map<string, AnswerValue>();
  const problems: AnswerProblem[] = [];
  for (const [id, value] of Object.entries(raw)) {
    const question = Object.hasOwn(questions, id) ? questions[id] : undefined;
    if (!question) {
      const reason = `is not a question of this pipeline${didYouMean(id, Object.keys(questions))}`;
      problems.push({ question: id, message: `"${id}" ${reason}`, reason });
      continue;
    }
    try {
      const converted = convertAnswer(question, value);
      if (converted !== null) answers.set(id, converted);
    } catch (error) {
      const message = `${id} (${question.label}): ${error instanceof Error ? error.message : String(error)}`;
      if (error instanceof RowProblem) {
        problems.push({ question: id, message, reason: error.reason, row: error.row, ...(error.field === undefined ? {} : { field: error.field }) });
      } else {
        problems.push({ question: id, message, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  for (const [id, question] of Object.entries(questions)) {
    if (question.required && isMissing(answers.get(id))) {
      problems.push({ question: id, message: `${id} (${question.label}) is required but has no answer`, reason: "is required but has no answer" });
    }
  }
  return { answers, problems };
}

/** Like {@link convertAnswers}, but throws ANSWERS_INVALID listing every problem. */
export function requireAnswers(questions: Readonly<Record<string, Question>>, raw: Readonly<Record<string, unknown>>): Map<string, AnswerValue> {
  const { answers, problems } = convertAnswers(questions, raw);
  if (problems.length > 0) {
    throw new SiqError("ANSWERS_INVALID", `The answers have ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems.map((p) => p.message).join("; ")}.`, {
      details: { problems },
    });
  }
  return answers;
}

function isMissing(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRepeatAnswer(value)) return value.rows.length === 0;
  return false;
}

function convertAnswer(question: Question, value: unknown): AnswerValue {
  if (value === null || value === undefined) return null;
  switch (question.type) {
    case "text": {
      const text = scalarText(value);
      // A blank answer is no answer (required or not, decided above), never an invalid address.
      if (question.format === "email" && text.trim() !== "" && !isValidEmail(text)) {
        throw new Error("is not a valid email address (expected name@example.com)");
      }
      return text;
    }
    case "number":
      return toNumber(value);
    case "boolean":
      return toBoolean(value);
    case "date":
      return toDate(value);
    case "choice": {
      const text = scalarText(value);
      return text === "" ? null : checkOption(question, text);
    }
    case "multichoice": {
      const items = Array.isArray(value) ? value.map(scalarText) : splitPipes(scalarText(value));
      return items.filter((item) => item !== "").map((item) => checkOption(question, item));
    }
    case "repeat":
      return toRows(question, value);
  }
}

function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`expects text, not ${Array.isArray(value) ? "a list" : typeof value}`);
}

function toNumber(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") return null;
    if (/^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  }
  throw new Error("expects a number such as 12 or 3.5");
}

function toBoolean(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" || typeof value === "number" ? String(value).trim().toLowerCase() : undefined;
  if (text === "") return null;
  if (text === "true" || text === "yes" || text === "1") return true;
  if (text === "false" || text === "no" || text === "0") return false;
  throw new Error("expects true or false");
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Answers of date questions are dates (a time, when given, makes a date-time). */
export function toDate(value: unknown): SiqDate | null {
  if (value instanceof SiqDate) return value;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") return null;
    const match = DATE.exec(text);
    if (match) {
      const [year, month, day, hours, minutes, seconds] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
      const date = SiqDate.fromParts(year ?? 0, month ?? 1, day ?? 1, hours ?? 0, minutes ?? 0, seconds ?? 0, 0, hours !== undefined);
      if (date.month === month && date.day === day && (hours ?? 0) < 24 && (minutes ?? 0) < 60 && (seconds ?? 0) < 60) return date;
    }
  }
  throw new Error("expects a date written yyyy-MM-dd (optionally with HH:mm)");
}

function checkOption(question: Question, text: string): string {
  const options = question.options;
  if (!options) return text;
  const match = options.find((option) => option.toLowerCase() === text.trim().toLowerCase());
  if (match === undefined) throw new Error(`"${text}" is not one of the options (${options.join(", ")})`);
  return match;
}

function splitPipes(text: string): string[] {
  return text === "" ? [] : text.split("|").map((item) => item.trim());
}

function toRows(question: Question, value: unknown): RepeatAnswer {
  const fields = question.fields ?? {};
  if (!Array.isArray(value)) throw new Error("expects a list of rows, such as [{ \"GroupName\": \"Sales\" }]");
  const rows = value.map((row, index) => {
    if (!isPlainObject(row)) throw new RowProblem("must be an object of fields", index + 1, undefined);
    const out: Record<string, Value> = {};
    for (const [field, cell] of Object.entries(row)) {
      const type = Object.hasOwn(fields, field) ? fields[field] : undefined;
      if (!type) throw new RowProblem(`has the field "${field}", which the question does not have${didYouMean(field, Object.keys(fields))}`, index + 1, undefined);
      try {
        out[field] = convertAnswer({ label: field, type }, cell) as Value;
      } catch (error) {
        throw new RowProblem(error instanceof Error ? error.message : String(error), index + 1, field);
      }
    }
    return out;
  });
  return { rows };
}

/**
 * Builds raw answers from `name=value` assignments (the command line's `--set`, and CSV
 * columns): `q37.GroupName=Sales|Support` sets one field across rows, one value per row.
 */
export function answersFromAssignments(questions: Readonly<Record<string, Question>>, assignments: Iterable<[string, string]>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [name, text] of assignments) {
    const dot = name.indexOf(".");
    const id = dot > 0 ? name.slice(0, dot) : name;
    const question = Object.hasOwn(questions, id) ? questions[id] : undefined;
    if (dot > 0 && question?.type === "repeat") {
      const field = name.slice(dot + 1);
      const values = splitPipes(text);
      const rows = (Array.isArray(raw[id]) ? raw[id] : []) as Array<Record<string, unknown>>;
      values.forEach((cell, index) => {
        rows[index] = { ...(rows[index] ?? {}), [field]: cell };
      });
      raw[id] = rows;
    } else {
      raw[name] = text;
    }
  }
  return raw;
}
