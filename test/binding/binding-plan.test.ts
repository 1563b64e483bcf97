/**
 * An action's inputs are planned once (which inputs to bind, and the bound value of each
 * literal); binding with the plan must give exactly what binding every input afresh gave, run
 * after run: same values, same errors, same secrets registered, same order.
 */
import { bindInputs, type BindingContext } from "../../runtime/binding/bind-inputs";
import type { ActionPlugin } from "../../runtime/definition";
import { defineAction } from "../../runtime/definition";
import type { EvaluationScope } from "../../runtime/formula";
import type { JsonValue, Value } from "../../runtime/values";
import { echoAction, flakyAction } from "../helpers/test-actions";

function scopeOf(answers: Record<string, Value>): EvaluationScope {
  return { resolve: (reference) => answers[reference] ?? null, templateData: () => answers, now: () => new Date("2026-03-01T00:00:00Z") };
}

function contextOf(answers: Record<string, Value> = {}, secrets: string[] = []): BindingContext {
  return { action: "A", baseDir: ".", scope: scopeOf(answers), onSecret: (value) => secrets.push(value) };
}

function bind(plugin: ActionPlugin, written: Record<string, JsonValue>, answers: Record<string, Value> = {}, secrets: string[] = []): Map<string, unknown> {
  return new Map(bindInputs(plugin, written, contextOf(answers, secrets)));
}

describe("binding with a plan", () => {
  test("literals bind to the same values on every run, in the definition's order", () => {
    const written = { Mode: "fast", Text: "hello", Flag: "yes", Count: "12" };
    for (let run = 0; run < 3; run++) {
      const bound = bind(echoAction, written);
      expect([...bound.entries()]).toEqual([
        ["Text", "hello"],
        ["Count", 12],
        ["Flag", true],
        ["Mode", "Fast"],
      ]);
    }
  });

  test("an input neither written nor defaulted is left out; a default is bound", () => {
    const bound = bind(echoAction, { Text: "x" });
    expect([...bound.keys()]).toEqual(["Text", "Count"]);
    expect(bound.get("Count")).toBe(1);
  });

  test("formulas are evaluated on every run, and a blank result falls back to the default", () => {
    const written = { Text: "=[q1]", Count: "=[n]" };
    expect(bind(echoAction, written, { q1: "one", n: 5 }).get("Text")).toBe("one");
    expect(bind(echoAction, written, { q1: "two", n: 6 }).get("Count")).toBe(6);
    const blank = bind(echoAction, written, { q1: "", n: null });
    expect(blank.get("Count")).toBe(1);
    expect(blank.get("Text")).toBe("");
  });

  test("a literal that cannot be converted fails on every run, naming the input", () => {
    const written = { Count: "many", Mode: "Medium" };
    for (let run = 0; run < 2; run++) {
      expect(() => bind(echoAction, written)).toThrow(expect.objectContaining({ code: "INPUT_CONVERSION", input: "Count" }));
    }
    for (let run = 0; run < 2; run++) {
      expect(() => bind(echoAction, { Mode: "Medium" })).toThrow(expect.objectContaining({ code: "INPUT_CONVERSION", input: "Mode" }));
    }
  });

  test("a mandatory input that is missing or blank fails on every run", () => {
    for (let run = 0; run < 2; run++) {
      expect(() => bind(flakyAction, { Failures: 1 })).toThrow(expect.objectContaining({ code: "MANDATORY_INPUT_MISSING", input: "Key" }));
      expect(() => bind(flakyAction, { Key: "  ", Failures: 1 })).toThrow(expect.objectContaining({ code: "MANDATORY_INPUT_MISSING", input: "Key" }));
      expect(() => bind(flakyAction, { Key: "=[k]", Failures: 1 }, { k: "" })).toThrow(expect.objectContaining({ code: "MANDATORY_INPUT_MISSING", input: "Key" }));
    }
    expect(bind(flakyAction, { Key: "=[k]", Failures: 1 }, { k: "a" }).get("Key")).toBe("a");
  });

  test("a literal secret is registered on every run (each run masks with its own redactor)", () => {
    const written = { Secret: "s3cret-value" };
    const first: string[] = [];
    const second: string[] = [];
    bind(echoAction, written, {}, first);
    bind(echoAction, written, {}, second);
    expect(first).toEqual(["s3cret-value"]);
    expect(second).toEqual(["s3cret-value"]);
  });

  test("key/value lists are fresh on every run: a handler changing one changes no later run", () => {
    const written = { Pairs: "a=1\nb=2" };
    const one = bind(echoAction, written).get("Pairs") as Array<[string, string]>;
    one.push(["c", "3"]);
    (one[0] as [string, string])[1] = "changed";
    expect(bind(echoAction, written).get("Pairs")).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  test("the same written inputs under another action are planned for that action", () => {
    const other = defineAction({
      definition: { ...echoAction.definition, id: "test-echo-numbers", inputs: [{ name: "Text", type: "number", description: "A number this time." }] },
      handler: echoAction.handler,
    });
    const written = { Text: "7" };
    expect(bind(echoAction, written).get("Text")).toBe("7");
    expect(bind(other, written).get("Text")).toBe(7);
    expect(bind(echoAction, written).get("Text")).toBe("7");
  });
});
