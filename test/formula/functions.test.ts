/**
 * One table per function: ordinary, empty, blank (null), list and Unicode arguments, and the
 * failures. Each case is [formula, expected display form] or [formula, Error(message pattern)].
 */
import { analyzeFormula } from "../../runtime/formula";
import { createDataScope } from "../../runtime/formula/data-scope";
import { displayValue } from "../../runtime/formula/display";
import { exampleData } from "../../runtime/formula/examples";
import { JsonData, SiqDate } from "../../runtime/values";

const scope = createDataScope({
  data: {
    ...exampleData(),
    blank: null,
    empty: "",
    uni: "naïve 👍 日本",
    emoji: "a👍b",
    list: ["x", "y", "z"],
    nums: [1, 2, "3", null],
    json: new JsonData([1, 2, 3]),
    jsonText: new JsonData(["Sales", "Support"]),
    obj: new JsonData({ a: 1 }),
    norows: [],
    when: SiqDate.fromParts(2026, 11, 22, 14, 30, 0, 0, true),
    iso: "2026-11-22T03:30:00Z",
    leap: SiqDate.fromParts(2024, 2, 29),
  },
  now: () => new Date("2026-11-22T14:30:00Z"),
  timeZone: "UTC",
});

type Case = [string, string | Error];

function run(cases: Case[]): void {
  test.each(cases)("%s", (formula, expected) => {
    const { formula: compiled, problems } = analyzeFormula(formula);
    expect(problems).toEqual([]);
    if (expected instanceof Error) {
      expect(() => compiled?.evaluate(scope)).toThrow(expect.objectContaining({ code: "FORMULA_ERROR", message: expect.stringMatching(expected.message) }));
    } else {
      expect(displayValue(compiled?.evaluate(scope) ?? null)).toBe(expected);
    }
  });
}

const fail = (pattern: string): Error => new Error(pattern);

describe("Replace", () => run([
  ["=Replace(\"a.b.c\", \".\", \"-\")", "\"a-b-c\""],
  ["=Replace(\"aAa\", \"a\", \"x\")", "\"xAx\""],
  ["=Replace(\"abc\", \"\", \"x\")", "\"abc\""],
  ["=Replace([blank], \"a\", \"b\")", "\"\""],
  ["=Replace([list], \"|\", \",\")", "\"x,y,z\""],
  ["=Replace([uni], \"👍\", \"ok\")", "\"naïve ok 日本\""],
  ["=Replace(\"$1$2\", \"$\", \"$$\")", "\"$$1$$2\""],
  ["=Replace([q37.GroupName], “|”, chr(10))", "\"GroupA\\nGroupB\\nGroupC\""],
]));

describe("Chr", () => run([
  ["=Chr(65)", "\"A\""],
  ["=Chr(128077)", "\"👍\""],
  ["=Chr(0)", "\"\\u0000\""],
  ["=Chr(\"10\")", "\"\\n\""],
  ["=Chr([blank])", "\"\\u0000\""],
  ["=Chr(1.5)", fail("whole number")],
  ["=Chr(-1)", fail("not a Unicode character code")],
  ["=Chr(55296)", fail("not a Unicode character code")],
  ["=Chr([list])", fail("is a list")],
]));

describe("Concat", () => run([
  ["=Concat(\"a\", 1, true, [blank], #2026-11-22#)", "\"a1true2026-11-22\""],
  ["=Concat([list])", "\"x|y|z\""],
  ["=Concat([empty])", "\"\""],
  ["=Concat([uni], \"!\")", "\"naïve 👍 日本!\""],
  ["=Concat(0.1 + 0.2)", "\"0.30000000000000004\""],
]));

