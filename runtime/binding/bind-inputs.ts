/**
 * Binding: each input's value as written (literal, formula, template, or a structure of them)
 * becomes a typed value for the handler. Structures are walked leaf by leaf and each result is
 * inserted as a typed JSON value, never spliced into text, so no answer can change a structure.
 */
import type { ActionPlugin, BoundDocument, BoundInput, BoundInputs, InputDefinition } from "../definition";
import { SiqError } from "../errors";
import { analyzeFormula, type EvaluationScope } from "../formula";
import { analyzeTemplate, type TemplateKind } from "../template";
import { JsonData, isBlank, toJson, toText, type JsonValue, type Value } from "../values";
import { convertInput } from "./convert";
import { documentEntries } from "./documents";
import { freezeJson, isImmutableJson } from "../util/immutable-json";
import { isLiteral, stringForm, templateKindForInput } from "./value-forms";

export interface BindingContext {
  action: string;
  baseDir: string;
  scope: EvaluationScope;
  /** Called with the bound value of every secret input so it is masked everywhere. */
  onSecret?: (value: string) => void;
}

export function bindInputs(plugin: ActionPlugin, written: Readonly<Record<string, JsonValue>>, context: BindingContext): BoundInputs {
  const bound = new Map<string, BoundInput>();
  for (const step of bindingPlan(plugin, written)) {
    const { input } = step;
    let value: BoundInput | undefined;
    if (step.known) value = step.value;
    else {
      const raw = step.raw;
      value = raw === undefined ? undefined : bindOne(input, raw, context);
      if (value === undefined && input.default !== undefined) value = bindOne(input, input.default as JsonValue, context);
      if (value === undefined || (input.mandatory && typeof value === "string" && value.trim() === "")) {
        if (input.mandatory) {
          throw new SiqError(
            "MANDATORY_INPUT_MISSING",
            `The mandatory input "${input.name}" of action "${context.action}" has no value${raw === undefined ? "" : " (its formula or template gave a blank)"}; give it a value or check the answers it uses.`,
            { action: context.action, input: input.name },
          );
        }
        continue;
      }
    }
    if (value === undefined) continue;
    if (input.secret) registerSecrets(value, context);
    bound.set(input.name, value);
  }
  return bound;
}

/**
 * One input's binding: either known before running (`known`: a literal written in the file, or
 * the input's literal default, whose bound value is immutable and the same on every run), or
 * worked out per run from `raw`.
 */
type BindingStep = { input: InputDefinition; known: true; value: BoundInput | undefined } | { input: InputDefinition; known: false; raw: JsonValue | undefined };

/**
 * The binding steps of an action, worked out once per action (keyed by the pipeline's own
 * inputs object, which does not change once the pipeline is loaded and checked): inputs neither
 * written nor defaulted are left out, and literals are converted once instead of on every run.
 * Only values that cannot be changed are kept (text, numbers, booleans, the deeply frozen
 * literal structures); a literal whose binding fails is bound, and fails, on every run.
 */
const plans = new WeakMap<object, { plugin: ActionPlugin; steps: readonly BindingStep[] }>();

function bindingPlan(plugin: ActionPlugin, written: Readonly<Record<string, JsonValue>>): readonly BindingStep[] {
  const known = plans.get(written);
  if (known && known.plugin === plugin) return known.steps;
  const steps: BindingStep[] = [];
  for (const input of plugin.definition.inputs) {
    const raw = Object.hasOwn(written, input.name) ? written[input.name] : undefined;
    if (raw === undefined && input.default === undefined && !input.mandatory) continue;
    steps.push(knownBinding(input, raw) ?? { input, known: false, raw });
  }
  plans.set(written, { plugin, steps });
  return steps;
}

/** The step of an input whose value is known before running, or undefined. */
function knownBinding(input: InputDefinition, raw: JsonValue | undefined): BindingStep | undefined {
  if (input.type === "documents") return undefined;
  if (raw !== undefined && !isLiteral(raw)) return undefined;
  if (input.default !== undefined && !isLiteral(input.default as JsonValue)) return undefined;
  // Literals need no scope: binding one reads nothing of the run.
  const context: BindingContext = { action: "", baseDir: "", scope: NO_SCOPE };
  let value: BoundInput | undefined;
  try {
    value = raw === undefined ? undefined : bindOne(input, raw, context);
    if (value === undefined && input.default !== undefined) value = bindOne(input, input.default as JsonValue, context);
  } catch {
    return undefined;
  }
  if (value === undefined ? input.mandatory : input.mandatory && typeof value === "string" && value.trim() === "") return undefined;
  if (value !== undefined && typeof value === "object" && !isImmutableJson(value)) return undefined;
  return { input, known: true, value };
}

const NO_SCOPE: EvaluationScope = {
  resolve: () => {
    throw new Error("a literal input read the run's scope");
  },
  templateData: () => {
    throw new Error("a literal input read the run's data");
  },
  now: () => {
    throw new Error("a literal input read the run's clock");
  },
  culture: undefined,
  timeZone: undefined,
};

function bindOne(input: InputDefinition, raw: JsonValue, context: BindingContext): BoundInput | undefined {
  if (input.type === "documents") return bindDocuments(input, raw, context);
  const value = evaluateWritten(raw, input, context, false);
  return convertInput(value, { action: context.action, input });
}

