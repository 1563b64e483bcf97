import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { directoryCommand } from "../../runtime/cli/directory-command";
import { openDirectory } from "../../runtime/directory";
import { SiqError } from "../../runtime/errors";

let dataDir: string;
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "siq-directory-cli-"));
  dataDir = join(cwd, "data");
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

interface Ran {
  stdout: string;
  stderr: string;
  error?: unknown;
}

async function siqDirectory(args: string[], env: Record<string, string> = { SIQ_ADMIN_PASSWORD: "Cli-Admin-Pass1" }): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const command = directoryCommand({ stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd });
  try {
    await command.parseAsync(args, { from: "user" });
    return { stdout, stderr };
  } catch (error) {
    return { stdout, stderr, error };
  }
}

function seed(): void {
  const { directory } = openDirectory({ dataDir, env: { SIQ_ADMIN_PASSWORD: "Cli-Admin-Pass1" } });
  directory.addRole({ name: "Helpdesk", permissions: ["Impersonate"] });
  directory.addGroup({ name: "Sales", roles: ["Helpdesk"] });
  directory.createUser({ username: "jdoe", firstName: "Jane", lastName: "Doe", email: "jdoe@example.com", groups: ["Sales"], customFields: { Dept: "R&D" } });
  directory.close();
}

describe("first use", () => {
  test("creates the directory under SIQ_DATA_DIR and prints a generated admin password once, on stderr", async () => {
    const first = await siqDirectory(["users", "--json"], { SIQ_DATA_DIR: dataDir });
    expect(first.error).toBeUndefined();
    const password = /The password of the user "admin" is: (\S+)/.exec(first.stderr)?.[1] ?? "";
    expect(password).toHaveLength(16);
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 1, items: [{ username: "admin" }] });
    const { directory } = openDirectory({ dataDir, env: {} });
    expect(await directory.verifyPassword("admin", password)).toBeDefined();
    directory.close();

    const second = await siqDirectory(["users"], { SIQ_DATA_DIR: dataDir });
    expect(second.stderr).toBe("");
  });

  test("defaults to ./.siq under the working folder", async () => {
    await siqDirectory(["groups", "list"], {});
    const { directory } = openDirectory({ env: {}, cwd });
    expect(directory.file).toBe(join(cwd, ".siq", "directory.sqlite"));
    expect(directory.getGroup("Administrators")).toBeDefined();
    directory.close();
  });
});

describe("users", () => {
  beforeEach(seed);

  test.each([[["users"]], [["users", "list"]], [["--data", "DATA", "users", "list"]]])("%j lists users as a table", async (args) => {
    const { stdout, error } = await siqDirectory(args.map((a) => (a === "DATA" ? dataDir : a)).concat(args.includes("--data") ? [] : ["--data", dataDir]));
    expect(error).toBeUndefined();
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+USERNAME\s+NAME\s+EMAIL\s+GROUPS\s+STATUS$/);
    expect(lines[1]).toMatch(/^1\s+admin\s+Administrator\s+Administrators\s+enabled$/);
    expect(lines[2]).toMatch(/^2\s+jdoe\s+Jane Doe\s+jdoe@example\.com\s+Sales\s+enabled$/);
    expect(lines[3]).toBe("2 users.");
  });

  test("list pages with --skip and --top", async () => {
    const { stdout } = await siqDirectory(["users", "list", "--top", "1", "--data", dataDir]);
    expect(stdout).toContain("1-1 of 2 users. Use --skip 1 for more.");
    const json = await siqDirectory(["users", "list", "--skip", "1", "--json", "--data", dataDir]);
    expect(JSON.parse(json.stdout)).toMatchObject({ total: 2, skip: 1, items: [{ username: "jdoe" }] });
  });

  test("show NAME prints every field, ignoring case", async () => {
    const { stdout } = await siqDirectory(["users", "show", "JDOE", "--data", dataDir]);
    expect(stdout).toMatch(/^jdoe\n/);
    expect(stdout).toMatch(/Email\s+jdoe@example\.com/);
    expect(stdout).toMatch(/Groups\s+Sales/);
    expect(stdout).toMatch(/Password set\s+no/);
    expect(stdout).toMatch(/Custom fields\n\s+Dept\s+R&D/);
    const admin = await siqDirectory(["users", "show", "admin", "--data", dataDir]);
    expect(admin.stdout).toMatch(/^admin \(administrator\)\n/);
    expect(admin.stdout).toMatch(/Password set\s+yes/);
  });

  test("show --json gives the user, without any password hash", async () => {
    const { stdout } = await siqDirectory(["--json", "users", "show", "admin", "--data", dataDir]);
    const user = JSON.parse(stdout) as Record<string, unknown>;
    expect(user).toMatchObject({ username: "admin", hasPassword: true, groups: ["Administrators"] });
    expect(stdout).not.toMatch(/scrypt\$/);
  });

  test("show of an unknown user fails with UNKNOWN_USER", async () => {
    const { error, stdout } = await siqDirectory(["users", "show", "ghost", "--data", dataDir]);
    expect(error).toBeInstanceOf(SiqError);
    expect(error).toMatchObject({ code: "UNKNOWN_USER" });
    expect(stdout).toBe("");
  });
});