describe("Left, Right, Mid", () => run([
  ["=Left(\"abc\", 0)", "\"\""],
  ["=Left(\"abc\", 10)", "\"abc\""],
  ["=Left([emoji], 2)", "\"a👍\""],
  ["=Left([blank], 2)", "\"\""],
  ["=Left([list], 3)", "\"x|y\""],
  ["=Left(\"abc\", -1)", fail("0 or more")],
  ["=Right([emoji], 2)", "\"👍b\""],
  ["=Right(\"abc\", 0)", "\"\""],
  ["=Right(\"abc\", 5)", "\"abc\""],
  ["=Right([empty], 1)", "\"\""],
  ["=Mid([uni], 7, 1)", "\"👍\""],
  ["=Mid(\"abc\", 4)", "\"\""],
  ["=Mid(\"abc\", 2, 0)", "\"\""],
  ["=Mid(\"abc\", 2, 99)", "\"bc\""],
  ["=Mid([blank], 1, 1)", "\"\""],
  ["=Mid(\"abc\", 1, -1)", fail("length must be 0 or more")],
  ["=Mid(\"abc\", \"x\")", fail("start must be a number")],
]));

describe("Len", () => run([
  ["=Len(\"\")", "0"],
  ["=Len([blank])", "0"],
  ["=Len([uni])", "10"],
  ["=Len([emoji])", "3"],
  ["=Len([list])", "5"],
  ["=Len(12.5)", "4"],
  ["=Len(#2026-11-22#)", "10"],
]));

describe("Upper, Lower, Trim", () => run([
  ["=Upper(\"ß and é\")", "\"SS AND É\""],
  ["=Upper([blank])", "\"\""],
  ["=Upper([list])", "\"X|Y|Z\""],
  ["=Lower(\"ÀÉ\")", "\"àé\""],
  ["=Lower([empty])", "\"\""],
  ["=Trim(\"\u00a0 a b \\t\")", "\"a b \\\\t\""],
  ["=Trim(\" \" & Chr(9) & \"a\" & Chr(10))", "\"a\""],
  ["=Trim([blank])", "\"\""],
  ["=Trim([uni])", "\"naïve 👍 日本\""],
]));

describe("Contains, StartsWith, EndsWith", () => run([
  ["=Contains(\"Hello\", \"ELL\")", "true"],
  ["=Contains(\"Hello\", \"\")", "true"],
  ["=Contains([blank], \"a\")", "false"],
  ["=Contains([list], \"Y\")", "true"],
  ["=Contains([list], \"x|y\")", "false"],
  ["=Contains([jsonText], \"sales\")", "true"],
  ["=Contains([norows], \"a\")", "false"],
  ["=Contains([uni], \"👍\")", "true"],
  ["=StartsWith(\"Hello\", \"he\")", "true"],
  ["=StartsWith(\"\", \"\")", "true"],
  ["=StartsWith([blank], \"a\")", "false"],
  ["=StartsWith([list], \"X|\")", "true"],
  ["=StartsWith([uni], \"NAÏ\")", "true"],
  ["=EndsWith(\"Hello\", \"LO\")", "true"],
  ["=EndsWith([uni], \"日本\")", "true"],
  ["=EndsWith([empty], \"a\")", "false"],
]));

describe("Split and Join", () => run([
  ["=Split(\"a,b,,c\", \",\")", "[\"a\", \"b\", \"\", \"c\"]"],
  ["=Split(\"\", \",\")", "[]"],
  ["=Split([blank], \",\")", "[]"],
  ["=Split(\"abc\", \"\")", "[\"abc\"]"],
  ["=Split([list], \"|\")", "[\"x\", \"y\", \"z\"]"],
  ["=Split([uni], \" \")", "[\"naïve\", \"👍\", \"日本\"]"],
  ["=Split(\"a|b\", \"|\") & \"\"", "\"a|b\""],
  ["=Join([list], \", \")", "\"x, y, z\""],
  ["=Join([json], \"+\")", "\"1+2+3\""],
  ["=Join([blank], \",\")", "\"\""],
  ["=Join(\"a|b\", \",\")", "\"a|b\""],
  ["=Join([norows], \",\")", "\"\""],
  ["=Join(Split([uni], \" \"), \"/\")", "\"naïve/👍/日本\""],
]));

describe("Count", () => run([
  ["=Count([list])", "3"],
  ["=Count([nums])", "3"],
  ["=Count([json])", "3"],
  ["=Count([blank])", "0"],
  ["=Count([empty])", "0"],
  ["=Count([norows])", "0"],
  ["=Count([q37])", "3"],
  ["=Count(\"a\", [list], [uni])", "5"],
]));

