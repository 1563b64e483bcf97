/**
 * What a reference such as `[q37.GroupName]` or `[Create User.User Guid]` names. One resolver
 * serves the static checks and the running scope, so both always agree.
 */
import { didYouMean } from "../util/suggest";
import type { Question } from "./types";

export type ReferenceTarget =
  | { kind: "question"; question: string }
  | { kind: "field"; question: string; field: string }
  | { kind: "output"; action: string; actionIndex: number; output: string };

export interface ReferenceFailure {
  kind: "unknown";
  message: string;
}

export interface ReferenceIndex {
  questions: Readonly<Record<string, Question>>;
  /** Actions in file order; `outputs` is undefined when the action's type is unknown. */
  actions: ReadonlyArray<{ name: string; outputs: readonly string[] | undefined }>;
}

/** Resolves a reference's text (without brackets) against the pipeline's questions and actions. */
export function resolveReference(text: string, index: ReferenceIndex): ReferenceTarget | ReferenceFailure {
  const name = text.trim();
  if (Object.hasOwn(index.questions, name)) return { kind: "question", question: name };
  for (let dot = name.indexOf("."); dot > 0; dot = name.indexOf(".", dot + 1)) {
    const head = name.slice(0, dot).trim();
    const tail = name.slice(dot + 1).trim();
    const question = Object.hasOwn(index.questions, head) ? index.questions[head] : undefined;
    if (question) return resolveField(head, question, tail);
    const actionIndex = index.actions.findIndex((action) => action.name === head);
    const action = index.actions[actionIndex];
    if (action) {
      if (action.outputs && !action.outputs.includes(tail)) {
        return {
          kind: "unknown",
          message: `the action "${head}" has no output "${tail}"${didYouMean(tail, action.outputs)}; its outputs are ${action.outputs.map((o) => `"${o}"`).join(", ")}`,
        };
      }
      return { kind: "output", action: head, actionIndex, output: tail };
    }
  }
  const head = name.includes(".") ? name.slice(0, name.indexOf(".")).trim() : name;
  const known = [...Object.keys(index.questions), ...index.actions.map((action) => action.name)];
  return {
    kind: "unknown",
    message: `"${name}" is not a question, a repeat field or an action's output${didYouMean(head, known)}`,
  };
}

function resolveField(id: string, question: Question, field: string): ReferenceTarget | ReferenceFailure {
  if (question.type !== "repeat") {
    return { kind: "unknown", message: `the question "${id}" is a ${question.type} question: only repeat questions have fields such as [${id}.${field}]` };
  }
  const fields = Object.keys(question.fields ?? {});
  if (!fields.includes(field)) {
    return {
      kind: "unknown",
      message: `the repeat question "${id}" has no field "${field}"${didYouMean(field, fields)}; its fields are ${fields.map((f) => `"${f}"`).join(", ") || "none"}`,
    };
  }
  return { kind: "field", question: id, field };
}
