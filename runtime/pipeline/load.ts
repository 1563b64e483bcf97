/**
 * Loading a pipeline: JSON with every syntax error located, the JSON Schema, `${NAME}` only
 * inside connections, unique names, then the static checks. Every problem is reported at once.
 */
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { builtInActions } from "../../actions";
import pipelineSchema from "../../schemas/pipeline.schema.json";
import type { ActionPlugin } from "../definition";
import { SiqError } from "../errors";
import { ActionRegistry } from "../registry";
import type { JsonValue } from "../values";
import { checkPipeline } from "./check";
import { parseJsonText } from "./json-source";
import { PipelineInvalidError, errorCount, formatJsonPath, type PathSegment, type Problem } from "./problems";
import { checkAgainstSchema } from "./schema-check";
import type { Connection, Pipeline, PipelineFile, Question } from "./types";

export interface LoadOptions {
  /** Host actions, besides the built-ins, that the pipeline may use. */
  actions?: readonly ActionPlugin[];
  /** Environment for `${NAME}` (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** How the file is named in problem lines (default: relative to the working folder). */
  displayName?: string;
}

export interface LoadResult {
  pipeline: Pipeline | undefined;
  /** Errors and warnings, in file order. */
  problems: Problem[];
}

let builtIns: ActionRegistry | undefined;

/** The built-in actions plus any extra ones. */
export function builtInRegistry(extra: readonly ActionPlugin[] = []): ActionRegistry {
  // Built-in definitions are checked by the test suite, not at every start (an Ajv compile).
  if (extra.length > 0) return new ActionRegistry([...builtInActions, ...extra], { verified: builtInActions });
  builtIns ??= new ActionRegistry(builtInActions, { verified: builtInActions });
  return builtIns;
}

/**
 * Loads and checks a pipeline file. Throws a {@link PipelineInvalidError} listing every
 * problem; action types it does not know are left for `runtime.run` to check against the
 * runtime's own actions.
 */
export async function loadPipeline(file: string, options: LoadOptions = {}): Promise<Pipeline> {
  const result = await inspectPipelineFile(file, options, "defer");
  if (!result.pipeline || errorCount(result.problems) > 0) throw new PipelineInvalidError(result.problems);
  return result.pipeline;
}

/** Loads a file and returns the pipeline and every problem, without throwing for problems. */
export async function inspectPipelineFile(file: string, options: LoadOptions = {}, unknownTypes: "error" | "defer" = "error"): Promise<LoadResult> {
  const path = resolve(file);
  const displayName = options.displayName ?? displayPath(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new SiqError("FILE_NOT_FOUND", `The pipeline file ${displayName} cannot be read: check the path.`);
  }
  const parsed = parseJsonText(text, displayName);
  if (parsed.problems.length > 0) return { pipeline: undefined, problems: parsed.problems };
  return inspectPipelineData(parsed.value, { ...options, displayName, file: path }, unknownTypes);
}

export interface DataOptions extends LoadOptions {
  /** Absolute path of the file the data came from, if any. */
  file?: string;
  /** Folder for relative file references (default: the file's folder, else the working folder). */
  baseDir?: string;
}

