/** A fixed evaluation scope for formula and template micro-benchmarks. */
import type { EvaluationScope } from "../../runtime/formula";
import { JsonData, type Value } from "../../runtime/values";

export const ANSWERS = {
  q1: "jdoe",
  q2: "Jane.Doe@Example.com",
  groups: [{ GroupName: "Sales" }, { GroupName: "Support" }, { GroupName: "Finance" }],
};

const values = new Map<string, Value>([
  ["q1", ANSWERS.q1],
  ["q2", ANSWERS.q2],
  ["q37", ANSWERS.groups.map((row) => new JsonData(row))],
  ["q37.GroupName", ANSWERS.groups.map((row) => row.GroupName)],
]);

const data = { q1: ANSWERS.q1, q2: ANSWERS.q2, q37: ANSWERS.groups };
const now = new Date("2026-03-01T09:00:00Z");

export const benchScope: EvaluationScope = {
  resolve: (reference) => values.get(reference) ?? null,
  templateData: () => data,
  now: () => now,
};
