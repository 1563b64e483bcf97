/**
 * Turns Ajv's flat error list for a body into the problems a user can act on: elements wrongly
 * included, required elements missing, and other violations, each by JSON Pointer.
 *
 * Ajv (with allErrors) reports every failed alternative of an anyOf/oneOf, every item that did
 * not satisfy `contains`, and every closing error that only exists because a branch failed.
 * We keep what explains the failure:
 * - errors raised inside a failed anyOf/oneOf/contains/propertyNames are set aside (which
 *   errors belong to which is known from each error's schema object, `verbose: true`);
 * - for a failed anyOf/oneOf, each alternative is validated on its own and the one that came
 *   closest (lowest weighted count of problems; a wrong type at its root weighs most) explains
 *   the failure, recursively;
 * - an "unevaluated property" error is dropped when a failed in-place branch declares that
 *   property: the branch's own errors explain it, and its name is not wrong.
 * No value from the body ever enters a message: only names and pointers.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { ClosedSchema, SchemaObject } from "./close-schema";
import { escapePointerSegment } from "./close-schema";

export type BodyProblemKind = "extra" | "missing" | "other";

export interface BodyProblem {
  kind: BodyProblemKind;
  /** JSON Pointer into the body. */
  pointer: string;
  /** For "other": what is wrong (from the schema, never from the body). */
  message: string;
  /** How far from matching this problem puts the body; used to pick the closest alternative. */
  weight: number;
  /** For an extra element refused by a closing keyword: the document pointer of that location. */
  location?: string;
}

export interface ExplainContext {
  readonly closed: ClosedSchema;
  /** A validator for one subschema of the document, compiled on demand and cached. */
  validatorFor(schema: SchemaObject): ValidateFunction;
  /** Alternative validations left; deeply nested alternatives cannot make reporting explode. */
  budget: number;
}

const FAILURE_KEYWORDS = new Set(["anyOf", "oneOf", "contains", "propertyNames"]);
const ROOT_TYPE_WEIGHT = 100;
const VALUE_MISMATCH_WEIGHT = 3;

/** Problems explaining why `data` failed; `base` is the pointer of `data` within the body. */
export function explainErrors(errors: readonly ErrorObject[], data: unknown, base: string, ctx: ExplainContext): BodyProblem[] {
  const { closed } = ctx;
  const setAside = new Set<ErrorObject>();
  for (const failure of errors) {
    if (!FAILURE_KEYWORDS.has(failure.keyword)) continue;
    const owner = closed.node(failure.parentSchema);
    if (!owner || owner.role === "condition") continue;
    const reachable = new Set<object>();
    for (const sub of subschemasOf(owner.schema, failure.keyword)) for (const r of closed.reach(sub)) reachable.add(r);
    for (const error of errors) {
      if (error === failure || !isUnder(error.instancePath, failure.instancePath)) continue;
      if (reachable.has(error.parentSchema as object) || (failure.keyword === "propertyNames" && error.propertyName !== undefined)) {
        setAside.add(error);
      }
    }
  }

  const problems: BodyProblem[] = [];
  for (const error of errors) {
    if (setAside.has(error) || error.propertyName !== undefined) continue;
    const node = closed.node(error.parentSchema);
    // Errors raised inside a test (not, if, contains, propertyNames) or by a boolean schema in one.
    if (!node || node.role === "condition") continue;
    const pointer = base + error.instancePath;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case "anyOf":
      case "oneOf":
        if (Array.isArray(params["passingSchemas"])) {
          const which = (params["passingSchemas"] as number[]).map((i) => i + 1).join(" and ");
          problems.push(other(pointer, `matches more than one alternative of oneOf (${which}); the schema must tell them apart`, 1));
        } else {
          problems.push(...closestAlternative(error, node.schema, data, base, ctx));
        }
        break;
      case "propertyNames":
        problems.push(extra(`${pointer}/${escapePointerSegment(String(params["propertyName"]))}`));
        break;
      case "unevaluatedProperties": {
        const name = String(params["unevaluatedProperty"]);
        if (isBranchArtifact(error, name, errors, closed)) break;
        problems.push({ ...extra(`${pointer}/${escapePointerSegment(name)}`), location: node.docPointer });
        break;
      }
      case "unevaluatedItems": {
        if (isBranchArtifact(error, null, errors, closed)) break;
        const items = dataAt(data, error.instancePath);
        const from = Number(params["limit"] ?? 0);
        const length = Array.isArray(items) ? items.length : from + 1;
        for (let i = from; i < length; i++) problems.push({ ...extra(`${pointer}/${i}`), location: node.docPointer });
        break;
      }
      case "required":
      case "dependentRequired":
        problems.push({ kind: "missing", pointer: `${pointer}/${escapePointerSegment(String(params["missingProperty"]))}`, message: "", weight: 1 });
        break;
      case "not":
        if (node.containsTest) problems.push(other(pointer, describeContains(node.containsTest), 1));
        else if (!node.forbidden) problems.push(other(pointer, "must not match the schema in not", 1));
        else if (node.role === "location" && pointer !== base) problems.push(extra(pointer));
        else problems.push(other(pointer, "is not allowed: the schema allows nothing here", 1));
        break;
      case "if":
        break; // the then/else errors beside it say what is wrong
      default: {
        const relativeRoot = error.instancePath === "";
        const weight = error.keyword === "type" && relativeRoot
          ? ROOT_TYPE_WEIGHT
          : error.keyword === "const" || error.keyword === "enum" ? VALUE_MISMATCH_WEIGHT : 1;
        problems.push(other(pointer, error.message ?? `fails ${error.keyword}`, weight));
      }
    }
  }
  return dedupe(problems);
}