describe("IIf and If", () => run([
  ["=IIf(true, \"a\", \"b\")", "\"a\""],
  ["=IIf(\"FALSE\", \"a\", \"b\")", "\"b\""],
  ["=IIf([blank], \"a\", \"b\")", "\"b\""],
  ["=IIf(0, \"a\", \"b\")", "\"b\""],
  ["=IIf([list], 1, 2)", fail("must be true or false, but it is a list")],
  ["=IIf([uni], 1, 2)", fail("must be true or false")],
  ["=If(true, [list])", "[\"x\", \"y\", \"z\"]"],
  ["=If(false, 1)", "blank"],
  ["=If(1 = 1, \"ok\", Chr(-1))", "\"ok\""],
]));

describe("IsEqual, IsBlank, Coalesce", () => run([
  ["=IsEqual(\"É\", \"é\")", "true"],
  ["=IsEqual(\"É\", \"é\", true)", "false"],
  ["=IsEqual([blank], \"\")", "true"],
  ["=IsEqual([list], \"X|Y|Z\")", "true"],
  ["=IsEqual(#2026-11-22#, \"2026-11-22\")", "true"],
  ["=IsEqual(1, \"1.0\")", "true"],
  ["=IsBlank([blank])", "true"],
  ["=IsBlank([empty])", "true"],
  ["=IsBlank([norows])", "true"],
  ["=IsBlank([list])", "false"],
  ["=IsBlank([uni])", "false"],
  ["=IsBlank(false)", "false"],
  ["=Coalesce([blank], [empty], [uni])", "\"naïve 👍 日本\""],
  ["=Coalesce([blank])", "blank"],
  ["=Coalesce([norows], [list])", "[\"x\", \"y\", \"z\"]"],
  ["=Coalesce(\"a\", 1 / 0)", "\"a\""],
]));

describe("Abs, Round, Floor, Ceiling", () => run([
  ["=Abs(-0)", "0"],
  ["=Abs([blank])", "0"],
  ["=Abs(\"-2\")", "2"],
  ["=Abs([list])", fail("is a list")],
  ["=Abs([uni])", fail("does not read as one")],
  ["=Round(0.5)", "1"],
  ["=Round(-0.5)", "-1"],
  ["=Round(1.45, 1)", "1.5"],
  ["=Round(-1.45, 1)", "-1.5"],
  ["=Round(2.675, 2)", "2.68"],
  ["=Round(1e-7, 2)", "0"],
  ["=Round(123.456, 0)", "123"],
  ["=Round(1.5, 16)", fail("0 to 15")],
  ["=Round([blank])", "0"],
  ["=Round(\"2.5\")", "3"],
  ["=Floor(2.7)", "2"],
  ["=Floor(-0.5)", "-1"],
  ["=Floor([empty])", "0"],
  ["=Ceiling(-2.7)", "-2"],
  ["=Ceiling(-0.5)", "0"],
  ["=Ceiling(true)", fail("must be a number, but it is a boolean")],
]));

describe("Min, Max, Sum, Average", () => run([
  ["=Min([nums])", "1"],
  ["=Max([nums], \"10\")", "10"],
  ["=Max([json])", "3"],
  ["=Min([blank])", fail("no values")],
  ["=Max([norows])", fail("no values")],
  ["=Min([list])", fail("does not read as one")],
  ["=Min(#2026-11-22#, [leap])", "#2024-02-29#"],
  ["=Sum([nums])", "6"],
  ["=Sum([json], 4)", "10"],
  ["=Sum([blank])", "0"],
  ["=Sum([norows])", "0"],
  ["=Sum([uni])", fail("does not read as one")],
  ["=Sum(0.1, 0.2)", "0.30000000000000004"],
  ["=Average([nums])", "2"],
  ["=Average([json])", "2"],
  ["=Average([blank])", fail("no values to average")],
  ["=Average([list])", fail("does not read as one")],
]));

