import { analyzeFormula } from "../../runtime/formula";
import { displayValue } from "../../runtime/formula/display";
import { exampleScope } from "../../runtime/formula/examples";

function evaluate(source: string): string {
  const { formula, problems } = analyzeFormula(source);
  if (formula === undefined) throw new Error(`problems in ${source}: ${JSON.stringify(problems)}`);
  return displayValue(formula.evaluate(exampleScope()));
}

describe("references", () => {
  test.each([
    ["=[q1]", [{ text: "q1", column: 2 }]],
    ["=[q37.GroupName]", [{ text: "q37.GroupName", column: 2 }]],
    ["=[ Create User.User Guid ] & [q1]", [{ text: "Create User.User Guid", column: 2 }, { text: "q1", column: 30 }]],
    ["=Replace([q37.GroupName], “|”, chr(10))", [{ text: "q37.GroupName", column: 10 }]],
    ["=[q1] & [q1]", [{ text: "q1", column: 2 }, { text: "q1", column: 9 }]],
    ["=1 + 2", []],
  ])("%s", (source, references) => {
    const { formula, problems } = analyzeFormula(source);
    expect(problems).toEqual([]);
    expect(formula?.references).toEqual(references);
  });
});

describe("literals and precedence", () => {
  test.each([
    ["=1 + 2 * 3", "7"],
    ["=(1 + 2) * 3", "9"],
    ["=2 ^ 3 ^ 2", "64"],
    ["=-2 ^ 2", "-4"],
    ["=10 - 4 - 3", "3"],
    ["=7 mod 3", "1"],
    ["=7 MOD 3 + 1", "2"],
    ["=\"a\" & 1 + 2", "\"a3\""],
    ["=1 + 2 & 3", "\"33\""],
    ["=1 < 2 and 3 > 4 or true", "true"],
    ["=not 1 = 2", "true"],
    ["=NOT true Or TRUE", "true"],
    ["=not true and false", "false"],
    ["=\"say \"\"hi\"\"\"", "\"say \\\"hi\\\"\""],
    ["=“typographic”", "\"typographic\""],
    ["=“a ””quoted”” word”", "\"a ”quoted” word\""],
    ["=#2026-11-22#", "#2026-11-22#"],
    ["=#2026-11-22 14:30#", "#2026-11-22T14:30:00#"],
    ["=#2026-11-22T14:30:05#", "#2026-11-22T14:30:05#"],
    ["=.5 + 1.25", "1.75"],
    ["=1e3", "1000"],
    ["=TRUE", "true"],
    ["=\"ABC\" = \"abc\"", "true"],
    ["=\"abc\" < \"ABD\"", "true"],
    ["=\"12\" + 1", "13"],
    ["=[q5] + 1", "1"],
    ["=\"10\" = 10", "true"],
    ["=\"9\" < 10", "true"],
    ["=#2026-11-22# = #2026-11-22 00:00#", "true"],
    ["=#2026-11-22# < \"2026-12-01\"", "true"],
    ["=[Create User.Existing User Updated] = false", "true"],
    ["=[Create User.Existing User Updated] = \"FALSE\"", "true"],
    ["=[q5] = \"\"", "true"],
    ["=\t[q1]\n&\u00a0\"!\"", "\"jdoe!\""],
  ])("%s → %s", (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });
});

describe("the seed's own example", () => {
  test("=Replace([q37.GroupName], “|”, chr(10)) over GroupA, GroupB, GroupC", () => {
    const { formula, problems } = analyzeFormula("=Replace([q37.GroupName], “|”, chr(10))");
    expect(problems).toEqual([]);
    expect(formula?.evaluate(exampleScope())).toBe("GroupA\nGroupB\nGroupC");
  });
});