function closestAlternative(failure: ErrorObject, owner: SchemaObject, data: unknown, base: string, ctx: ExplainContext): BodyProblem[] {
  const alternatives = subschemasOf(owner, failure.keyword);
  const subData = dataAt(data, failure.instancePath);
  const subBase = base + failure.instancePath;
  let best: BodyProblem[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const alternative of alternatives) {
    if (ctx.budget <= 0) break;
    ctx.budget--;
    const validate = ctx.validatorFor(alternative);
    if (validate(subData)) continue;
    const problems = explainErrors(validate.errors ?? [], subData, subBase, ctx);
    const score = problems.reduce((sum, p) => sum + p.weight, 0);
    if (problems.length > 0 && score < bestScore) {
      best = problems;
      bestScore = score;
    }
  }
  if (best) return best;
  return [other(subBase, `must match one of the ${alternatives.length} alternatives of ${failure.keyword}`, 1)];
}

function describeContains(test: { min: number; max?: number }): string {
  const atLeast = `at least ${test.min} item${test.min === 1 ? "" : "s"}`;
  if (test.max === undefined) return `must contain ${atLeast} matching contains`;
  return `must contain ${atLeast} and at most ${test.max} matching contains`;
}

/**
 * True when a closing error only exists because an in-place branch failed. A failed branch
 * contributes no evaluated properties, and when Ajv merges annotations dynamically a failure
 * can drop the evaluated names of the whole location. So once any in-place schema at this
 * location failed, a name declared anywhere at the location is not reported as extra: the
 * failure's own errors explain the body. Undeclared names are always reported.
 */
function isBranchArtifact(gate: ErrorObject, name: string | null, errors: readonly ErrorObject[], closed: ClosedSchema): boolean {
  const location = gate.parentSchema as SchemaObject;
  const members = closed.inPlaceClosure(location);
  const declared = name === null
    ? [...members].some((member) => closed.declaresItems(member))
    : [...members].some((member) => closed.declaresName(member, name));
  if (!declared) return false;
  for (const member of members) {
    if (member === location) continue;
    const reach = closed.reach(member);
    for (const error of errors) {
      if (error !== gate && isUnder(error.instancePath, gate.instancePath) && reach.has(error.parentSchema as object)) return true;
    }
  }
  return false;
}

function subschemasOf(owner: SchemaObject, keyword: string): SchemaObject[] {
  const value = owner[keyword];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((s): s is SchemaObject => typeof s === "object" && s !== null);
}

function extra(pointer: string): BodyProblem {
  return { kind: "extra", pointer, message: "", weight: 1 };
}

function other(pointer: string, message: string, weight: number): BodyProblem {
  return { kind: "other", pointer, message, weight };
}

function isUnder(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(prefix + "/");
}

/** The value at a JSON Pointer (as Ajv writes instancePath) inside `data`. */
export function dataAt(data: unknown, pointer: string): unknown {
  if (pointer === "") return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (typeof current === "object" && current !== null && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return current;
}

function dedupe(problems: BodyProblem[]): BodyProblem[] {
  const seen = new Set<string>();
  const result: BodyProblem[] = [];
  for (const problem of problems) {
    const key = `${problem.kind}\u0000${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(problem);
  }
  return result;
}