/** Checks pipeline data (already parsed JSON), for hosts that keep pipelines elsewhere. */
export function inspectPipelineData(data: unknown, options: DataOptions = {}, unknownTypes: "error" | "defer" = "error"): LoadResult {
  const file = options.displayName ?? (options.file ? displayPath(options.file) : "pipeline");
  const schemaProblems = checkAgainstSchema(pipelineSchema, data).map(
    (issue): Problem => ({ file, path: issue.path, column: 0, code: "SCHEMA_VIOLATION", message: issue.message, severity: "error" }),
  );
  if (schemaProblems.length > 0) return { pipeline: undefined, problems: schemaProblems };
  const source = data as PipelineFile;
  const problems: Problem[] = [];
  const connections = substituteEnvironment(source, options.env ?? process.env, file, problems);
  checkNames(source, file, problems);
  const pipeline: Pipeline = {
    name: source.name,
    description: source.description,
    file: options.file,
    baseDir: options.baseDir ?? (options.file ? dirname(options.file) : process.cwd()),
    culture: source.culture,
    timeZone: source.timeZone,
    questions: (source.questions ?? {}) as Record<string, Question>,
    connections,
    actions: source.actions.map((action, index) => ({
      name: action.name,
      type: action.type,
      index,
      when: action.when,
      retry: action.retry,
      continueOnError: action.continueOnError ?? false,
      inputs: action.inputs as Record<string, JsonValue>,
    })),
  };
  checkConnections(pipeline, file, problems);
  problems.push(...checkPipeline({ ...pipeline, file }, builtInRegistry(options.actions), { unknownTypes }));
  return { pipeline, problems };
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `${NAME}` is read from the environment inside `connections`, and refused anywhere else. */
function substituteEnvironment(source: PipelineFile, env: Readonly<Record<string, string | undefined>>, file: string, problems: Problem[]): Record<string, Connection> {
  const visit = (value: unknown, path: PathSegment[], allowed: boolean): unknown => {
    if (typeof value === "string") {
      return value.replace(ENV_REFERENCE, (whole, name: string, offset: number) => {
        const column = offset + 1;
        if (!allowed) {
          problems.push({
            file,
            path: formatJsonPath(path),
            column,
            code: "ENV_VARIABLE_NOT_ALLOWED",
            message: `\${${name}} is only read inside "connections": secrets must not sit in actions; put it in a connection and use "Connection"`,
            severity: "error",
            source: value,
          });
          return whole;
        }
        const found = env[name];
        if (found === undefined) {
          problems.push({
            file,
            path: formatJsonPath(path),
            column,
            code: "ENV_VARIABLE_MISSING",
            message: `the environment variable ${name} is not set; set it before running (export ${name}=...)`,
            severity: "error",
            source: value,
          });
          return "";
        }
        return found;
      });
    }
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i], allowed));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = visit(item, [...path, key], allowed);
      return out;
    }
    return value;
  };
  for (const [key, value] of Object.entries(source)) {
    if (key !== "connections") visit(value, [key], false);
  }
  return visit(source.connections ?? {}, ["connections"], true) as Record<string, Connection>;
}

function checkNames(source: PipelineFile, file: string, problems: Problem[]): void {
  const questionIds = new Map<string, string>();
  for (const id of Object.keys(source.questions ?? {})) {
    const key = id.toLowerCase();
    const other = questionIds.get(key);
    if (other !== undefined) {
      problems.push({ file, path: formatJsonPath(["questions", id]), column: 0, code: "DUPLICATE_NAME", message: `the question id "${id}" differs from "${other}" only in case; use distinct ids`, severity: "error" });
    }
    questionIds.set(key, id);
  }
  const actionNames = new Map<string, number>();
  source.actions.forEach((action, index) => {
    const key = action.name.trim().toLowerCase();
    const earlier = actionNames.get(key);
    if (earlier !== undefined) {
      problems.push({
        file,
        path: formatJsonPath(["actions", index, "name"]),
        column: 0,
        code: "DUPLICATE_NAME",
        message: `the action name "${action.name}" is already used by actions[${earlier}]; action names must be unique (ignoring case)`,
        severity: "error",
      });
    } else {
      actionNames.set(key, index);
    }
    if (questionIds.has(key)) {
      problems.push({
        file,
        path: formatJsonPath(["actions", index, "name"]),
        column: 0,
        code: "DUPLICATE_NAME",
        message: `the action name "${action.name}" is also a question id; rename one so references stay unambiguous`,
        severity: "error",
      });
    }
    if (action.name !== action.name.trim()) {
      problems.push({ file, path: formatJsonPath(["actions", index, "name"]), column: 0, code: "SCHEMA_VIOLATION", message: "the action name must not start or end with spaces", severity: "error" });
    }
  });
}

function checkConnections(pipeline: Pipeline, file: string, problems: Problem[]): void {
  for (const [name, connection] of Object.entries(pipeline.connections)) {
    const path = ["connections", name];
    if (connection.auth?.type === "login" && name !== "smartiq") {
      problems.push({ file, path: formatJsonPath([...path, "auth", "type"]), column: 0, code: "SCHEMA_VIOLATION", message: `"login" auth is for the smartiq connection only; use basic, bearer, apiKey or oauth2 here`, severity: "error" });
    }
    if (name === "smartiq" && !connection.auth) {
      problems.push({ file, path: formatJsonPath(path), column: 0, code: "SCHEMA_VIOLATION", message: "a remote smartiq connection needs \"auth\" (login or bearer) to get the running user's token", severity: "error" });
    }
    let url: URL | undefined;
    try {
      url = new URL(connection.baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      const where = formatJsonPath([...path, "baseUrl"]);
      // A missing ${NAME} was reported already; an empty URL would only repeat it.
      const reported = problems.some((p) => p.code === "ENV_VARIABLE_MISSING" && p.path === where);
      if (!reported) {
        problems.push({ file, path: where, column: 0, code: "SCHEMA_VIOLATION", message: "baseUrl must be an absolute http:// or https:// URL", severity: "error" });
      }
    }
  }
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}
