/** The shipped examples: they validate, and they run offline as the README says (the onboarding one twice). */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDirectory } from "../../runtime/directory";
import type { RunResult } from "../../runtime/engine/result";
import { siq } from "../helpers/cli";
import { TEST_ADMIN_PASSWORD } from "../helpers/test-directory";

const examples = join(__dirname, "..", "..", "examples");
let data: string;
let env: Record<string, string>;

beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), "siq-examples-"));
  env = { SIQ_DATA_DIR: data, SIQ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD };
});
afterEach(() => rmSync(data, { recursive: true, force: true }));

async function run(name: string, ...extra: string[]): Promise<{ code: number; result: RunResult }> {
  const answers = join(examples, `${name}.answers.json`);
  const out = await siq(["run", join(examples, `${name}.pipeline.json`), "--answers", answers, "--json", ...extra], { env });
  return { code: out.code, result: JSON.parse(out.stdout) as RunResult };
}

test("every example validates, says what it shows, and has an answers file", async () => {
  const files = readdirSync(examples).filter((file) => file.endsWith(".pipeline.json"));
  expect(files.length).toBeGreaterThanOrEqual(4);
  const result = await siq(["validate", ...files.map((file) => join(examples, file))]);
  expect(result.stdout).not.toContain("error");
  expect(result.code).toBe(0);
  for (const file of files) {
    const pipeline = JSON.parse(readFileSync(join(examples, file), "utf8")) as { description?: string };
    expect([file, (pipeline.description ?? "").length > 40]).toEqual([file, true]);
    expect(() => readFileSync(join(examples, file.replace(".pipeline.json", ".answers.json")))).not.toThrow();
  }
});

test("the onboarding example succeeds on a fresh directory and again on a second run, which updates the user", async () => {
  const first = await run("onboard");
  expect(first.code).toBe(0);
  expect(first.result.actions.map((a) => [a.name, a.status])).toEqual([
    ["Ensure Groups", "succeeded"],
    ["Create User", "succeeded"],
    ["Read Back", "succeeded"],
    ["Notify HR", "succeeded"],
  ]);
  expect(first.result.actions[0]?.outputs?.["Output Path Data"]).toEqual(["Sales", "Support"]);
  expect(first.result.actions[1]?.outputs?.["Existing User Updated"]).toBe(false);
  expect(first.result.actions[2]?.outputs?.["Output Path Data"]).toBe("jdoe@example.com");
  expect(first.result.actions[3]?.outputs?.["HTTP Status"]).toBe(201);

  const second = await run("onboard");
  expect(second.code).toBe(0);
  expect(second.result.actions.every((a) => a.status === "succeeded")).toBe(true);
  expect(second.result.actions[0]?.outputs?.Response).toBe('{"created":[],"existing":["Sales","Support"]}');
  expect(second.result.actions[1]?.outputs?.["Existing User Updated"]).toBe(true);

  const { directory } = openDirectory({ dataDir: data, env: {} });
  try {
    expect(directory.getUser("jdoe")).toMatchObject({ firstName: "Jane", email: "jdoe@example.com", groups: ["Sales", "Support"], customFields: { "Start Date": "2026-12-01" } });
    expect(directory.listUsers().total).toBe(2);
    // The host audited the impersonated read with both names.
    const audit = directory.listAudit({ top: 1000 }).items;
    expect(audit.filter((r) => r.event === "host.request" && r.user === "admin" && r.asUser === "jdoe" && r.status === 200)).toHaveLength(2);
  } finally {
    directory.close();
  }
});

test("the formula tour computes its values", async () => {
  const { code, result } = await run("formulas");
  expect(code).toBe(0);
  expect(result.actions[1]?.outputs?.["Output Path Data"]).toMatchObject({
    username: "jane.doe",
    initial: "J",
    probationEnds: "28 February 2027",
    startYear: 2026,
    band: "Senior",
    equipment: "Laptop, Monitor, Headset",
    equipmentCount: 3,
    equipmentTotal: 2718.45,
    mostExpensive: 2199.95,
    quoted: '"Jane Doe"',
  });
});

test("the REST example sends its ticket and pages through every user, one per page", async () => {
  const { directory } = openDirectory({ dataDir: data, env });
  for (const username of ["ann", "bob", "cy"]) directory.createUser({ username });
  directory.close();
  const { code, result } = await run("rest-with-schema");
  expect(code).toBe(0);
  expect(result.actions[0]?.outputs?.["HTTP Status"]).toBe(201);
  expect(result.actions[1]?.outputs?.["Output Path Data"]).toEqual(["admin", "ann", "bob", "cy"]);
});

test("the dry-run example changes nothing with --dry-run", async () => {
  const { code, result } = await run("dry-run", "--dry-run");
  expect(code).toBe(0);
  expect(result.actions.map((a) => a.status)).toEqual(["succeeded", "succeeded"]);
  const { directory } = openDirectory({ dataDir: data, env: {} });
  try {
    expect(directory.findUser("asmith")).toBeUndefined();
  } finally {
    directory.close();
  }
});

test("the onboarding example with --dry-run shows every action's request, changes nothing, audit log included", async () => {
  // A first real run creates the directory (and admin); the dry run must then leave it byte for byte.
  await siq(["directory", "users", "list"], { env });
  const { directory: before } = openDirectory({ dataDir: data, env: {} });
  const dumpBefore = before.dump();
  before.close();

  const out = await siq(["run", join(examples, "onboard.pipeline.json"), "--answers", join(examples, "onboard.answers.json"), "--dry-run"], { env });
  expect(out.code).toBe(0);
  for (const action of ["Ensure Groups", "Read Back", "Notify HR"]) expect(out.stdout).toContain(`# ${action}`);
  // Read Back impersonates the user Create User would create: the dry run says so instead of failing.
  expect(out.stdout).toMatch(/no user "jdoe" is in the directory yet/);

  const { directory: after } = openDirectory({ dataDir: data, env: {} });
  try {
    expect(after.dump()).toEqual(dumpBefore);
  } finally {
    after.close();
  }
});
