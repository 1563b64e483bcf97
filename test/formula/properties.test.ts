/**
 * Hostile input: no text makes analysis throw or take more than linear time, and no
 * well-formed formula over any answers throws anything but FORMULA_ERROR.
 */
import fc from "fast-check";
import { analyzeFormula, analyzeUncached, FUNCTIONS } from "../../runtime/formula";
import { createDataScope } from "../../runtime/formula/data-scope";
import { SiqError } from "../../runtime/errors";
import { JsonData, SiqDate, type JsonValue, type Value } from "../../runtime/values";

const FORMULA_CHARS = ["=", "[", "]", "q1", "q37.GroupName", "(", ")", ",", "\"", "“", "”", "#", "2026-11-22", " ", "&", "+", "-", "*", "/", "^", "<", ">", "<>", "and", "or", "not", "mod", "Mid", "IIf", "1", "2.5", ".", "e", "Replace", "{", "}", "'", ";", "!", "|", "\n", "\u00a0", "😀", "\ud800"];

describe("analysis of any text", () => {
  test("returns problems and never throws", () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.array(fc.constantFrom(...FORMULA_CHARS), { maxLength: 80 }).map((parts) => parts.join("")),
      fc.array(fc.constantFrom(...FORMULA_CHARS), { maxLength: 80 }).map((parts) => `=${parts.join("")}`),
    ), (source) => {
      const analysis = analyzeUncached(source);
      expect(Array.isArray(analysis.problems)).toBe(true);
      if (analysis.formula === undefined) {
        expect(analysis.problems.length).toBeGreaterThan(0);
        for (const problem of analysis.problems) {
          expect(["FORMULA_SYNTAX", "UNKNOWN_FUNCTION", "ARGUMENT_COUNT"]).toContain(problem.code);
          expect(problem.column).toBeGreaterThanOrEqual(1);
          expect(problem.column).toBeLessThanOrEqual(source.length + 1);
        }
      }
    }), { numRuns: 2000 });
  });

  const families: [string, (n: number) => string][] = [
    ["open parentheses", (n) => `=${"(".repeat(n)}`],
    ["unary minus chain", (n) => `=${"-".repeat(n)}1`],
    ["operator chain", (n) => `=${"1+".repeat(n)}1`],
    ["concatenated references", (n) => `=${"[q1]&".repeat(n)}[q1]`],
    ["unclosed text", (n) => `="${"a".repeat(n)}`],
    ["escaped quotes", (n) => `="${"\"\"".repeat(n)}"`],
    ["unclosed reference", (n) => `=[${"a".repeat(n)}`],
    ["unclosed date", (n) => `=#${"1".repeat(n)}`],
    ["many arguments", (n) => `=Concat(${Array.from({ length: n }, () => "1").join(",")})`],
    ["nested calls", (n) => `=${"Upper(".repeat(n)}1${")".repeat(n)}`],
    ["long identifier", (n) => `=${"a".repeat(n)}`],
    ["many unknown functions", (n) => `=Concat(${Array.from({ length: n }, () => "Fo()").join(",")})`],
  ];

  function timeOf(source: string): number {
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      analyzeUncached(source);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  }

  test.each(families)("%s: time grows linearly", (_name, make) => {
    const small = timeOf(make(20_000));
    const large = timeOf(make(80_000));
    // Four times the input: linear work takes about 4x; allow noise, refuse quadratic (16x).
    expect(large).toBeLessThan(Math.max(small * 10, 40));
    expect(large).toBeLessThan(1000);
  });
});

// ---- random well-formed formulas ------------------------------------------------------------

const REFERENCES = ["q1", "q2", "q3", "q4", "q37", "q37.GroupName", "q37.Amount", "Create User.User Guid", "missing"];

function textLiteral(text: string): string {
  return `"${text.replace(/["“”]/g, (q) => q + q)}"`;
}

