/*
 * The form page's checks of answers, by question type: the same rules, with the same reasons,
 * as the host's runtime/answers.ts, which checks every answer again when it arrives (a test
 * holds the two to the same verdicts). A plain script: the page reads it as window.SiqValidate,
 * the tests with require().
 */
"use strict";
((root, factory) => {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.SiqValidate = api;
})(globalThis, () => {
  const REASONS = {
    required: "is required but has no answer",
    number: "expects a number such as 12 or 3.5",
    boolean: "expects true or false",
    date: "expects a date written yyyy-MM-dd (optionally with HH:mm)",
    email: "is not a valid email address (expected name@example.com)",
    rows: 'expects a list of rows, such as [{ "GroupName": "Sales" }]',
    row: "must be an object of fields",
  };

  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
  // The WHATWG rule for <input type=email>, with RFC 5321's lengths: runtime/directory/validation.ts.
  const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
  const MAX_EMAIL_LENGTH = 254;
  const BOOLEAN_WORDS = ["true", "yes", "1", "false", "no", "0"];
  const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

  function isValidEmail(text) {
    if (text.length > MAX_EMAIL_LENGTH) return false;
    const at = text.lastIndexOf("@");
    if (at < 1 || at > 64) return false;
    return EMAIL.test(text);
  }

  const isScalar = (value) => typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  const notText = (value) => `expects text, not ${Array.isArray(value) ? "a list" : typeof value}`;

  function isDate(text) {
    const match = DATE.exec(text);
    if (!match) return false;
    const [year, month, day, hours = 0, minutes = 0, seconds = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hours, minutes, seconds, 0);
    return date.getUTCMonth() + 1 === month && date.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 60;
  }

  function optionProblem(question, text) {
    const options = question.options;
    if (!options) return null;
    const wanted = text.trim().toLowerCase();
    return options.some((option) => option.toLowerCase() === wanted) ? null : `"${text}" is not one of the options (${options.join(", ")})`;
  }

  /**
   * One value of a question or repeat field: "" when it is no answer, else the reason it is not
   * valid, else null (a valid answer). `question` has type; choices have options; text may have format.
   */
  function problemOf(question, value) {
    if (value === null || value === undefined) return "";
    switch (question.type) {
      case "text": {
        if (!isScalar(value)) return notText(value);
        const text = String(value);
        if (question.format === "email" && text.trim() !== "" && !isValidEmail(text)) return REASONS.email;
        return text === "" ? "" : null;
      }
      case "number":
        if (typeof value === "number") return Number.isFinite(value) ? null : REASONS.number;
        if (typeof value !== "string") return REASONS.number;
        if (value.trim() === "") return "";
        return NUMBER.test(value.trim()) ? null : REASONS.number;
      case "boolean": {
        if (typeof value === "boolean") return null;
        if (typeof value !== "string" && typeof value !== "number") return REASONS.boolean;
        const word = String(value).trim().toLowerCase();
        if (word === "") return "";
        return BOOLEAN_WORDS.includes(word) ? null : REASONS.boolean;
      }
      case "date":
        if (typeof value !== "string") return REASONS.date;
        if (value.trim() === "") return "";
        return isDate(value.trim()) ? null : REASONS.date;
      case "choice": {
        if (!isScalar(value)) return notText(value);
        const text = String(value);
        return text === "" ? "" : optionProblem(question, text);
      }
      case "multichoice": {
        // A list of options, or (as on the command line) one text with | between them.
        let items;
        if (Array.isArray(value)) {
          const bad = value.find((item) => !isScalar(item));
          if (bad !== undefined) return notText(bad);
          items = value.map(String);
        } else {
          if (!isScalar(value)) return notText(value);
          const joined = String(value);
          items = joined === "" ? [] : joined.split("|").map((item) => item.trim());
        }
        items = items.filter((item) => item !== "");
        for (const item of items) {
          const bad = optionProblem(question, item);
          if (bad) return bad;
        }
        return items.length > 0 ? null : "";
      }
      default:
        return null;
    }
  }

  function rowProblems(id, fields, rows, problems) {
    rows.forEach((row, index) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        problems.push({ question: id, row: index + 1, reason: REASONS.row });
        return;
      }
      for (const [field, cell] of Object.entries(row)) {
        if (!has(fields, field)) {
          problems.push({ question: id, row: index + 1, reason: `has the field "${field}", which the question does not have` });
          continue;
        }
        const problem = problemOf({ type: fields[field] }, cell);
        if (problem) problems.push({ question: id, row: index + 1, field, reason: problem });
      }
    });
  }

  /**
   * Checks raw answers as the page collected them (a repeat is a list of row objects) against
   * the questions: every problem, each with question and reason, and row and field inside a repeat.
   */
  function validateAnswers(questions, raw) {
    const problems = [];
    for (const [id, question] of Object.entries(questions)) {
      const value = has(raw, id) ? raw[id] : undefined;
      let answered = false;
      if (question.type === "repeat") {
        if (value !== undefined && value !== null) {
          if (!Array.isArray(value)) {
            problems.push({ question: id, reason: REASONS.rows });
            continue;
          }
          answered = value.length > 0;
          rowProblems(id, question.fields || {}, value, problems);
        }
      } else {
        const problem = problemOf(question, value);
        if (problem) {
          problems.push({ question: id, reason: problem });
          continue;
        }
        answered = problem === null;
      }
      if (question.required && !answered) problems.push({ question: id, reason: REASONS.required });
    }
    return problems;
  }

  return { validateAnswers, problemOf, isValidEmail, REASONS };
});