describe("Today and Now", () => run([
  ["=Today()", "#2026-11-22#"],
  ["=Now()", "#2026-11-22T14:30:00#"],
  ["=Today() = #2026-11-22#", "true"],
  ["=Now() > Today()", "true"],
]));

describe("DateAdd", () => run([
  ["=DateAdd(0, 1, [leap])", "#2025-02-28#"],
  ["=DateAdd(\"yyyy\", 4, [leap])", "#2028-02-29#"],
  ["=DateAdd(\"q\", 1, #2026-11-30#)", "#2027-02-28#"],
  ["=DateAdd(1, -1, #2026-05-31#)", "#2026-02-28#"],
  ["=DateAdd(\"M\", 1, #2026-01-31#)", "#2026-02-28#"],
  ["=DateAdd(\"m\", -13, #2026-01-15#)", "#2024-12-15#"],
  ["=DateAdd(4, 1, #2026-12-31#)", "#2027-01-01#"],
  ["=DateAdd(\"y\", 1, #2026-12-31#)", "#2027-01-01#"],
  ["=DateAdd(\"w\", 1, #2026-12-31#)", "#2027-01-01#"],
  ["=DateAdd(\"ww\", 2, #2026-11-22#)", "#2026-12-06#"],
  ["=DateAdd(\"n\", 90, #2026-11-22#)", "#2026-11-22T01:30:00#"],
  ["=DateAdd(\"s\", -1, #2026-01-01#)", "#2025-12-31T23:59:59#"],
  ["=DateAdd(7, 1.9, [when])", "#2026-11-22T15:30:00#"],
  ["=DateAdd(\"Day\", 1, \"2026-02-28\")", "#2026-03-01#"],
  ["=DateAdd(\"d\", 0, [iso])", "#2026-11-22T03:30:00#"],
  ["=DateAdd(\"d\", 1, [blank])", "blank"],
  ["=DateAdd(\"d\", [blank], #2026-11-22#)", "#2026-11-22#"],
  ["=DateAdd(\"x\", 1, #2026-11-22#)", fail("interval is not one")],
  ["=DateAdd(10, 1, #2026-11-22#)", fail("interval is not one")],
  ["=DateAdd(\"yyyy\", 8000, #2026-11-22#)", fail("outside the years 1 to 9999")],
  ["=DateAdd(\"d\", 1, [uni])", fail("not an ISO date")],
  ["=DateAdd(\"d\", 1, [list])", fail("must be a date, but it is a list")],
]));

describe("DateDiff", () => run([
  ["=DateDiff(\"yyyy\", #2025-12-31#, #2026-01-01#)", "1"],
  ["=DateDiff(\"yyyy\", #2025-12-31#, #2026-01-01#, true)", "0"],
  ["=DateDiff(0, #1990-06-15#, #2026-06-14#, true)", "35"],
  ["=DateDiff(0, #1990-06-15#, #2026-06-15#, true)", "36"],
  ["=DateDiff(0, #2026-06-15#, #1990-06-16#, true)", "-35"],
  ["=DateDiff(\"m\", #2026-01-31#, #2026-02-01#)", "1"],
  ["=DateDiff(\"m\", #2026-01-15#, #2026-03-14#, true)", "1"],
  ["=DateDiff(\"q\", #2026-03-31#, #2026-04-01#)", "1"],
  ["=DateDiff(\"d\", #2026-11-22 23:00#, #2026-11-23 01:00#)", "1"],
  ["=DateDiff(\"d\", #2026-11-22 23:00#, #2026-11-23 01:00#, true)", "0"],
  ["=DateDiff(\"d\", #2026-11-23#, #2026-11-22#)", "-1"],
  ["=DateDiff(\"ww\", #2026-11-21#, #2026-11-22#)", "1"],
  ["=DateDiff(\"ww\", #2026-11-22#, #2026-11-28#)", "0"],
  ["=DateDiff(\"w\", #2026-11-01#, #2026-11-22#)", "3"],
  ["=DateDiff(\"h\", #2026-11-22 10:59#, #2026-11-22 11:01#)", "1"],
  ["=DateDiff(\"h\", #2026-11-22 10:59#, #2026-11-22 11:01#, true)", "0"],
  ["=DateDiff(\"n\", #2026-11-22#, [when])", "870"],
  ["=DateDiff(\"s\", #2026-11-22 00:00#, #2026-11-22 00:01#)", "60"],
  ["=DateDiff(\"d\", [blank], Today())", "blank"],
  ["=DateDiff(\"d\", \"2026-11-01\", Today())", "21"],
  ["=DateDiff(\"d\", 5, Today())", fail("must be a date, but it is a number")],
]));