describe("groups and roles", () => {
  beforeEach(seed);

  test("groups list shows flags, roles and member counts", async () => {
    const { stdout } = await siqDirectory(["groups", "list", "--data", dataDir]);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ADMINISTRATORS\s+ROLES\s+MEMBERS$/);
    expect(lines[1]).toMatch(/^1\s+Administrators\s+yes\s+Administrator\s+1$/);
    expect(lines[2]).toMatch(/^2\s+Sales\s+no\s+Helpdesk\s+1$/);
  });

  test("groups add NAME --admin --role R --role S", async () => {
    await siqDirectory(["roles", "add", "Auditors", "--permission", "ManageUsers", "--data", dataDir]);
    const { stdout, error } = await siqDirectory(["groups", "add", "Ops", "--admin", "--role", "Helpdesk", "--role", "auditors", "--data", dataDir]);
    expect(error).toBeUndefined();
    expect(stdout).toBe("Added the group Ops (ID 3): administrators; roles Auditors, Helpdesk.\n");
    const json = await siqDirectory(["groups", "list", "--json", "--data", dataDir]);
    // Groups list by name, ignoring case.
    expect((JSON.parse(json.stdout) as { items: unknown[] }).items[1]).toMatchObject({ name: "Ops", administrators: true, roles: ["Auditors", "Helpdesk"] });
  });

  test("groups add without --admin makes an ordinary group; --json prints it", async () => {
    const { stdout } = await siqDirectory(["groups", "add", "Support", "--json", "--data", dataDir]);
    expect(JSON.parse(stdout)).toMatchObject({ name: "Support", administrators: false, roles: [], memberCount: 0 });
  });

  test("roles add NAME --permission P ... accepts both repeated and listed permissions, in any case", async () => {
    const listed = await siqDirectory(["roles", "add", "Both", "--permission", "impersonate", "MANAGEUSERS", "--json", "--data", dataDir]);
    expect(JSON.parse(listed.stdout)).toMatchObject({ name: "Both", permissions: ["Impersonate", "ManageUsers"] });
    const repeated = await siqDirectory(["roles", "add", "Again", "--permission", "Impersonate", "--permission", "ManageUsers", "--data", dataDir]);
    expect(repeated.stdout).toBe("Added the role Again (ID 4) with Impersonate, ManageUsers.\n");
    const { stdout } = await siqDirectory(["roles", "list", "--data", dataDir]);
    expect(stdout.trimEnd().split("\n").map((line) => line.split(/\s{2,}/))).toEqual([
      ["ID", "NAME", "PERMISSIONS"],
      ["1", "Administrator", "Impersonate, ManageUsers"],
      ["4", "Again", "Impersonate, ManageUsers"],
      ["3", "Both", "Impersonate, ManageUsers"],
      ["2", "Helpdesk", "Impersonate"],
    ]);
  });

  test.each([
    [["groups", "add", "sales"], "GROUP_EXISTS"],
    [["groups", "add", "New", "--role", "Nope"], "UNKNOWN_ROLE"],
    [["groups", "add", " padded"], "INVALID_NAME"],
    [["roles", "add", "R", "--permission", "FlyPlanes"], "INVALID_PERMISSION"],
    [["roles", "add", "helpdesk", "--permission", "Impersonate"], "ROLE_EXISTS"],
  ])("%j fails with %s and changes nothing", async (args, code) => {
    const { directory } = openDirectory({ dataDir, env: {} });
    const before = JSON.stringify(directory.dump());
    directory.close();
    const { error } = await siqDirectory([...args, "--data", dataDir]);
    expect(error).toMatchObject({ code });
    const after = openDirectory({ dataDir, env: {} }).directory;
    expect(JSON.stringify(after.dump())).toBe(before);
    after.close();
  });
});

describe("usage errors are CommanderErrors (exit 2 in the program) and never end the process", () => {
  test.each([
    [["groups", "add"], "commander.missingArgument"],
    [["roles", "add", "R"], "commander.missingMandatoryOptionValue"],
    [["users", "list", "--top", "many"], "commander.invalidArgument"],
    [["users", "frobnicate"], "commander.excessArguments"],
    [["users", "--bogus"], "commander.unknownOption"],
  ])("%j", async (args, code) => {
    const { error, stderr } = await siqDirectory([...args, "--data", dataDir]);
    expect(error).toBeInstanceOf(CommanderError);
    expect(error).toMatchObject({ code });
    expect(stderr).toMatch(/error:/);
  });

  test("--help prints usage to stdout", async () => {
    const { error, stdout } = await siqDirectory(["--help"]);
    expect(error).toMatchObject({ code: "commander.helpDisplayed", exitCode: 0 });
    expect(stdout).toContain("users");
    expect(stdout).toContain("--data <dir>");
  });
});
