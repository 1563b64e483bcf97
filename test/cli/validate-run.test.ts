import { dirname, join } from "node:path";
import { siq } from "../helpers/cli";
import { tempFile } from "../helpers/pipelines";

const BROKEN = {
  name: "Broken",
  questions: { q1: { label: "Username", type: "text" } },
  connections: { crm: { baseUrl: "https://crm.example.com", auth: { type: "bearer", token: "${CRM_TOKEN}" } } },
  actions: [
    { name: "Tell", type: "Send to REST Service", inputs: { URL: "=Concat(\"/users/\", [q1]", Connection: "crm" } },
    { name: "Tell", type: "Send to REST Service", inputs: { URL: "/users" } },
  ],
};

describe("siq validate", () => {
  test("reports a formula syntax error, a duplicate name and a missing variable at once, exit 2", async () => {
    const file = tempFile("broken.pipeline.json", JSON.stringify(BROKEN, null, 2));
    const run = await siq(["validate", file]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split("\n").filter((line) => line.startsWith(file));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${escape(file)}:connections\\.crm\\.auth\\.token:1: the environment variable CRM_TOKEN is not set`)),
        expect.stringMatching(new RegExp(`^${escape(file)}:actions\\[1\\]\\.name:0: the action name "Tell" is already used`)),
        expect.stringMatching(new RegExp(`^${escape(file)}:actions\\[0\\]\\.inputs\\.URL:\\d+: `)),
      ]),
    );
  });

  test("--json prints { status: invalid, problems }", async () => {
    const file = tempFile("broken.pipeline.json", JSON.stringify(BROKEN));
    const run = await siq(["validate", file, "--json"]);
    expect(run.code).toBe(2);
    const output = JSON.parse(run.stdout) as { status: string; problems: Array<{ code: string }> };
    expect(output.status).toBe("invalid");
    expect(output.problems.map((p) => p.code)).toEqual(expect.arrayContaining(["ENV_VARIABLE_MISSING", "DUPLICATE_NAME", "FORMULA_SYNTAX"]));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("siq run", () => {
  const skipping = {
    name: "All skipped",
    questions: { q1: { label: "Go", type: "boolean" }, q2: { label: "Username", type: "text" } },
    actions: [
      { name: "First", type: "SmartIQ User", when: "=[q1]", inputs: { "Preferred Username": "=[q2]", "Update Existing User": true } },
      { name: "Second", type: "smartiq-user", when: "=[q1] and [First.Existing User Updated]", inputs: { "Preferred Username": "x", "Update Existing User": true } },
    ],
  };

  test("--json on a pipeline whose actions are all skipped prints a succeeded result", async () => {
    const file = tempFile("skip.pipeline.json", JSON.stringify(skipping));
    const run = await siq(["run", file, "--set", "q1=false", "--set", "q2=jdoe", "--json"], { env: { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" } });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; actions: Array<{ name: string; status: string }> };
    expect(result.status).toBe("succeeded");
    expect(result.actions).toEqual([
      { name: "First", type: "SmartIQ User", status: "skipped" },
      { name: "Second", type: "SmartIQ User", status: "skipped" },
    ]);
  });

  test("answers from standard input; bad answers exit 2 naming the question", async () => {
    const file = tempFile("skip.pipeline.json", JSON.stringify(skipping));
    const env = { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" };
    const ok = await siq(["run", file, "--answers", "-"], { env, stdin: '{ "q1": true, "q2": "jdoe" }' });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("✔ All skipped: succeeded");
    const bad = await siq(["run", file, "--answers", "-", "--json"], { env, stdin: '{ "q1": "perhaps" }' });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({
      status: "invalid",
      problems: [{ file: "<stdin>", path: "q1", column: 0, code: "ANSWERS_INVALID", message: "q1 (Go): expects true or false" }],
    });
  });

  test("an unknown running user is exit 2", async () => {
    const file = tempFile("skip.pipeline.json", JSON.stringify(skipping));
    const run = await siq(["run", file, "--user", "nobody"], { env: { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error USER_NOT_FOUND: The running user "nobody" does not exist');
  });
});
