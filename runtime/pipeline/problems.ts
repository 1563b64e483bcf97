/**
 * Problems found before anything runs, and how they are written:
 * `file:path:column: message` (SPEC 11.10), where path is a JSON path such as
 * `actions[0].inputs["First Name"]` and column is 1-based within the string value.
 */
import { SiqError } from "../errors";

export type PathSegment = string | number;

export interface Problem {
  file: string;
  /** JSON path of the value, `actions[2].inputs.URL`; for JSON syntax errors, `line N`. */
  path: string;
  /** 1-based column within the string value (formulas: `=` is column 1); 0 when not applicable. */
  column: number;
  code: string;
  message: string;
  severity: "error" | "warning";
  /** The string value the column points into, for the caret line. */
  source?: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats path segments as a JSON path: `actions[0].inputs["First Name"]`. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "$" : out;
}

/** Converts a JSON Pointer (`/actions/0/inputs/URL`) into path segments. */
export function pointerToSegments(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** `file:path:column: message`, prefixed `warning: ` for warnings. */
export function formatProblemLine(problem: Problem): string {
  const line = `${problem.file}:${problem.path}:${problem.column}: ${problem.message}`;
  return problem.severity === "warning" ? `warning: ${line}` : line;
}

/**
 * The string value with a caret under the column, for people. Long values are cut around the
 * column; multi-line values show only the line the column falls on.
 */
export function caretLines(source: string, column: number): string[] {
  if (column < 1) return [];
  let offset = column - 1;
  let start = source.lastIndexOf("\n", offset - 1) + 1;
  let end = source.indexOf("\n", offset);
  if (end < 0) end = source.length;
  let text = source.slice(start, end);
  offset -= start;
  const width = 100;
  if (text.length > width) {
    start = Math.max(0, Math.min(offset - width / 2, text.length - width));
    text = (start > 0 ? "…" : "") + text.slice(start, start + width) + (start + width < text.length ? "…" : "");
    offset = offset - start + (start > 0 ? 1 : 0);
  }
  return [`    ${text}`, `    ${" ".repeat(Math.max(0, offset))}^`];
}

export function errorCount(problems: readonly Problem[]): number {
  return problems.filter((problem) => problem.severity === "error").length;
}

/** The error `loadPipeline` and `runtime.run` throw for an invalid pipeline; lists every problem. */
export class PipelineInvalidError extends SiqError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((problem) => problem.severity === "error");
    const first = errors.slice(0, 20).map(formatProblemLine).join("\n");
    const more = errors.length > 20 ? `\n... and ${errors.length - 20} more` : "";
    super("PIPELINE_INVALID", `The pipeline has ${errors.length} problem${errors.length === 1 ? "" : "s"}:\n${first}${more}`, {
      details: { problems },
    });
    this.problems = problems;
  }
}