/**
 * Structures written with no formula or template anywhere (a Request Schema in the file) give
 * the same value on every run: bound once, deeply frozen, and shared. Keyed by the pipeline's
 * own object, which does not change once the pipeline is loaded and checked.
 */
const literalStructures = new WeakMap<object, JsonData | false>();

/** Evaluates a value as written; structures become JsonData with each leaf's typed result. */
export function evaluateWritten(raw: JsonValue, input: InputDefinition, context: BindingContext, leaf: boolean): Value {
  if (typeof raw === "string") return evaluateString(raw, templateKindForInput(input, leaf), input, context);
  if (raw === null || typeof raw !== "object") return raw;
  const known = literalStructures.get(raw);
  if (known) return known;
  let value: JsonData;
  if (Array.isArray(raw)) value = new JsonData(raw.map((item) => toJson(evaluateWritten(item, input, context, true))));
  else {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(raw)) out[key] = toJson(evaluateWritten(item, input, context, true));
    value = new JsonData(out);
  }
  if (known === undefined) {
    const literal = isLiteral(raw);
    if (literal) freezeJson(value.data);
    literalStructures.set(raw, literal ? value : false);
  }
  return value;
}

function evaluateString(text: string, kind: TemplateKind, input: InputDefinition, context: BindingContext): Value {
  switch (stringForm(text)) {
    case "formula":
      return evaluateFormula(text, input, context);
    case "template":
      return renderTemplate(text, kind, input, context);
    case "literal":
      return text;
  }
}

function evaluateFormula(text: string, input: InputDefinition, context: BindingContext): Value {
  const analysis = analyzeFormula(text);
  if (!analysis.formula) throw staticProblem(analysis.problems[0]?.message, input, context);
  try {
    return analysis.formula.evaluate(context.scope);
  } catch (error) {
    throw located(error, input, context);
  }
}

function renderTemplate(text: string, kind: TemplateKind, input: InputDefinition, context: BindingContext): string {
  const analysis = analyzeTemplate(text, kind);
  if (!analysis.template) throw staticProblem(analysis.problems[0]?.message, input, context);
  try {
    return analysis.template.render(context.scope);
  } catch (error) {
    throw located(error, input, context);
  }
}

function bindDocuments(input: InputDefinition, raw: JsonValue, context: BindingContext): BoundDocument[] | undefined {
  const documents: BoundDocument[] = [];
  for (const entry of documentEntries(raw, context.baseDir)) {
    if (entry instanceof SiqError) throw located(entry, input, context);
    const analysis = analyzeTemplate(entry.template, entry.kind);
    if (!analysis.template) throw staticProblem(analysis.problems[0]?.message, input, context);
    let content: string;
    try {
      content = analysis.template.render(context.scope);
    } catch (error) {
      throw located(error, input, context);
    }
    documents.push({ name: entry.name, contentType: entry.contentType, content });
  }
  return documents.length === 0 ? undefined : documents;
}

function registerSecrets(value: BoundInput, context: BindingContext): void {
  if (!context.onSecret) return;
  if (typeof value === "string") context.onSecret(value);
  else if (Array.isArray(value)) {
    // A key/value list: the values are the secrets (header values, custom field values).
    for (const item of value) if (Array.isArray(item) && typeof item[1] === "string") context.onSecret(item[1]);
  }
}

/** Static problems are normally caught before running; this guards pipelines built in code. */
function staticProblem(message: string | undefined, input: InputDefinition, context: BindingContext): SiqError {
  return new SiqError("PIPELINE_INVALID", `The input "${input.name}" of action "${context.action}" is not valid: ${message ?? "unknown problem"}.`, {
    action: context.action,
    input: input.name,
  });
}

function located(error: unknown, input: InputDefinition, context: BindingContext): SiqError {
  if (error instanceof SiqError) {
    if (error.input !== undefined) return error;
    return new SiqError(error.code, `Input "${input.name}" of action "${context.action}": ${error.message}`, {
      action: context.action,
      input: input.name,
      retryable: error.retryable,
      cause: error,
    });
  }
  return new SiqError("INTERNAL", `Input "${input.name}" of action "${context.action}": ${String(error)}`, { cause: error });
}

/** Evaluates a `when` formula: true runs the action; blank counts as false. */
export function evaluateCondition(formula: string, scope: EvaluationScope, action: string): boolean {
  const analysis = analyzeFormula(formula);
  if (!analysis.formula) throw new SiqError("PIPELINE_INVALID", `The "when" of action "${action}" is not valid.`, { action });
  let value: Value;
  try {
    value = analysis.formula.evaluate(scope);
  } catch (error) {
    if (error instanceof SiqError) throw new SiqError(error.code, `The "when" of action "${action}": ${error.message}`, { action, cause: error });
    throw error;
  }
  if (typeof value === "boolean") return value;
  if (isBlank(value)) return false;
  const text = toText(value).trim().toLowerCase();
  if (text === "true") return true;
  if (text === "false") return false;
  throw new SiqError("FORMULA_ERROR", `The "when" of action "${action}" must give true or false, not ${typeof value === "number" ? "a number" : "text"}.`, { action });
}
