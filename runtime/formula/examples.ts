/**
 * The example answers that every documented function example runs against (docs/formulas.md
 * shows them; a test evaluates every example and compares it with its documented result).
 */
import { SiqDate } from "../values";
import { createDataScope } from "./data-scope";
import type { EvaluationScope } from "./scope";

export const EXAMPLE_NOW = "2026-11-22T14:30:00Z";
export const EXAMPLE_TIME_ZONE = "UTC";

export function exampleData(): Record<string, unknown> {
  return {
    q1: "jdoe",
    q2: "  Jane Doe  ",
    q3: 1234.5,
    q4: SiqDate.fromParts(1990, 6, 15),
    q5: null,
    q37: [
      { GroupName: "GroupA", Amount: 10 },
      { GroupName: "GroupB", Amount: 20.5 },
      { GroupName: "GroupC", Amount: 30 },
    ],
    "Create User": { "User Guid": "9f0c2b7e-5d1a-4c3e-8f00-1234567890ab", "Existing User Updated": false },
  };
}

/** Answers as docs/formulas.md lists them. */
export const EXAMPLE_DESCRIPTION = [
  "| Reference | Value |",
  "|---|---|",
  "| `[q1]` | `\"jdoe\"` |",
  "| `[q2]` | `\"  Jane Doe  \"` |",
  "| `[q3]` | `1234.5` |",
  "| `[q4]` | the date 1990-06-15 |",
  "| `[q5]` | unanswered (blank) |",
  "| `[q37]` | a repeat with rows `GroupName`/`Amount`: GroupA/10, GroupB/20.5, GroupC/30 |",
  "| `[Create User.User Guid]` | `\"9f0c2b7e-5d1a-4c3e-8f00-1234567890ab\"` |",
  "| `Now()` | 2026-11-22 14:30:00, time zone UTC, invariant culture |",
].join("\n");

export function exampleScope(culture?: string): EvaluationScope {
  return createDataScope({
    data: exampleData(),
    now: () => new Date(EXAMPLE_NOW),
    timeZone: EXAMPLE_TIME_ZONE,
    ...(culture === undefined ? {} : { culture }),
  });
}
