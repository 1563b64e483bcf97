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