describe("Year, Month, Day", () => run([
  ["=Year([leap])", "2024"],
  ["=Month([leap])", "2"],
  ["=Day([leap])", "29"],
  ["=Year([blank])", "blank"],
  ["=Month(\"2026-11-22T10:00:00\")", "11"],
  ["=Day([iso])", "22"],
  ["=Year([uni])", fail("not an ISO date")],
  ["=Day([list])", fail("is a list")],
]));

describe("JsonEncode", () => run([
  ["=JsonEncode(\"a\"\"b\\c\")", "\"\\\"a\\\\\\\"b\\\\\\\\c\\\"\""],
  ["=JsonEncode([blank])", "\"null\""],
  ["=JsonEncode(\"\")", "\"\\\"\\\"\""],
  ["=JsonEncode([list])", "\"[\\\"x\\\",\\\"y\\\",\\\"z\\\"]\""],
  ["=JsonEncode([obj])", "\"{\\\"a\\\":1}\""],
  ["=JsonEncode(true)", "\"true\""],
  ["=JsonEncode(#2026-11-22#)", "\"\\\"2026-11-22\\\"\""],
  ["=JsonEncode([uni])", "\"\\\"naïve 👍 日本\\\"\""],
  ["=JsonEncode(Chr(10))", "\"\\\"\\\\n\\\"\""],
]));

describe("XmlEncode", () => run([
  ["=XmlEncode(\"<a href=\"\"x\"\">'&'</a>\")", "\"&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\""],
  ["=XmlEncode([blank])", "\"\""],
  ["=XmlEncode(Chr(1) & Chr(9))", "\"�\\t\""],
  ["=XmlEncode([list])", "\"x|y|z\""],
  ["=XmlEncode([uni])", "\"naïve 👍 日本\""],
]));

describe("UrlEncode", () => run([
  ["=UrlEncode(\"a b/c?d=e&f\")", "\"a%20b%2Fc%3Fd%3De%26f\""],
  ["=UrlEncode(\"it's (ok)!*\")", "\"it%27s%20%28ok%29%21%2A\""],
  ["=UrlEncode([blank])", "\"\""],
  ["=UrlEncode([list])", "\"x%7Cy%7Cz\""],
  ["=UrlEncode([uni])", "\"na%C3%AFve%20%F0%9F%91%8D%20%E6%97%A5%E6%9C%AC\""],
  ["=UrlEncode(\"-._~\")", "\"-._~\""],
]));

describe("Base64Encode and Base64Decode", () => run([
  ["=Base64Encode(\"hello\")", "\"aGVsbG8=\""],
  ["=Base64Encode([blank])", "\"\""],
  ["=Base64Encode([list])", "\"eHx5fHo=\""],
  ["=Base64Decode(Base64Encode([uni]))", "\"naïve 👍 日本\""],
  ["=Base64Decode(\"aGVs bG8=\")", "\"hello\""],
  ["=Base64Decode(\"aGVsbG8\")", "\"hello\""],
  ["=Base64Decode(\"\")", "\"\""],
  ["=Base64Decode(\"_-8\")", fail("not UTF-8")],
  ["=Base64Decode(\"a*b\")", fail("not Base64")],
  ["=Base64Decode(\"/w==\")", fail("not UTF-8")],
]));

