/**
 * Loading a spec: JSON with located syntax errors, the spec schema, every matcher, the
 * pipeline it runs (its file, or inline), its answers, and the names it expects (actions and
 * their outputs). Every problem is reported at once, as problem lines; nothing runs until the
 * spec is valid.
 */
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { Type } from "@sinclair/typebox";
import { SpecSchema, type SpecFile, type SpecRequest } from "../../schemas/spec";
import { convertAnswers, type AnswerValue } from "../answers";
import type { ActionPlugin } from "../definition";
import { SiqError } from "../errors";
import { parseJsonText } from "../pipeline/json-source";
import { builtInRegistry, inspectPipelineData, inspectPipelineFile } from "../pipeline/load";
import { errorCount, formatJsonPath, formatProblemLine, type PathSegment, type Problem } from "../pipeline/problems";
import { checkAgainstSchema } from "../pipeline/schema-check";
import type { Pipeline } from "../pipeline/types";
import { didYouMean } from "../util/suggest";
import { checkMatchers } from "./matchers";

export interface SpecLoadOptions {
  /** Folder that a relative `pipeline` path resolves against, for spec objects (default: the working folder). */
  baseDir?: string;
  /** Host actions the pipeline may use, besides the built-ins. */
  actions?: readonly ActionPlugin[];
  /** How the spec is named in problem lines (default: its path relative to the working folder). */
  displayName?: string;
}

export interface LoadedSpec {
  spec: SpecFile;
  /** Absolute path of the spec file, when it came from one. */
  file: string | undefined;
  /** How problem lines and results name it. */
  displayName: string;
  pipeline: Pipeline;
  answers: Map<string, AnswerValue>;
  /** The clock's time during the run. */
  now: Date;
}

/** The default clock time of a spec: fixed, so Today() and timestamps are the same on every run. */
export const DEFAULT_SPEC_NOW = "2026-01-01T00:00:00Z";

/** The error for a spec that cannot run; lists every problem. */
export class SpecInvalidError extends SiqError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((problem) => problem.severity === "error");
    const lines = errors.slice(0, 20).map(formatProblemLine).join("\n");
    const more = errors.length > 20 ? `\n... and ${errors.length - 20} more` : "";
    super("SPEC_INVALID", `The spec has ${errors.length} problem${errors.length === 1 ? "" : "s"}:\n${lines}${more}`, { details: { problems } });
    this.problems = problems;
  }
}

/** The spec schema with the pipeline left open: an inline pipeline is checked by the pipeline loader, whose messages are better. */
const CheckSchema = Type.Object({ ...SpecSchema.properties, pipeline: Type.Unknown() }, { additionalProperties: false });

/** Reads and checks a spec file or object; throws {@link SpecInvalidError} listing every problem. */
export async function loadSpec(source: string | object, options: SpecLoadOptions = {}): Promise<LoadedSpec> {
  let data: unknown;
  let file: string | undefined;
  let baseDir: string;
  let displayName: string;
  if (typeof source === "string") {
    file = resolve(source);
    baseDir = dirname(file);
    displayName = options.displayName ?? displayPath(file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      throw new SpecInvalidError([problem(displayName, [], "FILE_NOT_FOUND", `the spec file ${displayName} cannot be read: check the path`)]);
    }
    const parsed = parseJsonText(text, displayName);
    if (parsed.problems.length > 0) throw new SpecInvalidError(parsed.problems);
    data = parsed.value;
  } else {
    data = source;
    baseDir = resolve(options.baseDir ?? process.cwd());
    displayName = options.displayName ?? "spec";
  }

  const schemaIssues = checkAgainstSchema(CheckSchema, data);
  if (schemaIssues.length > 0) {
    throw new SpecInvalidError(schemaIssues.map((issue) => problem(displayName, issue.segments, "SCHEMA_VIOLATION", issue.message)));
  }
  const spec = data as SpecFile;
  const problems: Problem[] = [];
  const add = (path: PathSegment[], message: string, code = "SPEC_INVALID") => problems.push(problem(displayName, path, code, message));

  const now = new Date(spec.now ?? DEFAULT_SPEC_NOW);
  if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(spec.now ?? DEFAULT_SPEC_NOW)) add(["now"], "must be an ISO 8601 date-time such as 2026-03-01T09:00:00Z");
  checkSpecMatchers(spec, add);

  const pipeline = await loadSpecPipeline(spec, { ...options, baseDir, displayName }, problems);
  if (!pipeline) throw new SpecInvalidError(problems);

  checkExpectedNames(spec, pipeline, options.actions ?? [], add);
  const { answers, problems: answerProblems } = convertAnswers(pipeline.questions, spec.answers ?? {});
  for (const answerProblem of answerProblems) add(["answers", answerProblem.question], answerProblem.message, "ANSWERS_INVALID");

  if (errorCount(problems) > 0) throw new SpecInvalidError(problems);
  return { spec, file, displayName, pipeline, answers, now };
}

