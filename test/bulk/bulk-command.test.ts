import { existsSync } from "node:fs";
import { openDirectory } from "../../runtime/directory";
import { runCli } from "../../runtime/cli/program";
import type { BulkSummary } from "../../runtime/bulk";
import { bulk, readResults, userPipeline, workspace, type Workspace } from "./helpers";

async function addGroups(ws: Workspace, ...names: string[]): Promise<void> {
  for (const name of names) {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, readStdin: async () => "", env: ws.env, cwd: ws.dir };
    expect(await runCli(["directory", "groups", "add", name], io)).toBe(0);
  }
}

function directoryOf(ws: Workspace) {
  return openDirectory({ env: ws.env, cwd: ws.dir }).directory;
}

describe("siq bulk", () => {
  test("creates one user per CSV row, repeat columns included, and writes each row's result once", async () => {
    const ws = workspace();
    await addGroups(ws, "Sales", "Support");
    const pipeline = ws.file("users.pipeline.json", userPipeline(false));
    ws.file("users.csv", "q1,q2,q37.GroupName\njdoe,jdoe@example.com,Sales|Support\n\"ann\",ann@example.com,Support\nbob,,\n");

    const run = await bulk(ws, [pipeline, "--rows", "users.csv", "--json"]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as BulkSummary;
    expect(summary).toMatchObject({ status: "succeeded", rows: 3, succeeded: 3, failed: 0, invalid: 0, alreadyDone: 0, ran: 3, results: ws.path("users.csv.results.jsonl") });

    const results = readResults(ws.path("users.csv.results.jsonl")).sort((a, b) => a.row - b.row);
    expect(results.map((r) => [r.row, r.line, r.status, r.outputs?.["Create User"]?.Username])).toEqual([
      [1, 2, "succeeded", "jdoe"],
      [2, 3, "succeeded", "ann"],
      [3, 4, "succeeded", "bob"],
    ]);
    expect(results[0]?.outputs?.["Create User"]).toEqual({
      "Existing User Updated": false,
      Password: "",
      "User Guid": expect.stringMatching(/^[0-9a-f-]{36}$/),
      "User ID": expect.any(Number),
      Username: "jdoe",
    });

    const directory = directoryOf(ws);
    try {
      expect(directory.getUser("jdoe")?.groups).toEqual(["Sales", "Support"]);
      expect(directory.getUser("ann")?.groups).toEqual(["Support"]);
      expect(directory.getUser("bob")?.groups).toEqual([]);
    } finally {
      directory.close();
    }
  });

  test("runs through the same runtime as siq run: SmartIQ API reaches the in-process embedded host", async () => {
    const ws = workspace();
    const pipeline = ws.file(
      "api.pipeline.json",
      JSON.stringify({
        name: "Create and read back",
        questions: { q1: { label: "Username", type: "text", required: true }, q2: { label: "Email", type: "text" } },
        actions: [
          { name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", Email: "=[q2]", "Update Existing User": true } },
          { name: "Read Back", type: "SmartIQ API", inputs: { URL: "/api/v1/admin/users/name/{{q1}}", "HTTP Method": "GET", "Output Path": "$.email" } },
        ],
      }),
    );
    ws.file("users.csv", "q1,q2\nann,ann@example.com\nbob,bob@example.com\n");
    const run = await bulk(ws, [pipeline, "--rows", "users.csv"]);
    expect(run.code).toBe(0);
    const results = readResults(ws.path("users.csv.results.jsonl")).sort((a, b) => a.row - b.row);
    expect(results.map((r) => r.outputs?.["Read Back"]?.["Output Path Data"])).toEqual(["ann@example.com", "bob@example.com"]);
  });

  test("JSON Lines rows: one answers object per line", async () => {
    const ws = workspace();
    const pipeline = ws.file("users.pipeline.json", userPipeline(false));
    ws.file("users.jsonl", '{"q1":"jdoe","q3":12}\n\n{"q1":"ann","q37":[]}\n');
    const run = await bulk(ws, [pipeline, "--rows", "users.jsonl", "--results", "out/../done.jsonl"]);
    expect(run.code).toBe(0);
    const results = readResults(ws.path("done.jsonl")).sort((a, b) => a.row - b.row);
    expect(results.map((r) => [r.row, r.line, r.status])).toEqual([
      [1, 1, "succeeded"],
      [2, 3, "succeeded"],
    ]);
    expect(existsSync(ws.path("done.jsonl.journal"))).toBe(true);
  });

  test("a bad row is reported with its line, column and question, recorded as invalid, and the others still run (exit 2)", async () => {
    const ws = workspace();
    const pipeline = ws.file("users.pipeline.json", userPipeline(false));
    ws.file("users.csv", 'q1,q3,q2\njdoe,12,a@example.com\nann,twelve,b@example.com\n"bob\n",1\n,3,c@example.com\ncarl,4,d@example.com\n');

    const run = await bulk(ws, [pipeline, "--rows", "users.csv"]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        "users.csv:line 3:2: row 2: q3 (Age): expects a number such as 12 or 3.5",
        "users.csv:line 4:0: row 3: the row has 2 cells but the header has 3 columns",
        "users.csv:line 6:1: row 4: q1 (Username) is required but has no answer",
      ]),
    );
    const results = readResults(ws.path("users.csv.results.jsonl")).sort((a, b) => a.row - b.row);
    expect(results.map((r) => [r.row, r.line, r.status, r.error?.question])).toEqual([
      [1, 2, "succeeded", undefined],
      [2, 3, "invalid", "q3"],
      [3, 4, "invalid", undefined],
      [4, 6, "invalid", "q1"],
      [5, 7, "succeeded", undefined],
    ]);
    expect(run.stdout).toMatch(/✖ bulk: 5 rows in .*: 2 succeeded, 3 invalid\./);
  });

  test("a failed row is recorded with the action and code that stopped it (exit 1)", async () => {
    const ws = workspace();
    await addGroups(ws, "Sales");
    const pipeline = ws.file("users.pipeline.json", userPipeline(false));
    ws.file("users.csv", "q1,q37.GroupName\njdoe,Sales\nann,Salse\n");
    const run = await bulk(ws, [pipeline, "--rows", "users.csv"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('users.csv:line 3:0: row 2: "Create User" failed: UNKNOWN_GROUP: The group "Salse"');
    const failed = readResults(ws.path("users.csv.results.jsonl")).find((r) => r.row === 2);
    expect(failed).toMatchObject({ status: "failed", error: { code: "UNKNOWN_GROUP", action: "Create User" } });
    expect(failed?.outputs).toBeUndefined();
  });

  test("progress: plain lines when standard error is not a terminal, and a bar redrawn in place on one", async () => {
    const ws = workspace();
    const pipeline = ws.file("users.pipeline.json", userPipeline(true));
    ws.file("users.csv", "q1\njdoe\n");
    const plain = await bulk(ws, [pipeline, "--rows", "users.csv"]);
    expect(plain.stderr).not.toContain("\r");
    const tty = await bulk(ws, [pipeline, "--rows", "users.csv", "--restart"], { tty: true });
    const ESC = String.fromCharCode(27);
    expect(tty.stderr.startsWith(`\r${ESC}[2K[`)).toBe(true);
    expect(tty.stderr).toMatch(/\[[█░]+\] 100% 1 rows · [01] succeeded, 0 failed, 0 invalid · /);
    expect(tty.stderr.endsWith(`\r${ESC}[2K`)).toBe(true);
  });

  test("Ctrl-C: stops taking rows, finishes the one in flight, exits 130; the same command resumes", async () => {
    const ws = workspace();
    const pipeline = ws.file("users.pipeline.json", userPipeline(false));
    ws.file("users.csv", "q1\nuser0\nuser1\nuser2\nuser3\n");
    const controller = new AbortController();
    // The first progress draw comes once the first row has started: interrupt there.
    const stopped = await bulk(ws, [pipeline, "--rows", "users.csv", "--concurrency", "2"], {
      tty: true,
      signal: controller.signal,
      onStderr: () => controller.abort(new Error("interrupted")),
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/■ bulk stopped after 1 rows in .*: 1 succeeded\./);
    expect(stopped.stdout).toContain("Run the same command again to resume");
    expect(readResults(ws.path("users.csv.results.jsonl")).map((r) => [r.row, r.status])).toEqual([[1, "succeeded"]]);

    const resumed = await bulk(ws, [pipeline, "--rows", "users.csv", "--json"]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "succeeded", rows: 4, succeeded: 4, alreadyDone: 1, ran: 3 });
    const directory = directoryOf(ws);
    try {
      expect(directory.listUsers().items.map((u) => u.username)).toEqual(["admin", "user0", "user1", "user2", "user3"]);
    } finally {
      directory.close();
    }
  });

  describe("refuses before running anything (exit 2)", () => {
    test("an invalid pipeline, with problem lines as siq run prints them", async () => {
      const ws = workspace();
      const pipeline = ws.file("bad.pipeline.json", JSON.stringify({ name: "Bad", questions: {}, actions: [{ name: "X", type: "SmartIQ User", inputs: { "Preferred Username": "=[q9]" } }] }));
      ws.file("users.csv", "q1\njdoe\n");
      const run = await bulk(ws, [pipeline, "--rows", "users.csv", "--json"]);
      expect(run.code).toBe(2);
      const output = JSON.parse(run.stdout) as { status: string; problems: Array<{ code: string }> };
      expect(output.status).toBe("invalid");
      expect(output.problems.map((p) => p.code)).toEqual(expect.arrayContaining(["UNKNOWN_REFERENCE", "MANDATORY_INPUT_MISSING"]));
      expect(existsSync(ws.path("users.csv.results.jsonl"))).toBe(false);
    });

    test("a header naming no question: a problem line at line 1 and the column", async () => {
      const ws = workspace();
      const pipeline = ws.file("users.pipeline.json", userPipeline(false));
      ws.file("users.csv", "q1,q2,age\njdoe,,3\n");
      const run = await bulk(ws, [pipeline, "--rows", "users.csv"]);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('users.csv:line 1:3: "age" is not a question of this pipeline');
      expect(existsSync(ws.path("users.csv.results.jsonl"))).toBe(false);
      expect(existsSync(ws.path("users.csv.results.jsonl.journal"))).toBe(false);
    });

    test("a CSV syntax error: the rows before it run, then the error is reported at its line", async () => {
      const ws = workspace();
      const pipeline = ws.file("users.pipeline.json", userPipeline(false));
      ws.file("users.csv", 'q1,q2\njdoe,a@example.com\nann,"b@example.com"x\ncarl,c@example.com\n');
      const run = await bulk(ws, [pipeline, "--rows", "users.csv", "--json"]);
      expect(run.code).toBe(2);
      const output = JSON.parse(run.stdout) as { status: string; problems: Array<{ path: string; code: string }>; summary: BulkSummary };
      expect(output.problems).toEqual([expect.objectContaining({ path: "line 3", code: "ROWS_INVALID" })]);
      expect(output.summary).toMatchObject({ rows: 1, succeeded: 1 });
      expect(readResults(ws.path("users.csv.results.jsonl")).map((r) => r.row)).toEqual([1]);
    });

    test.each([
      { name: "a running user who does not exist", args: ["--user", "nobody"], code: "USER_NOT_FOUND" },
      { name: "a concurrency of 0", args: ["--concurrency", "0"], code: "USAGE" },
      { name: "a rows file that is not .csv or .jsonl", args: ["--rows", "users.txt"], code: "USAGE" },
      { name: "a rows file that does not exist", args: ["--rows", "missing.csv"], code: "FILE_NOT_FOUND" },
    ])("$name", async ({ args, code }) => {
      const ws = workspace();
      const pipeline = ws.file("users.pipeline.json", userPipeline(false));
      ws.file("users.csv", "q1\njdoe\n");
      ws.file("users.txt", "q1\njdoe\n");
      const run = await bulk(ws, [pipeline, "--rows", "users.csv", ...args, "--json"]);
      expect(run.code).toBe(2);
      expect((JSON.parse(run.stdout) as { problems: Array<{ code: string }> }).problems[0]?.code).toBe(code);
      expect(existsSync(ws.path("users.csv.results.jsonl"))).toBe(false);
    });

    test("a results file that exists without a journal (--restart overwrites it)", async () => {
      const ws = workspace();
      const pipeline = ws.file("users.pipeline.json", userPipeline(false));
      ws.file("users.csv", "q1\njdoe\n");
      ws.file("users.csv.results.jsonl", '{"row":1}\n');
      const refused = await bulk(ws, [pipeline, "--rows", "users.csv", "--json"]);
      expect(refused.code).toBe(2);
      expect((JSON.parse(refused.stdout) as { problems: Array<{ code: string }> }).problems[0]?.code).toBe("BULK_RESULTS_EXISTS");
      const restarted = await bulk(ws, [pipeline, "--rows", "users.csv", "--restart"]);
      expect(restarted.code).toBe(0);
      expect(readResults(ws.path("users.csv.results.jsonl")).map((r) => r.status)).toEqual(["succeeded"]);
    });
  });
});