describe("problems", () => {
  test.each([
    ["[q1]", "FORMULA_SYNTAX", 1, /starts with '='/],
    ["=", "FORMULA_SYNTAX", 2, /empty/],
    ["=   ", "FORMULA_SYNTAX", 5, /empty/],
    ["=[q1", "FORMULA_SYNTAX", 2, /closing '\]'/],
    ["=[]", "FORMULA_SYNTAX", 2, /Empty reference/],
    ["=\"abc", "FORMULA_SYNTAX", 2, /closing quote/],
    ["=#2026-02-30#", "FORMULA_SYNTAX", 2, /not a valid date/],
    ["=#22/11/2026#", "FORMULA_SYNTAX", 2, /yyyy-MM-dd/],
    ["=1 +", "FORMULA_SYNTAX", 4, /needs a value after/],
    ["=(1 + 2", "FORMULA_SYNTAX", 8, /not closed/],
    ["=1 + 2)", "FORMULA_SYNTAX", 7, /Unexpected '\)'/],
    ["=[q1] [q2]", "FORMULA_SYNTAX", 7, /Unexpected reference \[q2\]/],
    ["=q1", "FORMULA_SYNTAX", 2, /square brackets \(\[q1\]\)/],
    ["=Upper", "FORMULA_SYNTAX", 2, /call it with parentheses/],
    ["=[q1] == 1", "FORMULA_SYNTAX", 7, /single =/],
    ["=[q1] != 1", "FORMULA_SYNTAX", 7, /<>/],
    ["=[q1] && true", "FORMULA_SYNTAX", 7, /write and/],
    ["=Mid([q1]; 2)", "FORMULA_SYNTAX", 10, /comma/],
    ["=Mid([q1], , 2)", "FORMULA_SYNTAX", 12, /argument of Mid is missing/],
    ["=Upper([q1]", "FORMULA_SYNTAX", 12, /Upper\( at column 2 is not closed/],
    ["=and 1", "FORMULA_SYNTAX", 2, /needs a value before/],
    ["=12abc", "FORMULA_SYNTAX", 4, /run into letters/],
    ["='abc'", "FORMULA_SYNTAX", 2, /double quotes/],
    ["={{q1}}", "FORMULA_SYNTAX", 2, /template/],
    ["=1 $ 2", "FORMULA_SYNTAX", 4, /Unexpected character '\$'/],
    ["=[Create User].[User Guid]", "FORMULA_SYNTAX", 15, /write \[Create User.User Guid\]/],
    ["=Repalce([q1], \"a\", \"b\")", "UNKNOWN_FUNCTION", 2, /did you mean Replace\?/],
    ["=Mid([q1])", "ARGUMENT_COUNT", 2, /Mid takes 2 or 3 arguments \(Mid\(text, start\[, length\]\)\) but is given 1/],
  ])("%s", (source, code, column, message) => {
    const { formula, problems } = analyzeFormula(source);
    expect(formula).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code, column });
    expect(problems[0]?.message).toMatch(message);
  });

  test("reports every unknown function and wrong argument count, left to right", () => {
    const { problems } = analyzeFormula("=Foo(Upper(), Lenn([q1]), Left(\"a\", 1, 2))");
    expect(problems.map((p) => [p.code, p.column])).toEqual([
      ["UNKNOWN_FUNCTION", 2],
      ["ARGUMENT_COUNT", 6],
      ["UNKNOWN_FUNCTION", 15],
      ["ARGUMENT_COUNT", 27],
    ]);
    expect(problems[2]?.message).toMatch(/Len/);
  });

  test("function names ignore case", () => {
    expect(evaluate("=uPPER([q1])")).toBe("\"JDOE\"");
  });

  test("nesting beyond the limit is a syntax problem, not a crash", () => {
    const deep = "=" + "(".repeat(5000) + "1" + ")".repeat(5000);
    expect(analyzeFormula(deep).problems[0]?.code).toBe("FORMULA_SYNTAX");
    const long = "=" + Array.from({ length: 5000 }, () => "1").join("+");
    expect(analyzeFormula(long).problems[0]?.code).toBe("FORMULA_SYNTAX");
    const unary = "=" + "-".repeat(5000) + "1";
    expect(analyzeFormula(unary).problems[0]?.code).toBe("FORMULA_SYNTAX");
  });

  test("analysis is cached by source text", () => {
    expect(analyzeFormula("=[q1] & \"x\"")).toBe(analyzeFormula("=[q1] & \"x\""));
  });
});

describe("evaluation", () => {
  test("answers are values, never formula code", () => {
    const { formula } = analyzeFormula("=[q1]");
    const scope = { ...exampleScope(), resolve: () => "=Chr(65) & [q2]" };
    expect(formula?.evaluate(scope)).toBe("=Chr(65) & [q2]");
  });

  test.each([
    ["=[nope]", /\[nope\] \(column 2\) names no question/],
    ["=1 / 0", /'\/' \(column 4\): Division by zero/],
    ["=\"abc\" + 1", /'\+' \(column 8\).*use & to join text/],
    ["=Mid(\"abc\", 0)", /Mid \(column 2\): The start must be 1 or more/],
    ["=IIf(\"maybe\", 1, 2)", /IIf \(column 2\): The condition must be true or false/],
    ["=[q37.Amount] * 2", /is a list; use Sum/],
  ])("%s fails with FORMULA_ERROR", (source, message) => {
    const { formula } = analyzeFormula(source);
    expect(() => formula?.evaluate(exampleScope())).toThrow(expect.objectContaining({ code: "FORMULA_ERROR", message: expect.stringMatching(message) }));
  });

  test("IIf evaluates only the branch taken", () => {
    expect(evaluate("=IIf(1 = 1, \"yes\", 1 / 0)")).toBe("\"yes\"");
    expect(evaluate("=If(1 = 2, 1 / 0, \"no\")")).toBe("\"no\"");
    expect(evaluate("=false and 1 / 0")).toBe("false");
    expect(evaluate("=true or 1 / 0")).toBe("true");
  });
});