describe("Format: numbers", () => run([
  ["=Format(1234.5678, \"N2\")", "\"1,234.57\""],
  ["=Format(1234.5, \"N0\")", "\"1,235\""],
  ["=Format(-1234.5, \"N\")", "\"-1,234.50\""],
  ["=Format(1234.5, \"F2\")", "\"1234.50\""],
  ["=Format(2.5, \"F0\")", "\"3\""],
  ["=Format(1.005, \"F2\")", "\"1.01\""],
  ["=Format(-0.001, \"F2\")", "\"0.00\""],
  ["=Format(0.125, \"P1\")", "\"12.5 %\""],
  ["=Format(1234.5, \"C\")", "\"¤1,234.50\""],
  ["=Format(-1234.5, \"C0\")", "\"(¤1,235)\""],
  ["=Format(42, \"D5\")", "\"00042\""],
  ["=Format(-42, \"D5\")", "\"-00042\""],
  ["=Format(4.2, \"D\")", fail("D format needs a whole number")],
  ["=Format(255, \"X4\")", "\"00FF\""],
  ["=Format(255, \"x\")", "\"ff\""],
  ["=Format(1234.5678, \"E2\")", "\"1.23E+003\""],
  ["=Format(0.00012, \"e3\")", "\"1.200e-004\""],
  ["=Format(0.1 + 0.2, \"R\")", "\"0.30000000000000004\""],
  ["=Format(1234.5678, \"G5\")", "\"1234.6\""],
  ["=Format(1e21, \"G\")", "\"1E+21\""],
  ["=Format(1234.5, \"0.00\")", "\"1234.50\""],
  ["=Format(1234567.891, \"#,##0.00\")", "\"1,234,567.89\""],
  ["=Format(0, \"#,##0\")", "\"0\""],
  ["=Format(0.5, \"#.##\")", "\".5\""],
  ["=Format(1, \"#.##\")", "\"1\""],
  ["=Format(0.256, \"0%\")", "\"26%\""],
  ["=Format(0.155, \"0.0%\")", "\"15.5%\""],
  ["=Format(1234567, \"#,##0,K\")", "\"1,235K\""],
  ["=Format(5551234567, \"(###) ###-####\")", "\"(555) 123-4567\""],
  ["=Format(12345.678, \"0.00E+00\")", "\"1.23E+04\""],
  ["=Format(0, \"0.0;-0.0;zero\")", "\"zero\""],
  ["=Format(-3, \"0;minus 0\")", "\"minus 3\""],
  ["=Format(3, \"'#'0\")", "\"#3\""],
  ["=Format(3, \"\\#0\")", "\"#3\""],
  ["=Format(\"1234.5\", \"N1\")", "\"1,234.5\""],
  ["=Format(1e21, \"N0\")", "\"1,000,000,000,000,000,000,000\""],
  ["=Format([blank], \"N2\")", "\"\""],
  ["=Format([empty], \"N2\")", "\"\""],
  ["=Format(12, \"\")", "\"12\""],
  ["=Format(12, \"Q\")", fail("not a .NET numeric format")],
  ["=Format([list], \"N2\")", fail("but the value is a list")],
  ["=Format([uni], \"N2\")", fail("neither a number nor an ISO date")],
  ["=Format(true, \"N2\")", fail("boolean")],
]));

describe("Format: dates", () => run([
  ["=Format([when], \"yyyy-MM-dd\")", "\"2026-11-22\""],
  ["=Format([when], \"dd/MM/yyyy HH:mm\")", "\"22/11/2026 14:30\""],
  ["=Format([when], \"d/M/yy h:mm tt\")", "\"22/11/26 2:30 PM\""],
  ["=Format([when], \"dddd d MMMM yyyy\")", "\"Sunday 22 November 2026\""],
  ["=Format([when], \"ddd, MMM d\")", "\"Sun, Nov 22\""],
  ["=Format([when], \"MMMM\")", "\"November\""],
  ["=Format([when], \"HH:mm:ss.fff\")", "\"14:30:00.000\""],
  ["=Format([when], \"'Date:' yyyy\")", "\"Date: 2026\""],
  ["=Format([when], \"d\")", "\"11/22/2026\""],
  ["=Format([when], \"D\")", "\"Sunday, 22 November 2026\""],
  ["=Format([when], \"g\")", "\"11/22/2026 14:30\""],
  ["=Format([when], \"s\")", "\"2026-11-22T14:30:00\""],
  ["=Format([when], \"u\")", "\"2026-11-22 14:30:00Z\""],
  ["=Format([when], \"o\")", "\"2026-11-22T14:30:00.0000000\""],
  ["=Format([when], \"%d\")", "\"22\""],
  ["=Format([when], \"t\")", "\"14:30\""],
  ["=Format([leap], \"yyyy-MM-dd HH:mm\")", "\"2024-02-29 00:00\""],
  ["=Format(\"2026-11-22\", \"dd.MM.yyyy\")", "\"22.11.2026\""],
  ["=Format([when], \"h\")", fail("not a .NET date format")],
  ["=Format([when], \"zzz\")", fail("offset")],
]));