function checkSpecMatchers(spec: SpecFile, add: (path: PathSegment[], message: string) => void): void {
  const report = (value: unknown, path: PathSegment[]) => {
    for (const found of checkMatchers(value, path)) add(found.path, found.message);
  };
  const checkRequest = (request: SpecRequest, path: PathSegment[]) => {
    const bodies = (["json", "body", "form"] as const).filter((key) => request[key] !== undefined);
    if (bodies.length > 1) add(path, `give one of json, body or form, not ${bodies.join(" and ")}`);
    if (typeof request.url === "string") {
      if (!/^https?:\/\//i.test(request.url) || !URL.canParse(request.url)) add([...path, "url"], "must be an absolute http:// or https:// URL (or a matcher such as { \"$regex\": \"...\" })");
    } else {
      report(request.url, [...path, "url"]);
      if (typeof request.url !== "object" || request.url === null) add([...path, "url"], "must be a URL or a matcher");
    }
    report(request.headers, [...path, "headers"]);
    report(request.json, [...path, "json"]);
    report(request.body, [...path, "body"]);
    report(request.form, [...path, "form"]);
  };
  spec.http?.forEach((entry, i) => {
    checkRequest(entry.request, ["http", i, "request"]);
    const kinds = (["json", "body", "error"] as const).filter((key) => entry.response[key] !== undefined);
    if (kinds.length > 1) add(["http", i, "response"], `give one of json, body or error, not ${kinds.join(" and ")}`);
  });
  spec.expect.requests?.forEach((request, i) => checkRequest(request, ["expect", "requests", i]));
  for (const [name, action] of Object.entries(spec.expect.actions ?? {})) {
    report(action.outputs, ["expect", "actions", name, "outputs"]);
    report(action.error?.message, ["expect", "actions", name, "error", "message"]);
    report(action.messages, ["expect", "actions", name, "messages"]);
  }
  spec.expect.directory?.users?.forEach((user, i) => report(user, ["expect", "directory", "users", i]));
  spec.expect.audit?.forEach((record, i) => report(record, ["expect", "audit", i]));
}

async function loadSpecPipeline(spec: SpecFile, options: SpecLoadOptions & { baseDir: string; displayName: string }, problems: Problem[]): Promise<Pipeline | undefined> {
  const env = spec.env ?? {};
  const actions = options.actions ?? [];
  if (typeof spec.pipeline === "string") {
    const path = resolve(options.baseDir, spec.pipeline);
    let result;
    try {
      result = await inspectPipelineFile(path, { env, actions, displayName: displayPath(path) }, "error");
    } catch (error) {
      if (!(error instanceof SiqError)) throw error;
      problems.push(problem(options.displayName, ["pipeline"], error.code, `the pipeline file ${spec.pipeline} cannot be read (it is relative to the spec file): check the path`));
      return undefined;
    }
    const errors = result.problems.filter((p) => p.severity === "error").map(specEnvHint);
    problems.push(...errors);
    return errors.length === 0 ? result.pipeline : undefined;
  }
  if (spec.pipeline === null || typeof spec.pipeline !== "object" || Array.isArray(spec.pipeline)) {
    problems.push(problem(options.displayName, ["pipeline"], "SCHEMA_VIOLATION", "must be a pipeline file path or an inline pipeline object"));
    return undefined;
  }
  const result = inspectPipelineData(spec.pipeline, { env, actions, baseDir: options.baseDir, displayName: options.displayName }, "error");
  const errors = result.problems.filter((p) => p.severity === "error").map(specEnvHint);
  // Inline problems point into the spec file, below "pipeline".
  problems.push(...errors.map((p) => ({ ...p, path: p.path === "$" ? "pipeline" : p.path.startsWith("[") ? `pipeline${p.path}` : `pipeline.${p.path}` })));
  return errors.length === 0 ? result.pipeline : undefined;
}

/** A spec reads `${NAME}` from its own "env" only, so a missing variable is fixed there, not in the shell. */
function specEnvHint(found: Problem): Problem {
  if (found.code !== "ENV_VARIABLE_MISSING") return found;
  const name = /variable (\w+) /.exec(found.message)?.[1] ?? "NAME";
  return { ...found, message: `\${${name}} has no value: a spec reads \${NAME} only from its "env" field (never the process environment); add "${name}": "..." to it` };
}

/** Expected actions must be in the pipeline, and expected outputs must be outputs of their action. */
function checkExpectedNames(spec: SpecFile, pipeline: Pipeline, actions: readonly ActionPlugin[], add: (path: PathSegment[], message: string) => void): void {
  const registry = builtInRegistry(actions);
  for (const [name, expected] of Object.entries(spec.expect.actions ?? {})) {
    const action = pipeline.actions.find((a) => a.name === name);
    if (!action) {
      add(["expect", "actions", name], `the pipeline has no action named "${name}"${didYouMean(name, pipeline.actions.map((a) => a.name))}`);
      continue;
    }
    const definition = registry.find(action.type)?.definition;
    if (!definition) continue;
    const outputNames = definition.outputs.map((output) => output.name);
    for (const output of Object.keys(expected.outputs ?? {})) {
      if (!outputNames.includes(output)) {
        add(["expect", "actions", name, "outputs", output], `"${definition.displayName}" has no output "${output}"${didYouMean(output, outputNames)}; its outputs are ${outputNames.map((n) => `"${n}"`).join(", ")}`);
      }
    }
  }
}

export function problem(file: string, path: readonly PathSegment[], code: string, message: string): Problem {
  return { file, path: formatJsonPath(path), column: 0, code, message, severity: "error" };
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}
