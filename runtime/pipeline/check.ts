/**
 * Static checks (SPEC 4.4 and 11.9): everything decidable without answers, reported all at
 * once, each with the file, the JSON path of the value and the column inside it.
 */
import type { ActionPlugin, RawInput } from "../definition";
import { SiqError } from "../errors";
import { analyzeFormula } from "../formula";
import { analyzeTemplate, type TemplateKind } from "../template";
import type { ActionRegistry } from "../registry";
import { didYouMean } from "../util/suggest";
import type { JsonValue } from "../values";
import { convertInput } from "../binding/convert";
import { documentEntries } from "../binding/documents";
import { evaluateWritten } from "../binding/bind-inputs";
import { isLiteral, stringForm, templateKindForInput } from "../binding/value-forms";
import { formatJsonPath, type PathSegment, type Problem } from "./problems";
import { resolveReference, type ReferenceIndex } from "./references";
import type { Pipeline, PipelineAction } from "./types";

export interface CheckOptions {
  /** "defer" leaves unknown action types to the runtime that knows its host's actions. */
  unknownTypes: "error" | "defer";
}

export function checkPipeline(pipeline: Pipeline, registry: ActionRegistry, options: CheckOptions = { unknownTypes: "error" }): Problem[] {
  const file = pipeline.file ?? pipeline.name;
  const problems: Problem[] = [];
  const plugins = pipeline.actions.map((action) => registry.find(action.type));
  const index: ReferenceIndex = {
    questions: pipeline.questions,
    actions: pipeline.actions.map((action, i) => ({
      name: action.name,
      outputs: plugins[i]?.definition.outputs.map((output) => output.name),
    })),
  };
  const add = (segments: PathSegment[], code: string, message: string, column = 0, source?: string, severity: Problem["severity"] = "error") => {
    const problem: Problem = { file, path: formatJsonPath(segments), column, code, message, severity };
    if (source !== undefined) problem.source = source;
    problems.push(problem);
  };

  // What each question type needs (SPEC 2), which the schema cannot say cleanly: choice and
  // multichoice their options, repeat its fields, and no type another's parts (options on a text
  // question would be ignored, which hides a mistake); a format is a rule about text answers only.
  for (const [id, question] of Object.entries(pipeline.questions)) {
    const choice = question.type === "choice" || question.type === "multichoice";
    if (choice && question.options === undefined) add(["questions", id], "SCHEMA_VIOLATION", `a ${question.type} question needs "options": the answers it allows`);
    if (!choice && question.options !== undefined) add(["questions", id, "options"], "SCHEMA_VIOLATION", `"options" is for choice and multichoice questions; ${id} is a ${question.type} question`);
    if (question.type === "repeat" && (question.fields === undefined || Object.keys(question.fields).length === 0)) {
      add(["questions", id], "SCHEMA_VIOLATION", `a repeat question needs "fields": the fields of each row, such as { "GroupName": "text" }`);
    }
    if (question.type !== "repeat" && question.fields !== undefined) add(["questions", id, "fields"], "SCHEMA_VIOLATION", `"fields" is for repeat questions; ${id} is a ${question.type} question`);
    if (question.format !== undefined && question.type !== "text") {
      add(["questions", id, "format"], "SCHEMA_VIOLATION", `"format": "${question.format}" applies to text questions only, and ${id} is a ${question.type} question; remove the format or make it a text question`);
    }
  }

  pipeline.actions.forEach((action, actionIndex) => {
    const plugin = plugins[actionIndex];
    const base: PathSegment[] = ["actions", actionIndex];
    if (!plugin) {
      if (options.unknownTypes === "error") {
        const names = registry.list().flatMap((p) => [p.definition.displayName, p.definition.id]);
        add([...base, "type"], "UNKNOWN_ACTION_TYPE", `no action is called "${action.type}"${didYouMean(action.type, names)}; \`siq actions\` lists them`);
      }
    }
    const checker = new ValueChecker(index, actionIndex, add);
    if (action.when !== undefined) checker.checkString(action.when, [...base, "when"], "text");
    if (plugin) checkInputs(pipeline, action, plugin, base, checker, add);
    else for (const [name, value] of Object.entries(action.inputs)) checker.checkValue(value, [...base, "inputs", name], "text");
  });
  return problems;
}

type AddProblem = (segments: PathSegment[], code: string, message: string, column?: number, source?: string, severity?: Problem["severity"]) => void;

function checkInputs(pipeline: Pipeline, action: PipelineAction, plugin: ActionPlugin, base: PathSegment[], checker: ValueChecker, add: AddProblem): void {
  const definition = plugin.definition;
  const inputNames = definition.inputs.map((input) => input.name);
  for (const input of definition.inputs) {
    if (input.mandatory && input.default === undefined && !Object.hasOwn(action.inputs, input.name)) {
      add([...base, "inputs"], "MANDATORY_INPUT_MISSING", `the action "${action.name}" (${definition.displayName}) needs the input "${input.name}"`);
    }
  }
  const raw = new Map<string, RawInput>();
  for (const [name, value] of Object.entries(action.inputs)) {
    const path = [...base, "inputs", name];
    const input = definition.inputs.find((candidate) => candidate.name === name);
    if (!input) {
      add(path, "UNKNOWN_INPUT", `${definition.displayName} has no input "${name}"${didYouMean(name, inputNames)}; \`siq actions "${definition.displayName}"\` lists its inputs`);
      continue;
    }
    const before = checker.problemCount;
    if (input.type === "documents") checker.checkDocuments(value, path, pipeline.baseDir);
    else checker.checkValue(value, path, templateKindForInput(input, false), (leafValue, leafPath) => checker.checkValue(leafValue, leafPath, "text"));
    const literal = isLiteral(value);
    raw.set(name, { value, literal });
    // A literal value is known now: convert it, so a wrong type is reported before running.
    if (literal && checker.problemCount === before && input.type !== "documents") {
      try {
        const evaluated = evaluateWritten(value, input, { action: action.name, baseDir: pipeline.baseDir, scope: NO_SCOPE }, false);
        convertInput(evaluated, { action: action.name, input });
      } catch (error) {
        if (error instanceof SiqError) add(path, error.code, error.message);
        else throw error;
      }
    }
  }
  if (plugin.check) {
    const context = { connections: pipeline.connections as Record<string, JsonValue>, baseDir: pipeline.baseDir };
    for (const problem of plugin.check(raw, context)) {
      add([...base, "inputs", problem.input, ...(problem.subPath ?? [])], problem.code, problem.message);
    }
  }
}