describe("Format: cultures", () => {
  const cases: [string, string, string][] = [
    ["en-AU", "=Format(1234.5, \"N2\")", "1,234.50"],
    ["en-AU", "=Format(1234.5, \"C\")", "$1,234.50"],
    ["en-AU", "=Format(#2026-11-22#, \"d\")", "22/11/2026"],
    ["en-US", "=Format(#2026-11-22#, \"d\")", "11/22/2026"],
    ["en-US", "=Format(-1234.5, \"C\")", "-$1,234.50"],
    ["en-US", "=Format(0.5, \"P0\")", "50%"],
    ["de-DE", "=Format(1234.5, \"N2\")", "1.234,50"],
    ["de-DE", "=Format(1234.5, \"#,##0.00\")", "1.234,50"],
    ["de-DE", "=Format(#2026-11-22#, \"dd/MM/yyyy\")", "22.11.2026"],
    ["de-DE", "=Format(#2026-11-22#, \"dddd, d. MMMM yyyy\")", "Sonntag, 22. November 2026"],
    ["de-DE", "=Format(#2026-03-01#, \"MMMM\")", "März"],
    ["de-DE", "=Format(1234.5, \"C\")", "1.234,50 €"],
    ["fr-FR", "=Format(#2026-11-22#, \"MMMM\")", "novembre"],
  ];
  test.each(cases)("%s %s", (culture, formula, expected) => {
    const compiled = analyzeFormula(formula).formula;
    const result = compiled?.evaluate({ ...scope, culture });
    expect(typeof result === "string" ? result.replace(/[\u00a0\u202f]/g, " ") : result).toBe(expected);
  });

  test("an unknown culture name fails with FORMULA_ERROR", () => {
    const compiled = analyzeFormula("=Format(1, \"N2\")").formula;
    expect(() => compiled?.evaluate({ ...scope, culture: "not a culture!" })).toThrow(expect.objectContaining({ code: "FORMULA_ERROR" }));
  });
});

describe("time zones", () => {
  const at = (timeZone: string | undefined) => ({ ...scope, now: () => new Date("2026-11-22T20:30:00Z"), timeZone });
  test("Today() and Now() read the clock in the scope's time zone", () => {
    expect(analyzeFormula("=Today()").formula?.evaluate(at("Australia/Sydney"))).toEqual(SiqDate.fromParts(2026, 11, 23));
    expect(displayValue(analyzeFormula("=Now()").formula?.evaluate(at("America/New_York")) ?? null)).toBe("#2026-11-22T15:30:00#");
    expect(analyzeFormula("=Today()").formula?.evaluate(at("UTC"))).toEqual(SiqDate.fromParts(2026, 11, 22));
  });
  test("without a time zone, the process's zone is used", () => {
    const now = new Date("2026-11-22T20:30:00Z");
    const expected = SiqDate.fromParts(now.getFullYear(), now.getMonth() + 1, now.getDate());
    expect(analyzeFormula("=Today()").formula?.evaluate(at(undefined))).toEqual(expected);
  });
  test("an unknown time zone fails with FORMULA_ERROR", () => {
    expect(() => analyzeFormula("=Now()").formula?.evaluate(at("Mars/Olympus"))).toThrow(expect.objectContaining({ code: "FORMULA_ERROR", message: expect.stringMatching(/Mars\/Olympus/) }));
  });
});
