/**
 * What a response means (docs/connectors.md, "Responses"): for every response, every page
 * included, the engine tries the action's error rules, then its success rules, then the
 * connector's error rules; the first rule whose status and every condition hold decides.
 * No rule is an unexpected status.
 */
import { RE2JS } from "re2js";
import type { BoundInputs, InputDefinition } from "../definition";
import type { Condition, Connector, ConnectorAction, ErrorRule } from "../../schemas/connector";
import type { ResponseView } from "./response-view";
import { valueText } from "./response-view";
import { inputText } from "./value-sources";

export type Decision =
  | { kind: "success"; set: Readonly<Record<string, unknown>> | undefined }
  | { kind: "error"; rule: ErrorRule }
  | { kind: "unexpected" };

export interface RuleInputs {
  inputs: BoundInputs;
  definitions: ReadonlyMap<string, InputDefinition>;
}

export function decide(connector: Connector, action: ConnectorAction, view: ResponseView, scope: RuleInputs): Decision {
  for (const rule of action.errors ?? []) if (applies(rule.status, rule.when, view, scope)) return { kind: "error", rule };
  for (const rule of action.success) {
    if (typeof rule === "number") {
      if (rule === view.status) return { kind: "success", set: undefined };
    } else if (applies(rule.status, rule.when, view, scope)) {
      return { kind: "success", set: rule.set };
    }
  }
  for (const rule of connector.errors ?? []) if (applies(rule.status, rule.when, view, scope)) return { kind: "error", rule };
  return { kind: "unexpected" };
}

function applies(status: number | number[] | string, when: readonly Condition[] | undefined, view: ResponseView, scope: RuleInputs): boolean {
  if (!statusMatches(status, view.status)) return false;
  return (when ?? []).every((condition) => holds(condition, view, scope));
}

export function statusMatches(status: number | number[] | string, actual: number): boolean {
  if (typeof status === "number") return status === actual;
  if (Array.isArray(status)) return status.includes(actual);
  return String(actual).length === 3 && String(actual)[0] === status[0];
}

/** The subject's text; undefined when it is missing. */
function subjectText(condition: Condition, view: ResponseView, scope: RuleInputs): string | undefined {
  if (condition.input !== undefined) {
    const value = scope.inputs.get(condition.input);
    return value === undefined ? undefined : inputText(value, scope.definitions.get(condition.input));
  }
  if (condition.body !== undefined) {
    const [first] = view.trySelect(condition.body);
    return first === undefined ? undefined : valueText(first);
  }
  if (condition.header !== undefined) return view.header(condition.header);
  if (condition.error !== undefined) return view.errorDetail(condition.error);
  return undefined;
}

function holds(condition: Condition, view: ResponseView, scope: RuleInputs): boolean {
  const text = subjectText(condition, view, scope);
  if (condition.exists !== undefined) return (text !== undefined && text.trim() !== "") === condition.exists;
  const subject = (text ?? "").toLowerCase();
  if (condition.equals !== undefined) return subject === String(condition.equals).toLowerCase();
  if (condition.in !== undefined) return condition.in.some((item) => subject === String(item).toLowerCase());
  if (condition.contains !== undefined) return subject.includes(condition.contains.toLowerCase());
  if (condition.matches !== undefined) return regex(condition.matches).matcher(text ?? "").find();
  return false;
}

const compiled = new Map<string, RE2JS>();

/** RE2 runs in linear time, so no connector pattern can hang a run on a hostile response. */
function regex(pattern: string): RE2JS {
  let found = compiled.get(pattern);
  if (!found) {
    found = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    compiled.set(pattern, found);
  }
  return found;
}
