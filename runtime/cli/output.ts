/** How the command line writes problems and results, for people and as JSON. */
import type { ActionResult, RunResult } from "../engine/result";
import type { SiqError } from "../errors";
import { caretLines, formatProblemLine, type Problem } from "../pipeline/problems";
import type { JsonValue } from "../values";
import type { CliIo, Colors } from "./io";

/** The shape `--json` prints for invalid pipelines, answers and usage (SPEC 11.10, 11.19). */
export interface InvalidOutput {
  status: "invalid";
  problems: Array<{ file: string; path: string; column: number; code: string; message: string; severity?: "warning" }>;
}

export function invalidOutput(problems: readonly Problem[]): InvalidOutput {
  return {
    status: "invalid",
    problems: problems.map((p) => ({
      file: p.file,
      path: p.path,
      column: p.column,
      code: p.code,
      message: p.message,
      ...(p.severity === "warning" ? { severity: "warning" as const } : {}),
    })),
  };
}

/** Problem lines on stdout (`file:path:column: message`), each with its caret line for people. */
export function writeProblems(io: CliIo, colors: Colors, problems: readonly Problem[]): void {
  for (const problem of problems) {
    const line = formatProblemLine(problem);
    io.stdout.write(`${problem.severity === "warning" ? colors.yellow(line) : colors.red(line)}\n`);
    if (problem.source !== undefined && problem.column > 0) {
      const [text, caret] = caretLines(problem.source, problem.column);
      if (text !== undefined && caret !== undefined) io.stdout.write(`${colors.dim(text)}\n${colors.bold(caret)}\n`);
    }
  }
}

/** A problem for an error that is not about a place in a file (usage, answers, users). */
export function problemFromError(error: SiqError, file = ""): Problem {
  return { file, path: "$", column: 0, code: error.code, message: error.message, severity: "error" };
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const SYMBOLS: Record<ActionResult["status"], string> = { succeeded: "✔", failed: "✖", skipped: "↷", "not-run": "·" };

/** The result of a run, for people: one block per action, outputs aligned. */
export function writeRunResult(io: CliIo, colors: Colors, result: RunResult): void {
  const paint = (status: ActionResult["status"] | RunResult["status"], text: string) =>
    status === "succeeded" ? colors.green(text) : status === "failed" ? colors.red(text) : colors.dim(text);
  io.stdout.write(`${paint(result.status, `${SYMBOLS[result.status]} ${result.pipeline}: ${result.status}`)} ${colors.dim(`in ${result.durationMs} ms`)}\n`);
  for (const action of result.actions) {
    const detail = action.status === "succeeded" || action.status === "failed" ? ` ${colors.dim(`${action.durationMs ?? 0} ms${(action.attempts ?? 1) > 1 ? `, ${action.attempts} attempts` : ""}`)}` : "";
    const status = action.status === "succeeded" ? "" : ` ${paint(action.status, action.status)}`;
    io.stdout.write(`  ${paint(action.status, SYMBOLS[action.status])} ${colors.bold(action.name)} ${colors.dim(`(${action.type})`)}${status}${detail}\n`);
    if (action.error) io.stdout.write(`      ${colors.red(action.error.code)}: ${action.error.message.replace(/\n/g, "\n      ")}\n`);
    const outputs = Object.entries(action.outputs ?? {});
    const width = Math.min(28, Math.max(0, ...outputs.map(([name]) => name.length)));
    for (const [name, value] of outputs) io.stdout.write(`      ${colors.cyan(name.padEnd(width))}  ${formatOutput(value)}\n`);
    for (const message of action.messages ?? []) io.stdout.write(`      ${colors.dim(`• ${message}`)}\n`);
  }
}

/**
 * One line per output for people: long text is cut, and large objects and lists are summarised
 * (`--json` prints every output whole).
 */
function formatOutput(value: JsonValue): string {
  const limit = 160;
  if (typeof value === "string") {
    const oneLine = value.replace(/\r?\n/g, "⏎");
    return oneLine === "" ? '""' : oneLine.length > limit ? `${oneLine.slice(0, limit)}… (${value.length} characters)` : oneLine;
  }
  const text = JSON.stringify(value);
  if (text.length <= limit || value === null || typeof value !== "object") return text;
  if (Array.isArray(value)) return `[${value.length} items] ${text.slice(0, 80)}…`;
  const keys = Object.keys(value);
  return `{ ${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", …" : ""} } (${keys.length} fields)`;
}

/** `error CODE: message` on stderr, for people. */
export function writeError(io: CliIo, colors: Colors, error: SiqError): void {
  io.stderr.write(`${colors.red(`error ${error.code}`)}: ${error.message}\n`);
}