function randomCase(name: string, flags: number): string {
  return [...name].map((c, i) => ((flags >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join("");
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

const formula = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.double({ min: 0, max: 1e30, noNaN: true }).map(String),
    fc.integer({ min: 0, max: 100 }).map(String),
    fc.string({ unit: "binary", maxLength: 12 }).map(textLiteral),
    fc.constantFrom("\"|\"", "\"\"", "\" \"", "\"N2\"", "\"yyyy-MM-dd\"", "\"d\"", "\"m\"", "\"yyyy\"", "\"#,##0.00\"", "\"2026-11-22\"", "\"12\"", "\"true\""),
    fc.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), t: fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))) })
      .map(({ y, m, d, t }) => `#${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}${t === null ? "" : ` ${pad(t[0], 2)}:${pad(t[1], 2)}`}#`),
    fc.constantFrom("true", "FALSE"),
    fc.constantFrom(...REFERENCES).map((r) => `[${r}]`),
    fc.tuple(fc.constantFrom("-", "not "), tie("expr")).map(([op, e]) => `${op}(${e})`),
    fc.tuple(tie("expr"), fc.constantFrom("&", "+", "-", "*", "/", "^", "mod", "=", "<>", "<", "<=", ">", ">=", "and", "or", "AND"), tie("expr")).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom(...FUNCTIONS), fc.nat(), fc.array(tie("expr"), { maxLength: 5 })).map(([fn, flags, pool]) => {
      const count = Math.min(fn.maxArgs, fn.minArgs + (pool.length % 3));
      const args = Array.from({ length: count }, (_, i) => pool[i] ?? "1");
      return `${randomCase(fn.name, flags)}(${args.join(", ")})`;
    }),
  ),
})).expr;

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", " ", "12", "-3.5", "1e400", "true", "2026-02-29", "2026-11-22T10:00:00Z", "\", \"isAdmin\": true", "GroupA|GroupB"),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: -62135596800000, max: 253402300799000 }).map((ms) => new SiqDate(ms, ms % 2 === 0)),
);
const jsonValue: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;
const answer: fc.Arbitrary<Value> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.oneof(fc.array(jsonValue, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), jsonValue, { maxKeys: 3 })).map((data) => new JsonData(data)),
);

const answers = fc.record({
  q1: answer, q2: answer, q3: answer, q4: answer,
  q37: fc.array(fc.record({ GroupName: answer, Amount: answer }), { maxLength: 4 }),
  createUser: answer,
  culture: fc.constantFrom(undefined, "en-AU", "en-US", "de-DE", "fr-FR"),
  timeZone: fc.constantFrom(undefined, "UTC", "Australia/Sydney", "America/New_York"),
});

describe("evaluation of random formulas over random answers", () => {
  test("never throws anything but FORMULA_ERROR, and results are values", () => {
    fc.assert(fc.property(formula, answers, (body, a) => {
      const analysis = analyzeFormula(`=${body}`);
      expect(analysis.problems).toEqual([]);
      const scope = createDataScope({
        data: { q1: a.q1, q2: a.q2, q3: a.q3, q4: a.q4, q37: a.q37, "Create User": { "User Guid": a.createUser } },
        now: () => new Date("2026-11-22T14:30:00Z"),
        ...(a.culture === undefined ? {} : { culture: a.culture }),
        ...(a.timeZone === undefined ? {} : { timeZone: a.timeZone }),
      });
      let result: Value;
      try {
        result = analysis.formula?.evaluate(scope) ?? null;
      } catch (error) {
        expect(error).toBeInstanceOf(SiqError);
        expect((error as SiqError).code).toBe("FORMULA_ERROR");
        return;
      }
      expect(result).not.toBeUndefined();
      if (typeof result === "number") expect(Number.isFinite(result)).toBe(true);
      if (result instanceof SiqDate) expect(Number.isFinite(result.epochMs)).toBe(true);
    }), { numRuns: 3000 });
  });

  test("Format never throws anything but FORMULA_ERROR, whatever the format string", () => {
    const formatChars = fc.array(fc.constantFrom(..."0#.,%‰E+-;'\"\\dMyHhmsftzK:/ NCDFGPXRegx%123".split("")), { maxLength: 12 }).map((c) => c.join(""));
    fc.assert(fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -62135596800000, max: 253402300799000 }).map((ms) => new SiqDate(ms, true))), formatChars, fc.constantFrom(undefined, "en-AU", "de-DE"), (value, format, culture) => {
      const compiled = analyzeFormula("=Format([v], [f])").formula;
      const scope = createDataScope({ data: { v: value, f: format }, ...(culture === undefined ? {} : { culture }) });
      try {
        expect(typeof compiled?.evaluate(scope)).toBe("string");
      } catch (error) {
        expect((error as SiqError).code).toBe("FORMULA_ERROR");
      }
    }), { numRuns: 3000 });
  });
});
