import { inspectPipelineFile, loadPipeline } from "../../runtime/pipeline/load";
import { PipelineInvalidError, formatProblemLine } from "../../runtime/pipeline/problems";
import { inspect, tempFile } from "../helpers/pipelines";

const echo = (name: string, inputs: Record<string, unknown> = {}) => ({ name, type: "Test Echo", inputs });

describe("loading pipeline files", () => {
  test("JSON syntax errors are reported with line and column, every one", async () => {
    const file = tempFile("bad.pipeline.json", '{\n  "name": "x",\n  "actions": [\n    { "name": "a" "type": "b" }\n  ]\n}\n');
    const result = await inspectPipelineFile(file, { displayName: "bad.pipeline.json" });
    expect(result.pipeline).toBeUndefined();
    expect(result.problems.length).toBeGreaterThanOrEqual(1);
    expect(result.problems[0]).toMatchObject({ code: "JSON_SYNTAX", path: "line 4", column: 19 });
    expect(formatProblemLine(result.problems[0]!)).toBe("bad.pipeline.json:line 4:19: JSON syntax error at line 4, column 19: add a comma between the items.");
  });

  test("a missing file is FILE_NOT_FOUND", async () => {
    await expect(loadPipeline("/nonexistent/x.pipeline.json")).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
  });

  test("schema errors name the JSON path", () => {
    const result = inspect({ name: "x", actions: [{ name: "a", type: "Test Echo", inputs: {}, colour: "red" }, { type: "Test Echo", inputs: {} }] });
    const lines = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(lines).toEqual(expect.arrayContaining(['actions[0].colour: "colour" is not a known field here', 'actions[1]: the required field "name" is missing']));
  });

  test("a connection's auth union reports the branch its type names", () => {
    const result = inspect({ name: "x", connections: { crm: { baseUrl: "https://h", auth: { type: "basic", username: "u" } } }, actions: [] });
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['connections.crm.auth: the required field "password" is missing']);
    const unknown = inspect({ name: "x", connections: { crm: { baseUrl: "https://h", auth: { type: "magic" } } }, actions: [] });
    expect(unknown.problems[0]?.message).toMatch(/has type "magic"; use one of "basic", "bearer", "apiKey", "oauth2", "login"/);
  });

  test("${NAME} is read inside connections, refused elsewhere, and a missing one is named", () => {
    const data = {
      name: "x",
      connections: {
        crm: { baseUrl: "${CRM_URL}", auth: { type: "basic", username: "${CRM_USER}", password: "${CRM_PASSWORD}" } },
      },
      actions: [echo("A", { Text: "token ${CRM_PASSWORD}" })],
    };
    const result = inspect(data, { CRM_URL: "https://crm.example.com/v1", CRM_USER: "svc" });
    const byCode = (code: string) => result.problems.filter((p) => p.code === code);
    expect(byCode("ENV_VARIABLE_MISSING")).toEqual([
      expect.objectContaining({ path: "connections.crm.auth.password", column: 1, message: expect.stringContaining("CRM_PASSWORD is not set") }),
    ]);
    expect(byCode("ENV_VARIABLE_NOT_ALLOWED")).toEqual([expect.objectContaining({ path: "actions[0].inputs.Text", column: 7 })]);
    const ok = inspect({ ...data, actions: [] }, { CRM_URL: "https://crm.example.com/v1", CRM_USER: "svc", CRM_PASSWORD: "pw" });
    expect(ok.problems).toEqual([]);
    expect(ok.pipeline?.connections.crm).toEqual({ baseUrl: "https://crm.example.com/v1", auth: { type: "basic", username: "svc", password: "pw" } });
  });

  test("action names are unique ignoring case, and never a question id", () => {
    const result = inspect({ name: "x", questions: { q1: { label: "Q", type: "text" } }, actions: [echo("Step"), echo("step"), echo("q1")] });
    expect(result.problems.filter((p) => p.code === "DUPLICATE_NAME").map((p) => p.path)).toEqual(["actions[1].name", "actions[2].name"]);
  });

  test("unknown action types, unknown inputs and missing mandatory inputs are reported with suggestions", () => {
    const result = inspect({
      name: "x",
      actions: [
        { name: "A", type: "Test Ecko", inputs: {} },
        { name: "B", type: "Test Echo", inputs: { Txt: "x" } },
        { name: "C", type: "Test Flaky", inputs: { Key: "k" } },
      ],
    });
    expect(result.problems.map((p) => [p.code, p.path, p.message])).toEqual([
      ["UNKNOWN_ACTION_TYPE", "actions[0].type", expect.stringContaining('(did you mean "Test Echo"?)')],
      ["UNKNOWN_INPUT", "actions[1].inputs.Txt", expect.stringContaining('(did you mean "Text"?)')],
      ["MANDATORY_INPUT_MISSING", "actions[2].inputs", expect.stringContaining('"Failures"')],
    ]);
  });

  test("literal values are converted statically, so a wrong type fails before running", () => {
    const result = inspect({ name: "x", actions: [echo("A", { Count: "many", Flag: "perhaps", Mode: "Medium", Pairs: "a=1\nnoequals" })] });
    expect(result.problems.map((p) => [p.path, p.code])).toEqual([
      ["actions[0].inputs.Count", "INPUT_CONVERSION"],
      ["actions[0].inputs.Flag", "INPUT_CONVERSION"],
      ["actions[0].inputs.Mode", "INPUT_CONVERSION"],
      ["actions[0].inputs.Pairs", "INPUT_CONVERSION"],
    ]);
    expect(result.problems[3]?.message).toContain('Line 2 ("noequals") of the input "Pairs"');
  });

  test("formula problems carry the column, with the formula for the caret", () => {
    const result = inspect({
      name: "x",
      questions: { q1: { label: "Username", type: "text" }, q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } } },
      actions: [
        echo("A", { Text: "=Upper([q2])", Data: { g: "=[q37.Group]" } }),
        echo("B", { Text: "=Lowr([q1])", Mode: "=[C.Text]" }),
        echo("C", { Text: "=[A.Txt]" }),
      ],
    });
    expect(result.problems.map((p) => [p.code, p.path, p.column])).toEqual([
      ["UNKNOWN_REFERENCE", "actions[0].inputs.Text", 8],
      ["UNKNOWN_REFERENCE", "actions[0].inputs.Data.g", 2],
      ["UNKNOWN_FUNCTION", "actions[1].inputs.Text", 2],
      ["FORWARD_REFERENCE", "actions[1].inputs.Mode", 2],
      ["UNKNOWN_REFERENCE", "actions[2].inputs.Text", 2],
    ]);
    expect(result.problems[0]?.source).toBe("=Upper([q2])");
    expect(result.problems[1]?.message).toContain('has no field "Group" (did you mean "GroupName"?)');
    expect(result.problems[4]?.message).toContain('has no output "Txt" (did you mean "Text"?)');
  });

  test("loadPipeline throws one error listing every problem", async () => {
    const file = tempFile("x.pipeline.json", JSON.stringify({ name: "x", actions: [echo("A", { Text: "=Upper(" }), echo("A")] }));
    const error = await loadPipeline(file, { displayName: "x.pipeline.json" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineInvalidError);
    expect((error as PipelineInvalidError).problems.map((p) => p.code)).toEqual(expect.arrayContaining(["FORMULA_SYNTAX", "DUPLICATE_NAME"]));
  });
});

