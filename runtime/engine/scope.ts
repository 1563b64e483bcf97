/**
 * What formulas and templates of a running pipeline can see: the answers and the outputs of
 * actions that have run. References resolve through the same resolver as the static checks.
 */
import { isRepeatAnswer, type AnswerValue, type Answers } from "../answers";
import type { EvaluationScope } from "../formula";
import { resolveReference, type ReferenceIndex, type ReferenceTarget } from "../pipeline/references";
import type { Pipeline } from "../pipeline/types";
import { JsonData, toJson, type JsonValue, type Value } from "../values";

/** What each reference of a pipeline points at, resolved on first use and kept (shared by its runs). */
export class References {
  private readonly targets = new Map<string, ReferenceTarget | undefined>();

  constructor(private readonly index: ReferenceIndex) {}

  target(reference: string): ReferenceTarget | undefined {
    let target = this.targets.get(reference);
    if (target === undefined && !this.targets.has(reference)) {
      const resolved = resolveReference(reference, this.index);
      target = resolved.kind === "unknown" ? undefined : resolved;
      this.targets.set(reference, target);
    }
    return target;
  }
}

export class RunScope implements EvaluationScope {
  private readonly outputs = new Map<string, Readonly<Record<string, Value>>>();
  private data: Record<string, unknown> | undefined;
  readonly culture: string | undefined;
  readonly timeZone: string | undefined;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly answers: Answers,
    private readonly references: References,
    private readonly clock: () => Date,
  ) {
    this.culture = pipeline.culture;
    this.timeZone = pipeline.timeZone;
  }

  now(): Date {
    return this.clock();
  }

  /** Records an action's outputs (only succeeded actions' outputs are visible). */
  setOutputs(action: string, outputs: Readonly<Record<string, Value>>): void {
    this.outputs.set(action, outputs);
    this.data = undefined;
  }

  resolve(reference: string): Value | undefined {
    const target = this.references.target(reference);
    if (!target) return undefined;
    switch (target.kind) {
      case "question":
        return answerValue(this.answers.get(target.question));
      case "field": {
        const answer = this.answers.get(target.question);
        return isRepeatAnswer(answer) ? answer.rows.map((row) => row[target.field] ?? null) : [];
      }
      case "output":
        // An output of a skipped, failed or not-yet-run action reads as blank (SPEC 11.7).
        return this.outputs.get(target.action)?.[target.output] ?? null;
    }
  }

  /** Answers by question id (repeats as row arrays) and outputs by action name. */
  templateData(): Record<string, unknown> {
    if (this.data) return this.data;
    const data: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const id of Object.keys(this.pipeline.questions)) {
      const answer = this.answers.get(id);
      data[id] = isRepeatAnswer(answer) ? answer.rows : (answer ?? null);
    }
    for (const action of this.pipeline.actions) {
      const outputs = this.outputs.get(action.name);
      if (outputs) data[action.name] = outputs;
    }
    this.data = data;
    return data;
  }
}

function answerValue(answer: AnswerValue | undefined): Value {
  if (answer === undefined) return null;
  if (isRepeatAnswer(answer)) return answer.rows.map((row) => new JsonData(rowJson(row)));
  return answer;
}

function rowJson(row: Record<string, Value>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(row)) out[key] = toJson(value);
  return out;
}
