/**
 * Loading a connector file a user wrote: every problem reported at once with where it is (a
 * line and column for JSON syntax, a JSON path for the schema and the consistency checks).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConnector, loadConnectorActions } from "../../runtime";
import { parseConnector } from "../../runtime/connectors";
import type { SiqError } from "../../runtime/errors";
import { tempFile } from "../helpers/pipelines";

const FIXTURE = join(__dirname, "fixtures/acme-people.connector.json");
const text = readFileSync(FIXTURE, "utf8");

function problemsOf(source: string): Array<{ file: string; path: string; message: string }> {
  try {
    parseConnector(source, "acme.connector.json");
  } catch (error) {
    expect((error as SiqError).code).toBe("CONNECTOR_INVALID");
    return ((error as SiqError).details as { problems: Array<{ file: string; path: string; message: string }> }).problems;
  }
  throw new Error("no problems");
}

test("a valid file loads, and its actions come from it", async () => {
  const connector = await loadConnector(FIXTURE);
  expect(connector.id).toBe("acme-people");
  const actions = await loadConnectorActions(FIXTURE);
  expect(actions).toHaveLength(connector.actions.length);
});

test("JSON syntax errors are located by line and column, all of them", () => {
  const broken = text.replace('"version": "0.3.0",', '"version": "0.3.0"').replace('"Reads a person."', "'Reads a person.'");
  const problems = problemsOf(broken);
  expect(problems.length).toBeGreaterThanOrEqual(2);
  expect(problems[0]).toEqual({ file: "acme.connector.json", path: "line 6:3", message: "JSON syntax error at line 6, column 3: add a comma between the items." });
});

test("schema violations name the JSON path", () => {
  const data = JSON.parse(text) as { actions: Array<Record<string, unknown>>; id: string };
  data.id = "Acme People";
  data.actions[0]!["responseFormats"] = ["yaml"];
  const problems = problemsOf(JSON.stringify(data));
  expect(problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(["id", "actions[0].responseFormats[0]"]));
});

test("consistency problems name the JSON path", () => {
  const data = JSON.parse(text) as { actions: Array<{ request: { path: string }; outputs: Array<Record<string, unknown>> }> };
  data.actions[0]!.request.path = "/people/{{Person}}";
  data.actions[1]!.outputs.push({ name: "Nowhere", type: "text", description: "No source." });
  expect(problemsOf(JSON.stringify(data))).toEqual([
    { file: "acme.connector.json", path: "actions[0].request.path", message: "{{Person}} names no input of this action." },
    { file: "acme.connector.json", path: "actions[1].outputs[2]", message: 'Output "Nowhere" has no json, xml or header source and no success rule sets it.' },
  ]);
});

test("the error message lists every problem with the file name", () => {
  const data = JSON.parse(text) as { version: string; description: string };
  data.version = "1";
  try {
    parseConnector(JSON.stringify(data), "mine.connector.json");
    throw new Error("not refused");
  } catch (error) {
    expect((error as Error).message).toBe("The connector file mine.connector.json is not valid (1 problem):\n  mine.connector.json:version: must match the pattern ^\\d+\\.\\d+\\.\\d+$");
  }
});

test("a file that cannot be read is FILE_NOT_FOUND", async () => {
  await expect(loadConnector(join(__dirname, "fixtures/nothing-here.connector.json"))).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
});

test("a file written anywhere loads the same way", async () => {
  const file = tempFile("copy.connector.json", text);
  await expect(loadConnector(file)).resolves.toMatchObject({ id: "acme-people" });
});