/** Literal values never reach the scope; this makes a mistake loud. */
const NO_SCOPE = {
  resolve(): never {
    throw new Error("a literal value asked for a reference");
  },
  templateData(): never {
    throw new Error("a literal value asked for template data");
  },
  now: () => new Date(),
};

class ValueChecker {
  problemCount = 0;

  constructor(
    private readonly index: ReferenceIndex,
    private readonly actionIndex: number,
    private readonly addProblem: AddProblem,
  ) {}

  private add: AddProblem = (...args) => {
    if ((args[5] ?? "error") === "error") this.problemCount++;
    this.addProblem(...args);
  };

  /** Walks a value; strings in structures are leaves whose results are placed as typed values. */
  checkValue(value: JsonValue, path: PathSegment[], kind: TemplateKind, leaf?: (value: JsonValue, path: PathSegment[]) => void): void {
    if (typeof value === "string") this.checkString(value, path, kind);
    else if (Array.isArray(value)) value.forEach((item, i) => (leaf ?? this.walk)(item, [...path, i]));
    else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) (leaf ?? this.walk)(item, [...path, key]);
  }

  private walk = (value: JsonValue, path: PathSegment[]): void => this.checkValue(value, path, "text");

  checkString(text: string, path: PathSegment[], kind: TemplateKind): void {
    const form = stringForm(text);
    if (form === "formula") {
      const analysis = analyzeFormula(text);
      for (const problem of analysis.problems) this.add(path, problem.code, problem.message, problem.column, text);
      const references = analysis.formula?.references ?? [];
      for (const reference of references) this.checkReference(reference.text, reference.column, path, text);
      if (references.length > 0) this.warnIfSpliced(text, path, kind);
    } else if (form === "template") {
      const analysis = analyzeTemplate(text, kind);
      for (const problem of analysis.problems) this.add(path, problem.code, problem.message, problem.column, text);
      for (const warning of analysis.warnings) this.add(path, warning.code, warning.message, warning.column, text, "warning");
      for (const reference of analysis.references) this.checkReference(reference.text, reference.column, path, text);
    }
  }

  /**
   * A formula joins answers as they are: in a URL an answer with `/` or `?` changes the path, and
   * in lines (headers, custom fields) an answer with a line break adds a line. Templates encode
   * for where a value lands; formulas cannot know, so `siq validate` says so.
   */
  private warnIfSpliced(text: string, path: PathSegment[], kind: TemplateKind): void {
    if (kind === "url" && !/urlencode\s*\(/i.test(text)) {
      this.add(path, "URL_NOT_ENCODED", "this URL is built by a formula, which puts answers in as they are (an answer with / or ? changes the URL); use a template such as /users/{{q1}}, which encodes each value, or wrap answers in UrlEncode()", 1, text, "warning");
    }
    if (kind === "line" && /&|concat\s*\(/i.test(text)) {
      this.add(path, "LINES_NOT_SEPARATED", "these lines are built by a formula, so an answer with a line break adds a line of its own; write an object such as { \"X-User\": \"=[q1]\" }, whose values stay one value each", 1, text, "warning");
    }
  }

  checkDocuments(value: JsonValue, path: PathSegment[], baseDir: string): void {
    const entries = documentEntries(value, baseDir);
    entries.forEach((entry, i) => {
      const entryPath = Array.isArray(value) ? [...path, i] : path;
      if (entry instanceof SiqError) {
        this.add(entryPath, entry.code, entry.message);
        return;
      }
      const analysis = analyzeTemplate(entry.template, entry.kind);
      const where = entry.file ? ` (in ${entry.file})` : "";
      for (const problem of analysis.problems) this.add(entryPath, problem.code, `${problem.message}${where}`, problem.column, entry.template);
      for (const warning of analysis.warnings) this.add(entryPath, warning.code, `${warning.message}${where}`, warning.column, entry.template, "warning");
      for (const reference of analysis.references) this.checkReference(reference.text, reference.column, entryPath, entry.template);
    });
  }

  private checkReference(text: string, column: number, path: PathSegment[], source: string): void {
    const target = resolveReference(text, this.index);
    if (target.kind === "unknown") {
      this.add(path, "UNKNOWN_REFERENCE", target.message, column, source);
    } else if (target.kind === "output" && target.actionIndex >= this.actionIndex) {
      const which = target.actionIndex === this.actionIndex ? "this action itself" : "an action that runs later";
      this.add(path, "FORWARD_REFERENCE", `[${text.trim()}] refers to ${which}; an action can only use the outputs of actions before it`, column, source);
    }
  }
}
