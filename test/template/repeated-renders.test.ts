/**
 * A template is set up once, on its first render, and keeps that set-up (see setUpOnce in
 * runtime/template/analyze.ts): every later render must give what a fresh one gives, with
 * helpers, blocks, @root and escaping, whatever data it is given.
 */
import { createDataScope } from "../../runtime/formula/data-scope";
import { analyzeTemplate, clearTemplateCache, type TemplateKind } from "../../runtime/template";

const scopeOf = (data: Record<string, unknown>) => createDataScope({ data, now: () => new Date("2026-11-22T14:30:00Z"), timeZone: "UTC" });

const cases: Array<[string, TemplateKind, Record<string, unknown>, string]> = [
  ['{"user": "{{q1}}", "upper": "{{upper q1}}"}', "json", { q1: 'a"b' }, '{"user": "a\\"b", "upper": "A\\"B"}'],
  ["{{#each q37}}{{GroupName}}@{{@root.q1}};{{/each}}", "text", { q1: "x", q37: [{ GroupName: "Sales" }, { GroupName: "Support" }] }, "Sales@x;Support@x;"],
  ["{{#if q5}}{{replace q1 \"a\" \"b\"}}{{else}}none{{/if}}", "text", { q1: "banana", q5: true }, "bbnbnb"],
  ["/users/{{q1}}?n={{len q1}}", "url", { q1: "a b/c" }, "/users/a%20b%2Fc?n=5"],
  ["<Name>{{q1}}</Name>", "xml", { q1: "<b>&" }, "<Name>&lt;b&gt;&amp;</Name>"],
];

test.each(cases)("%s renders the same the first time and every later time", (source, kind, data, expected) => {
  clearTemplateCache();
  const template = analyzeTemplate(source, kind).template;
  if (!template) throw new Error("no template");
  for (let i = 0; i < 3; i++) expect(template.render(scopeOf(data))).toBe(expected);
});

test("later renders see their own data, not the first render's", () => {
  const template = analyzeTemplate("{{q1}}-{{upper q1}}-{{#each q37}}{{GroupName}}{{/each}}", "text").template;
  if (!template) throw new Error("no template");
  expect(template.render(scopeOf({ q1: "one", q37: [{ GroupName: "A" }] }))).toBe("one-ONE-A");
  expect(template.render(scopeOf({ q1: "two", q37: [{ GroupName: "B" }, { GroupName: "C" }] }))).toBe("two-TWO-BC");
  expect(template.render(scopeOf({ q1: "", q37: [] }))).toBe("--");
});

test("a template that fails on one render still renders the next", () => {
  const template = analyzeTemplate("{{left q1 q2}}", "text").template;
  if (!template) throw new Error("no template");
  expect(() => template.render(scopeOf({ q1: "abc", q2: "x" }))).toThrow(expect.objectContaining({ code: "TEMPLATE_ERROR" }));
  expect(template.render(scopeOf({ q1: "abc", q2: 2 }))).toBe("ab");
});
