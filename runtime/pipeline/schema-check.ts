/**
 * Validates files against their published JSON Schemas (pipeline, answers, specs, connectors)
 * and turns Ajv's errors into problems a person can act on: one per place, with its JSON path.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import type { TSchema } from "@sinclair/typebox";
import { formatJsonPath, pointerToSegments, type PathSegment } from "./problems";

export interface SchemaIssue {
  segments: PathSegment[];
  path: string;
  message: string;
}

/**
 * A schema as TypeBox builds it, or as its published `*.schema.json` file holds it (the
 * runtime reads the files: building the TypeBox objects costs a tenth of a second at start-up).
 */
export type SchemaSource = TSchema | Readonly<Record<string, unknown>>;

const validators = new WeakMap<object, ValidateFunction>();
let ajv: Ajv2020 | undefined;

function compile(schema: SchemaSource): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    ajv ??= new Ajv2020({ allErrors: true, strict: false });
    // A plain copy: the JSON round trip drops TypeBox's symbol-keyed metadata, and the dialect
    // is the draft Ajv2020 already speaks.
    const { $schema: _dialect, ...document } = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
    validate = ajv.compile(document);
    validators.set(schema, validate);
  }
  return validate;
}

/** Every schema violation of `value`, at most one message per JSON path and kind. */
export function checkAgainstSchema(schema: SchemaSource, value: unknown): SchemaIssue[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  const errors = pruneUnionNoise(validate.errors ?? [], value);
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    const issue = describe(error);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function describe(error: ErrorObject): SchemaIssue {
  const segments = pointerToSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  let message: string;
  switch (error.keyword) {
    case "required":
      message = `the required field "${String(params.missingProperty)}" is missing`;
      break;
    case "additionalProperties":
      message = `"${String(params.additionalProperty)}" is not a known field here`;
      segments.push(String(params.additionalProperty));
      break;
    case "type":
      message = `must be ${article(String(params.type))}`;
      break;
    case "const":
      message = `must be ${JSON.stringify(params.allowedValue)}`;
      break;
    case "enum":
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    case "pattern":
      message = patternMessage(segments, String(params.pattern));
      break;
    case "anyOf":
      message = "does not match any of the allowed forms";
      break;
    default:
      message = error.message ?? "is not valid";
  }
  return { segments, path: formatJsonPath(segments), message };
}

function article(type: string): string {
  const word = type.replace(",", " or ");
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function patternMessage(segments: PathSegment[], pattern: string): string {
  const last = segments[segments.length - 1];
  if (last === "name") return "must not contain '.', '[', ']', '{' or '}' (they would make references ambiguous)";
  if (last === "when") return "must be a formula starting with =";
  return `must match the pattern ${pattern}`;
}

/**
 * For a union (anyOf) such as connection auth, Ajv reports the failures of every branch. Keep
 * only the branches whose discriminating `type` matched; when none matched, keep the anyOf error
 * and a message listing the allowed types.
 */
function pruneUnionNoise(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const unionPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.schemaPath));
  if (unionPaths.size === 0) return errors.filter((e) => !isPatternPropertyNameError(e));
  const result: ErrorObject[] = [];
  for (const error of errors) {
    const union = [...unionPaths].find((path) => error.schemaPath.startsWith(`${path}/`));
    if (!union) {
      if (error.keyword === "anyOf" && hasMatchingBranch(errors, error.schemaPath)) continue;
      if (error.keyword === "anyOf") {
        result.push(withAllowedTypes(error, errors, root));
        continue;
      }
      result.push(error);
      continue;
    }
    const branch = error.schemaPath.slice(0, error.schemaPath.indexOf("/", union.length + 1) + 1);
    const typeFailed = errors.some((e) => e.schemaPath.startsWith(branch) && e.keyword === "const" && e.instancePath.endsWith("/type"));
    const branchHasType = errors.some((e) => e.schemaPath.startsWith(branch));
    if (!typeFailed && branchHasType) result.push(error);
  }
  return result;
}

function hasMatchingBranch(errors: ErrorObject[], unionPath: string): boolean {
  const branches = new Map<string, boolean>();
  for (const e of errors) {
    if (!e.schemaPath.startsWith(`${unionPath}/`)) continue;
    const rest = e.schemaPath.slice(unionPath.length + 1);
    const branch = rest.slice(0, rest.indexOf("/") + 1 || undefined);
    const typeFailed = e.keyword === "const" && e.instancePath.endsWith("/type");
    branches.set(branch, (branches.get(branch) ?? false) || typeFailed);
  }
  return [...branches.values()].some((typeFailed) => !typeFailed);
}

function withAllowedTypes(error: ErrorObject, errors: ErrorObject[], root: unknown): ErrorObject {
  const allowed = errors
    .filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.keyword === "const" && e.instancePath.endsWith("/type"))
    .map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
  if (allowed.length === 0) return error;
  const actual = valueAt(root, `${error.instancePath}/type`);
  const what = actual === undefined ? "has no \"type\"" : `has type ${JSON.stringify(actual)}`;
  return { ...error, keyword: "custom", message: `${what}; use one of ${[...new Set(allowed)].join(", ")}` };
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const segment of pointerToSegments(pointer)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function isPatternPropertyNameError(error: ErrorObject): boolean {
  return error.keyword === "propertyNames";
}
