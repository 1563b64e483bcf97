import fc from "fast-check";
import { checkMatchers, describeExpected, matchValue, matches } from "../../runtime/spec/matchers";
import { formatJsonPath } from "../../runtime/pipeline/problems";

/** Each difference as `path: expected X, got Y`. */
function diff(expected: unknown, actual: unknown): string[] {
  return matchValue(expected, actual).map((m) => `${formatJsonPath(m.path)}: expected ${m.expected}, got ${m.actual}`);
}

describe("matchValue", () => {
  test.each([
    ["equal scalars", 42, 42],
    ["equal objects, any key order", { a: 1, b: [true, null] }, { b: [true, null], a: 1 }],
    ["$any string", { $any: "string" }, "x"],
    ["$any number", { $any: "number" }, 7.5],
    ["$any boolean", { $any: "boolean" }, false],
    ["$any object", { $any: "object" }, { a: 1 }],
    ["$any array", { $any: "array" }, []],
    ["$any null", { $any: "null" }, null],
    ["$any any", { $any: "any" }, 0],
    ["$regex finds a match anywhere", { $regex: "do" }, "jdoe"],
    ["$regex anchored", { $regex: "^[0-9a-f-]{36}$" }, "9f0c3a1e-0000-4000-8000-000000000000"],
    ["$absent key", { a: 1, b: { $absent: true } }, { a: 1 }],
    ["$json text", { $json: { id: { $any: "number" } } }, '{"id":42}'],
    ["$partial object", { $partial: { a: 1 } }, { a: 1, b: 2 }],
    ["$literal keeps matcher-like data", { $literal: { $regex: "x" } }, { $regex: "x" }],
    ["matchers nested in lists", [{ $any: "string" }, 2], ["a", 2]],
  ])("%s matches", (_name, expected, actual) => {
    expect(diff(expected, actual)).toEqual([]);
  });

  test.each([
    ["a different scalar", false, true, ["$: expected false, got true"]],
    ["a string for a number", 42, "42", ['$: expected 42, got "42"']],
    ["a missing key", { a: 1, b: 2 }, { a: 1 }, ["b: expected 2, got nothing"]],
    ["an extra key", { a: 1 }, { a: 1, admin: true }, ["admin: expected nothing (the key is not expected), got true"]],
    ["a nested difference", { user: { groups: ["Sales"] } }, { user: { groups: ["Support"] } }, ['user.groups[0]: expected "Sales", got "Support"']],
    ["a shorter list", [1, 2], [1], ["$: expected [1,2] (2 items), got [1] (1 item)"]],
    ["$any of the wrong type", { guid: { $any: "number" } }, { guid: "9f0c" }, ['guid: expected a number, got "9f0c"']],
    ["$regex without a match", { $regex: "^x" }, "jdoe", ['$: expected text matching /^x/, got "jdoe"']],
    ["$regex on a number", { $regex: "1" }, 1, ["$: expected text matching /1/, got 1"]],
    ["$absent present", { token: { $absent: true } }, { token: "t" }, ['token: expected nothing, got "t"']],
    ["$json with a difference inside", { $json: { id: 1 } }, '{"id":2}', ["id: expected 1, got 2"]],
    ["$json on text that is not JSON", { $json: {} }, "<x/>", ['$: expected JSON text, got "<x/>"']],
    ["$partial with a wrong key", { $partial: { a: 1 } }, { a: 2, b: 3 }, ["a: expected 1, got 2"]],
    ["names with spaces", { "Existing User Updated": false }, { "Existing User Updated": true }, ['["Existing User Updated"]: expected false, got true']],
  ])("%s differs", (_name, expected, actual, wanted) => {
    expect(diff(expected, actual)).toEqual(wanted);
  });

  test("every JSON value matches itself", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(matches(value, JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
    );
  });

  test("a changed leaf is always reported at its path", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }).filter((k) => !k.startsWith("$")), fc.integer(), { minKeys: 1 }), fc.nat(), (record, pick) => {
        const keys = Object.keys(record);
        const key = keys[pick % keys.length] as string;
        const changed = { ...record, [key]: (record[key] as number) + 1 };
        const found = matchValue(record, changed);
        expect(found).toHaveLength(1);
        expect(found[0]?.path).toEqual([key]);
      }),
    );
  });

  test("$regex runs in linear time on input that makes backtracking engines hang", () => {
    const started = performance.now();
    expect(matches({ $regex: "^(a+)+$" }, `${"a".repeat(50_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("$userGuid", () => {
  const context = { userGuid: (name: string) => (name.toLowerCase() === "jdoe" ? "9F0C3A1E-0000-4000-8000-000000000001" : undefined) };

  test.each([
    ["the user's GUID, ignoring case", "jdoe", "9f0c3a1e-0000-4000-8000-000000000001", []],
    ["another GUID", "JDoe", "0000", ['$: expected "9F0C3A1E-0000-4000-8000-000000000001" (the GUID of "JDoe"), got "0000"']],
    ["a user who is not in the directory", "ghost", "0000", ['$: expected the GUID of the user "ghost", who is not in the directory, got "0000"']],
  ])("%s", (_name, username, actual, wanted) => {
    expect(matchValue({ $userGuid: username }, actual, [], [], context).map((m) => `${formatJsonPath(m.path)}: expected ${m.expected}, got ${m.actual}`)).toEqual(wanted);
  });
});

describe("checkMatchers", () => {
  test.each([
    ["an unknown $any type", { a: { $any: "strin" } }, 'a.$any: $any takes one of "string", "number", "boolean", "object", "array", "null", "any"'],
    ["a pattern with a backreference", { $regex: "(a)\\1" }, "$regex: the pattern cannot be used"],
    ["a typo in a matcher name", { guid: { $regx: "x" } }, 'guid: "$regx" is not a matcher (did you mean "$regex"?)'],
    ["a matcher with more keys", { $any: "string", other: 1 }, "$: a matcher object has exactly one key"],
    ["$absent false", { $absent: false }, "$absent: $absent takes true"],
    ["$partial of a list", { $partial: [1] }, "$partial: $partial takes an object"],
    ["a bad matcher inside $json", { $json: { a: { $any: 3 } } }, "$json.a.$any: $any takes one of"],
    ["$userGuid without a username", { $userGuid: " " }, "$userGuid: $userGuid takes a username"],
  ])("reports %s", (_name, value, message) => {
    const problems = checkMatchers(value).map((p) => `${formatJsonPath(p.path)}: ${p.message}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  test("accepts plain data and $-keys that are not near a matcher name", () => {
    expect(checkMatchers({ $type: "User", filter: { "$skip-this": 1 }, list: [{ $literal: { $any: 1 } }] })).toEqual([]);
  });
});

test("describeExpected writes matchers in words inside values", () => {
  expect(describeExpected({ id: { $any: "number" }, name: { $regex: "^j" } })).toBe('{"id":"<a number>","name":"<text matching /^j/>"}');
});
