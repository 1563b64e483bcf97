/**
 * Literal structures (no formula or template anywhere) are bound once and shared, frozen, by
 * every run; anything with a formula or template is evaluated afresh each time.
 */
import { bindInputs } from "../../runtime/binding/bind-inputs";
import type { EvaluationScope } from "../../runtime/formula";
import { clearRequestSchemaCache, compileRequestSchema } from "../../runtime/http/request-schema";
import type { JsonValue, Value } from "../../runtime/values";
import { echoAction } from "../helpers/test-actions";

function scopeOf(answers: Record<string, Value>): EvaluationScope {
  return { resolve: (reference) => answers[reference] ?? null, templateData: () => answers, now: () => new Date("2026-03-01T00:00:00Z") };
}

/** The bound value of a json input: the JSON data itself. */
function bindData(written: unknown, answers: Record<string, Value> = {}): JsonValue {
  const bound = bindInputs(echoAction, { Data: written as never }, { action: "A", baseDir: ".", scope: scopeOf(answers) });
  return bound.get("Data") as JsonValue;
}

describe("literal structures", () => {
  test("bind to one shared, deeply frozen value", () => {
    const written = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
    const first = bindData(written);
    const second = bindData(written);
    expect(first).toBe(second);
    expect(first).toEqual(written);
    expect(first).not.toBe(written);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen((first as { properties: { name: object } }).properties.name)).toBe(true);
    expect(() => {
      (first as Record<string, unknown>)["extra"] = 1;
    }).toThrow(TypeError);
  });

  test.each([
    ["a formula leaf", { user: "=[q1]", fixed: { a: 1 } }],
    ["a template leaf", ["{{q1}}", "b"]],
    ["a nested formula", { outer: { inner: ["=[q1]"] } }],
  ])("with %s are evaluated on every binding", (_name, written) => {
    const one = bindData(written, { q1: "one" });
    const two = bindData(written, { q1: "two" });
    expect(one).not.toBe(two);
    expect(JSON.stringify(one)).toContain("one");
    expect(JSON.stringify(two)).toContain("two");
    expect(Object.isFrozen(one)).toBe(false);
  });

  test("a literal part of a structure with formulas is shared; the rest is fresh", () => {
    const written = { user: "=[q1]", fixed: { a: 1, b: ["x"] } };
    const one = bindData(written, { q1: "one" }) as { fixed: object };
    const two = bindData(written, { q1: "two" }) as { fixed: object };
    expect(one).not.toBe(two);
    expect(one.fixed).toBe(two.fixed);
    expect(one.fixed).toEqual({ a: 1, b: ["x"] });
  });
});

describe("Request Schema of a literal structure", () => {
  const written = { type: "object", required: ["a"], properties: { a: { type: "string" } } };

  test("compiles to the same validator as an equal schema written elsewhere, and checks alike", () => {
    const frozen = compileRequestSchema(bindData(written));
    expect(compileRequestSchema(bindData(written))).toBe(frozen);
    expect(compileRequestSchema(JSON.parse(JSON.stringify(written)))).toBe(frozen);
    expect(() => frozen.check({ a: "x" })).not.toThrow();
    expect(() => frozen.check({ a: "x", isAdmin: true })).toThrow(expect.objectContaining({ code: "REQUEST_BODY_INVALID" }));
  });

  test("is compiled again after the cache is cleared", () => {
    const before = compileRequestSchema(bindData(written));
    clearRequestSchemaCache();
    const after = compileRequestSchema(bindData(written));
    expect(after).not.toBe(before);
    expect(compileRequestSchema(bindData(written))).toBe(after);
  });
});

describe("Request Schema as JSON text", () => {
  const text = JSON.stringify({ type: "object", required: ["a"], properties: { a: { type: "string" } } });

  test("the same text finds the same compiled schema, which checks as the object form does", () => {
    const first = compileRequestSchema(text);
    expect(compileRequestSchema(text)).toBe(first);
    expect(compileRequestSchema(JSON.parse(text))).toBe(first);
    expect(() => first.check({ a: "x", isAdmin: true })).toThrow(expect.objectContaining({ code: "REQUEST_BODY_INVALID" }));
  });

  test("is compiled again after the cache is cleared, and invalid text still fails every time", () => {
    const before = compileRequestSchema(text);
    clearRequestSchemaCache();
    expect(compileRequestSchema(text)).not.toBe(before);
    for (let i = 0; i < 2; i++) expect(() => compileRequestSchema("{ not json")).toThrow(expect.objectContaining({ code: "REQUEST_SCHEMA_INVALID" }));
  });
});
