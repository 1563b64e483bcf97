/**
 * Every case of the JSONPath Compliance Test Suite (RFC 9535) through Output Path.
 * The suite is read from test/fixtures/jsonpath-cts (see its README), or from $JSONPATH_CTS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { compileOutputPath } from "../../runtime/extract/output-path";
import { SiqError } from "../../runtime/errors";
import { JsonData } from "../../runtime/values";
import type { Value } from "../../runtime/values";

interface CtsCase {
  name: string;
  selector: string;
  document?: unknown;
  result?: unknown[];
  results?: unknown[][];
  invalid_selector?: boolean;
}

const suitePath = process.env["JSONPATH_CTS"] ?? join(__dirname, "..", "fixtures", "jsonpath-cts", "cts.json");
const suite = JSON.parse(readFileSync(suitePath, "utf8")) as { tests: CtsCase[] };
const cases = suite.tests.map((c, index) => ({ ...c, title: `${index + 1}: ${c.name}` }));

function plain(value: Value): unknown {
  return value instanceof JsonData ? value.data : value;
}

describe("JSONPath Compliance Test Suite through Output Path", () => {
  test("the whole suite is here", () => {
    expect(cases).toHaveLength(703);
  });

  test.each(cases)("$title", (c) => {
    if (c.invalid_selector) {
      let error: unknown;
      try {
        compileOutputPath(c.selector);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SiqError);
      expect((error as SiqError).code).toBe("OUTPUT_PATH_INVALID");
      return;
    }
    const matches = compileOutputPath(c.selector)
      .select({ contentType: "application/json", body: JSON.stringify(c.document), headers: {} })
      .map(plain);
    const allowed = c.results ?? [c.result ?? []];
    const fits = allowed.some((expected) => isDeepStrictEqual(matches, expected));
    if (!fits) expect(matches).toEqual(allowed[0]);
    expect(fits).toBe(true);
  });
});