describe("warnings about formulas that splice answers", () => {
  test("a URL or header lines built by a formula are warned about, an encoded or object form is not", () => {
    const result = inspect({
      name: "x",
      questions: { q1: { label: "User", type: "text" } },
      actions: [
        { name: "A", type: "Send to REST Service", inputs: { URL: '="https://h/users/" & [q1]', "Custom Headers": '="X-User: " & [q1]' } },
        { name: "B", type: "Send to REST Service", inputs: { URL: '="https://h/users/" & UrlEncode([q1])', "Custom Headers": { "X-User": "=[q1]" } } },
        { name: "C", type: "Send to REST Service", inputs: { URL: "https://h/users/{{q1}}" } },
      ],
    });
    expect(result.problems.map((p) => [p.severity, p.code, p.path])).toEqual([
      ["warning", "URL_NOT_ENCODED", "actions[0].inputs.URL"],
      ["warning", "LINES_NOT_SEPARATED", 'actions[0].inputs["Custom Headers"]'],
    ]);
  });
});

test("each question type has its own parts: options for choices, fields for repeats; all reported at once", () => {
  const result = inspect({
    name: "q",
    questions: {
      c: { label: "Colour", type: "choice" },
      m: { label: "Tags", type: "multichoice", options: ["a", "b"] },
      r: { label: "Groups", type: "repeat" },
      e: { label: "Empty rows", type: "repeat", fields: {} },
      t: { label: "Name", type: "text", options: ["x"], format: "email" },
      n: { label: "Age", type: "number", fields: { a: "text" }, format: "email" },
    },
    actions: [],
  });
  expect(result.problems.map((problem) => [problem.path, problem.code, problem.message])).toEqual([
    ["questions.c", "SCHEMA_VIOLATION", 'a choice question needs "options": the answers it allows'],
    ["questions.r", "SCHEMA_VIOLATION", 'a repeat question needs "fields": the fields of each row, such as { "GroupName": "text" }'],
    ["questions.e", "SCHEMA_VIOLATION", 'a repeat question needs "fields": the fields of each row, such as { "GroupName": "text" }'],
    ["questions.t.options", "SCHEMA_VIOLATION", '"options" is for choice and multichoice questions; t is a text question'],
    ["questions.n.fields", "SCHEMA_VIOLATION", '"fields" is for repeat questions; n is a number question'],
    ["questions.n.format", "SCHEMA_VIOLATION", '"format": "email" applies to text questions only, and n is a number question; remove the format or make it a text question'],
  ]);
});
