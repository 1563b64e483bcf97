import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { siq } from "../helpers/cli";

const pipeline = {
  name: "Make a user",
  questions: { q1: { label: "Username", type: "text" } },
  actions: [{ name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", "Update Existing User": false } }],
};

function spec(name: string, existing: boolean): object {
  return { name, pipeline, answers: { q1: "jdoe" }, expect: { actions: { "Create User": { outputs: { "Existing User Updated": existing } } } } };
}

/** A folder with specs: `passing` and `failing` name how many of each; `invalid` adds one broken spec. */
function specFolder(options: { passing: number; failing?: number; invalid?: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), "siq-specs-"));
  mkdirSync(join(dir, "nested", "node_modules"), { recursive: true });
  for (let i = 0; i < options.passing; i++) writeFileSync(join(dir, i === 0 ? "a.spec.json" : join("nested", `p${i}.spec.json`)), JSON.stringify(spec(`passes ${i}`, false)));
  for (let i = 0; i < (options.failing ?? 0); i++) writeFileSync(join(dir, `f${i}.spec.json`), JSON.stringify(spec(`fails ${i}`, true)));
  if (options.invalid) writeFileSync(join(dir, "z.spec.json"), JSON.stringify({ name: "broken", pipeline, expect: { status: "done" } }));
  // Never picked up: not a spec name, and inside node_modules.
  writeFileSync(join(dir, "notes.json"), "{}");
  writeFileSync(join(dir, "nested", "node_modules", "dep.spec.json"), "not json");
  return dir;
}

describe("siq test", () => {
  test("siq test examples/ passes: every example pipeline's specs", async () => {
    const root = join(__dirname, "..", "..");
    const count = readdirSync(join(root, "examples")).filter((name) => name.endsWith(".spec.json")).length;
    const run = await siq(["test", "examples/"], { cwd: root });
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(`${count} passed, 0 failed`);
    expect(run.code).toBe(0);
    expect(count).toBeGreaterThanOrEqual(4);
  });

  test("runs every spec under the current folder: a line each and a summary; exit 0", async () => {
    const dir = specFolder({ passing: 2 });
    const run = await siq(["test"], { cwd: dir });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^✔ passes 0 a\.spec\.json \(\d+ ms\)$/);
    expect(lines[1]).toMatch(/^✔ passes 1 nested\/p1\.spec\.json \(\d+ ms\)$/);
    expect(lines[2]).toBe("2 passed, 0 failed");
  });

  test("a failing spec shows its differences and exits 1", async () => {
    const dir = specFolder({ passing: 1, failing: 1 });
    const run = await siq(["test", dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✖ fails 0 ");
    expect(run.stdout).toContain('    actions["Create User"].outputs["Existing User Updated"]: expected true, got false\n');
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 1 failed");
  });

  test("an invalid spec is reported as problem lines and exits 2, after the others ran", async () => {
    const dir = specFolder({ passing: 1, failing: 1, invalid: true });
    const run = await siq(["test", "."], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('z.spec.json:expect.status:0: must be "succeeded"');
    expect(run.stdout).toContain("✖ z.spec.json is not a valid spec");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 1 failed, 1 invalid");
  });

  test("--json prints the counts, each spec and the problems", async () => {
    const dir = specFolder({ passing: 1, failing: 1, invalid: true });
    const run = await siq(["test", "--json"], { cwd: dir });
    expect(run.code).toBe(2);
    const output = JSON.parse(run.stdout) as { status: string; passed: number; failed: number; invalid: number; specs: Array<Record<string, unknown>>; problems: Array<Record<string, unknown>> };
    expect(output).toMatchObject({ status: "invalid", passed: 1, failed: 1, invalid: 1 });
    expect(output.specs.map((s) => [s.file, s.status])).toEqual([
      ["a.spec.json", "passed"],
      ["f0.spec.json", "failed"],
      ["z.spec.json", "invalid"],
    ]);
    expect(output.specs[1]?.failures).toEqual([{ path: 'actions["Create User"].outputs["Existing User Updated"]', message: "expected true, got false" }]);
    expect(output.specs[1]?.run).toMatchObject({ status: "succeeded" });
    expect(output.problems[0]).toMatchObject({ file: "z.spec.json", path: "expect.status", code: "SCHEMA_VIOLATION" });
  });

  test("a single file can be named; a missing one or a folder without specs exits 2", async () => {
    const dir = specFolder({ passing: 1, failing: 1 });
    expect((await siq(["test", "a.spec.json"], { cwd: dir })).code).toBe(0);
    const missing = await siq(["test", "nope.spec.json"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("nope.spec.json does not exist");
    const empty = await siq(["test"], { cwd: mkdtempSync(join(tmpdir(), "siq-empty-")) });
    expect(empty.code).toBe(2);
    expect(empty.stdout).toContain("no *.spec.json files found in the current folder");
  });
});
