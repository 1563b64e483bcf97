/**
 * The iQmetrix User Manager connector, run by the engine through real pipelines against the
 * stand-in: every documented operation, its documented errors, paging through every page by the
 * relative next links, and the bearer token (or OAuth secret) never shown.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JsonValue } from "../../runtime/values";
import type { StandIn } from "../stand-ins/stand-in-kit";
import { IQMETRIX_TEST_TOKEN, startIqmetrixStandIn, type IqmetrixState } from "../stand-ins/iqmetrix-user-manager";
import { runOne, runPipelineData, visibleText } from "./run-connector";

const COMPANY = 14146;
const OTHER_COMPANY = 2000;
const LOCATION = 14150;

let standIn: StandIn<IqmetrixState>;
let connections: Record<string, JsonValue>;

beforeEach(async () => {
  standIn = await startIqmetrixStandIn();
  standIn.state.addCompany(COMPANY);
  standIn.state.addCompany(OTHER_COMPANY);
  standIn.state.addLocation(LOCATION, COMPANY);
  connections = { iqmetrix: { baseUrl: standIn.url, auth: { type: "bearer", token: IQMETRIX_TEST_TOKEN } } };
});

afterEach(async () => {
  await standIn.close();
});

function addUsers(count: number, companyId = COMPANY): number[] {
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) {
    ids.push(standIn.state.addUser({ UserName: `user${i}`, Email: `user${i}@example.com`, FirstName: `First${i}`, LastName: `Last${i}`, ParentEntityId: companyId }).Id);
  }
  return ids;
}

const NEW_USER = {
  "User Name": "jdoe",
  Email: "jdoe@example.com",
  "First Name": "Jane",
  "Last Name": "Doe",
  "Company Id": COMPANY,
  Password: "Imp0rted-Secret!",
};

describe("Import User", () => {
  test("creates the User (201) and outputs it, typed", async () => {
    const run = await runOne(connections, "iQmetrix Import User", { ...NEW_USER, "Client User Id": "E-100", City: "Perth", "Phone Number": "5551234567", "Phone Type": "Work" });
    expect(run.status).toBe("succeeded");
    const id = run.outputs?.["User Id"];
    expect(typeof id).toBe("number");
    const stored = standIn.state.users.get(id as number);
    expect(stored?.user).toMatchObject({ UserName: "jdoe", ClientUserId: "E-100", ParentEntityId: COMPANY, Address: { City: "Perth", AddressLine1: "" }, PhoneNumbers: [{ Number: "5551234567", Type: "Work", Extension: "" }] });
    expect(stored?.password).toBe(NEW_USER.Password);
    expect(run.outputs).toMatchObject({ "HTTP Status": 201, Version: 1, "Is Active": true, "Company Id": COMPANY, City: "Perth", "Phone Number": "5551234567", "Client User Id": "E-100" });
    expect(run.outputs?.["User"]).toMatchObject({ Id: id, UserName: "jdoe" });
    expect(visibleText(run)).not.toContain(NEW_USER.Password);
  });

  test("sends inputs as typed members and leaves out what is blank (dry run shows the request)", async () => {
    const run = await runOne(connections, "iQmetrix Import User", { ...NEW_USER, "Company Id": "=14146", "Job Title": "" }, { dryRun: true });
    expect(run.status).toBe("succeeded");
    expect(run.outputs?.["HTTP Status"]).toBe(0);
    expect(standIn.state.users.size).toBe(0);
    const [request] = run.dryRuns;
    expect(request).toMatchObject({ method: "POST", url: `${standIn.url}/Users/importExisting`, headers: { Authorization: "Bearer ***", Accept: "application/json" } });
    const body = JSON.parse(request?.body ?? "") as Record<string, unknown>;
    // No Address, JobTitle, ClientUserId or PhoneNumbers: their inputs are blank; the number stays a number.
    expect(body).toEqual({ FirstName: "Jane", LastName: "Doe", UserName: "jdoe", Password: "***", Email: "jdoe@example.com", ParentEntityId: 14146 });
    expect(visibleText(run)).not.toContain(NEW_USER.Password);
    expect(visibleText(run)).not.toContain(IQMETRIX_TEST_TOKEN);
  });

  test.each([
    ["a taken user name (disabled users keep theirs)", () => standIn.state.addUser({ UserName: "JDOE", Email: "other@example.com", ParentEntityId: COMPANY, IsActive: false }), {}, "IQMETRIX_USER_EXISTS"],
    ["an unknown company", () => undefined, { "Company Id": 999 }, "IQMETRIX_ENTITY_NOT_FOUND"],
    ["a phone number too short (400 with the field at fault)", () => undefined, { "Phone Number": "123" }, "IQMETRIX_BAD_REQUEST"],
  ])("fails on %s", async (_name, arrange, extra, code) => {
    arrange();
    const run = await runOne(connections, "iQmetrix Import User", { ...NEW_USER, ...extra });
    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe(code);
    expect(visibleText(run)).not.toContain(NEW_USER.Password);
  });

  test("a Bad Request names the fields at fault, from ResponseStatus.Errors", async () => {
    const run = await runOne(connections, "iQmetrix Import User", { ...NEW_USER, "Phone Number": "123" });
    expect(run.error?.message).toContain("fields at fault: PhoneNumbers[0].Number");
    expect(run.error?.message).toContain("POST /v1/Users/importExisting");
  });
});

describe("Get User", () => {
  test("reads a User", async () => {
    const [id] = addUsers(1);
    const run = await runOne(connections, "iQmetrix Get User", { "User Id": id ?? 0 });
    expect(run.outputs).toMatchObject({ Found: true, "User Id": id, "User Name": "user1", Email: "user1@example.com", "HTTP Status": 200 });
  });

  test("404 User not found is IQMETRIX_USER_NOT_FOUND, naming the path", async () => {
    const run = await runOne(connections, "iQmetrix Get User", { "User Id": 4242 });
    expect(run.error).toEqual({ code: "IQMETRIX_USER_NOT_FOUND", message: "iQmetrix has no User at /v1/Users(4242): check the User Id." });
  });

  test("with Fail If Not Found false, a missing User is Found false, and the error body is not read as a User", async () => {
    const run = await runOne(connections, "iQmetrix Get User", { "User Id": 4242, "Fail If Not Found": false });
    expect(run.status).toBe("succeeded");
    expect(run.outputs).toMatchObject({ Found: false, "HTTP Status": 404, "User Id": null, "User Name": "", User: null });
  });

  test("a User Id that is not a number fails before anything is sent", async () => {
    const run = await runOne(connections, "iQmetrix Get User", { "User Id": '="1)/Locations("' });
    expect(run).toMatchObject({ status: "failed", error: { code: "INPUT_CONVERSION" } });
    expect(run.logs.some((line) => line.includes("http.request"))).toBe(false);
  });
});

describe("Update User", () => {
  const update = (id: number, version: number, extra: Record<string, JsonValue> = {}) =>
    runOne(connections, "iQmetrix Update User", {
      "User Id": id,
      Version: version,
      "User Name": "user1",
      Email: "renamed@example.com",
      "First Name": "Renamed",
      "Last Name": "Last1",
      "Company Id": COMPANY,
      ...extra,
    });

  test("replaces the User and raises its Version", async () => {
    const [id] = addUsers(1);
    const run = await update(id ?? 0, 1, { "Job Title": "Manager" });
    expect(run.outputs).toMatchObject({ Version: 2, Email: "renamed@example.com", "Job Title": "Manager", "HTTP Status": 200 });
    expect(standIn.state.users.get(id ?? 0)?.user).toMatchObject({ Email: "renamed@example.com", Version: 2 });
  });

  test("409 User version mismatch is IQMETRIX_VERSION_CONFLICT, naming the User and the Version read", async () => {
    const [id] = addUsers(1);
    await update(id ?? 0, 1);
    const run = await update(id ?? 0, 1);
    expect(run.error).toEqual({
      code: "IQMETRIX_VERSION_CONFLICT",
      message: `User ${id} was changed in iQmetrix after Version 1 was read: get the User again and retry with its current Version.`,
    });
  });

  test("409 Username and email already exist is IQMETRIX_USER_EXISTS", async () => {
    const [id] = addUsers(2);
    const run = await update(id ?? 0, 1, { Email: "user2@example.com" });
    expect(run.error?.code).toBe("IQMETRIX_USER_EXISTS");
  });

  test("404 for an unknown User", async () => {
    const run = await update(9999, 1);
    expect(run.error?.code).toBe("IQMETRIX_USER_NOT_FOUND");
  });
});

describe("Disable and Enable User", () => {
  test("disable, then enable, each raising Version", async () => {
    const [id] = addUsers(1);
    const run = await runPipelineData({
      connections,
      actions: [
        { name: "Disable", type: "iqmetrix-disable-user", inputs: { "User Id": id ?? 0 } },
        { name: "Enable", type: "iQmetrix Enable User", inputs: { "User Id": "=[Disable.User Id]" } },
      ],
    });
    expect(run.result.status).toBe("succeeded");
    expect(run.result.actions[0]?.outputs).toMatchObject({ "Is Active": false, Version: 2 });
    expect(run.result.actions[1]?.outputs).toMatchObject({ "Is Active": true, Version: 3 });
  });

  test("404 for an unknown User", async () => {
    const run = await runOne(connections, "iQmetrix Disable User", { "User Id": 31337 });
    expect(run.error?.code).toBe("IQMETRIX_USER_NOT_FOUND");
  });
});

describe("List Company Users", () => {
  test("follows the relative next links through every page", async () => {
    const ids = addUsers(12);
    addUsers(2, OTHER_COMPANY);
    const run = await runOne(connections, "iQmetrix List Company Users", { "Company Id": COMPANY, "Page Size": 5 });
    expect(run.status).toBe("succeeded");
    expect(run.outputs?.["User Ids"]).toEqual(ids);
    expect(run.outputs?.["User Names"]).toEqual(ids.map((_, i) => `user${i + 1}`));
    expect((run.outputs?.["Users"] as unknown[]).length).toBe(12);
    expect(run.outputs?.["Total Count"]).toBe(12);
    // Three pages: the first request, then the two relative next links resolved against the response URL.
    expect(run.logs.filter((line) => line.includes("http.request")).map((line) => /\$skip=(\d+)/.exec(line)?.[1])).toEqual(["0", "5", "10"]);
    expect(run.messages).toEqual([]);
  });

  test("stops at the text \"null\" that the seed's examples show for a missing link", async () => {
    await standIn.close();
    standIn = await startIqmetrixStandIn({ absentLink: "text" });
    standIn.state.addCompany(COMPANY);
    connections = { iqmetrix: { baseUrl: standIn.url, auth: { type: "bearer", token: IQMETRIX_TEST_TOKEN } } };
    const ids = addUsers(4);
    const run = await runOne(connections, "iQmetrix List Company Users", { "Company Id": COMPANY, "Page Size": 3 });
    expect(run.status).toBe("succeeded");
    expect(run.outputs?.["User Ids"]).toEqual(ids);
  });

  test("stops at Max Pages without failing, and says more may exist", async () => {
    const ids = addUsers(7);
    const run = await runOne(connections, "iQmetrix List Company Users", { "Company Id": COMPANY, "Page Size": 2, "Max Pages": 2 });
    expect(run.status).toBe("succeeded");
    expect(run.outputs?.["User Ids"]).toEqual(ids.slice(0, 4));
    expect(run.messages?.[0]).toMatch(/Stopped after 2 pages/);
  });

  test("starts at Skip", async () => {
    const ids = addUsers(5);
    const run = await runOne(connections, "iQmetrix List Company Users", { "Company Id": COMPANY, Skip: 3, "Page Size": 30 });
    expect(run.outputs?.["User Ids"]).toEqual(ids.slice(3));
  });

  test.each([
    ["a Page Size of 0", { "Page Size": 0 }, "'$top' should be within 1 to 100 range but was 0"],
    ["a Page Size of 101", { "Page Size": 101 }, "'$top' should be within 1 to 100 range but was 101"],
    ["a negative Skip", { Skip: -1 }, "'$skip' should be non-negative but was -1"],
  ])("400 range error for %s is IQMETRIX_OUT_OF_RANGE, quoting the vendor", async (_name, extra, said) => {
    const run = await runOne(connections, "iQmetrix List Company Users", { "Company Id": COMPANY, ...extra });
    expect(run.error?.code).toBe("IQMETRIX_OUT_OF_RANGE");
    expect(run.error?.message).toContain(said);
  });

  test("404 for an unknown company", async () => {
    const run = await runOne(connections, "iQmetrix List Company Users", { "Company Id": 1 });
    expect(run.error?.code).toBe("IQMETRIX_ENTITY_NOT_FOUND");
  });
});

describe("Search Users", () => {
  test("pages through the matches; the next links keep the terms", async () => {
    addUsers(3);
    const smiths = [
      standIn.state.addUser({ UserName: "asmith", Email: "a@example.com", LastName: "Smith", ParentEntityId: COMPANY }).Id,
      standIn.state.addUser({ UserName: "bsmith", Email: "b@example.com", LastName: "Smith", ParentEntityId: COMPANY }).Id,
      standIn.state.addUser({ UserName: "csmith", Email: "c@example.com", LastName: "Smith", ParentEntityId: COMPANY }).Id,
    ];
    standIn.state.addUser({ UserName: "dsmith", Email: "d@example.com", LastName: "Smith", ParentEntityId: COMPANY, IsActive: false });
    const run = await runOne(connections, "iQmetrix Search Users", { "Company Id": COMPANY, Terms: "smith", "Page Size": 2 });
    expect(run.outputs?.["User Ids"]).toEqual(smiths);
    expect(run.outputs?.["Total Count"]).toBe(3);
  });

  test("an empty result is an empty list", async () => {
    addUsers(2);
    const run = await runOne(connections, "iQmetrix Search Users", { "Company Id": COMPANY, Terms: "nobody" });
    expect(run.outputs).toMatchObject({ "User Ids": [], Users: [], "Total Count": 0, "HTTP Status": 200 });
  });
});

describe("Find Users by Client User Id", () => {
  test("finds a disabled User by its Client User Id (quotes escaped for the OData literal)", async () => {
    addUsers(2);
    const user = standIn.state.addUser({ UserName: "obrien", Email: "o@example.com", ClientUserId: "O'Brien-7", ParentEntityId: COMPANY, IsActive: false, Version: 4 });
    const run = await runOne(connections, "iQmetrix Find Users by Client User Id", { "Company Id": COMPANY, "Client User Id": "O'Brien-7" });
    expect(run.outputs).toMatchObject({ Found: true, "User Id": user.Id, Version: 4, "Is Active": false, "User Ids": [user.Id] });
  });

  test("pages with $skip/$top until an empty page", async () => {
    const ids = [1, 2, 3].map((i) => standIn.state.addUser({ UserName: `dup${i}`, Email: `dup${i}@example.com`, ClientUserId: "DUP", ParentEntityId: COMPANY }).Id);
    const run = await runOne(connections, "iQmetrix Find Users by Client User Id", { "Company Id": COMPANY, "Client User Id": "DUP", "Page Size": 2 });
    expect(run.outputs?.["User Ids"]).toEqual(ids);
    expect(run.logs.filter((line) => line.includes("http.request")).map((line) => /\$skip=(\d+)&\$top=(\d+)/.exec(line)?.slice(1).join("/"))).toEqual(["0/2", "2/2", "4/2"]);
  });

  test("no match is Found false, not a failure", async () => {
    addUsers(2);
    const run = await runOne(connections, "iQmetrix Find Users by Client User Id", { "Company Id": COMPANY, "Client User Id": "nobody" });
    expect(run.outputs).toMatchObject({ Found: false, "User Id": null, Users: [], "HTTP Status": 200 });
  });

  test("an answer cannot widen the filter", async () => {
    standIn.state.addUser({ UserName: "a", Email: "a@example.com", ClientUserId: "A", ParentEntityId: COMPANY });
    const run = await runOne(connections, "iQmetrix Find Users by Client User Id", { "Company Id": COMPANY, "Client User Id": "x' or ClientUserId eq 'A" });
    expect(run.outputs).toMatchObject({ Found: false, Users: [] });
  });
});

describe("Locations", () => {
  test("assign, read and unassign a location", async () => {
    const [id] = addUsers(1);
    const run = await runPipelineData({
      connections,
      actions: [
        { name: "Assign", type: "iQmetrix Assign Location", inputs: { "User Id": id ?? 0, "Location Id": LOCATION } },
        { name: "Read", type: "iQmetrix Get User Locations", inputs: { "User Id": id ?? 0 } },
        { name: "Unassign", type: "iQmetrix Unassign Location", inputs: { "User Id": id ?? 0, "Location Id": LOCATION } },
        { name: "Read Again", type: "iQmetrix Get User Locations", inputs: { "User Id": id ?? 0 } },
      ],
    });
    expect(run.result.status).toBe("succeeded");
    expect(run.result.actions.map((action) => action.outputs?.["HTTP Status"])).toEqual([204, 200, 204, 200]);
    expect(run.result.actions[1]?.outputs?.["Location Ids"]).toEqual([LOCATION]);
    expect(run.result.actions[3]?.outputs?.["Location Ids"]).toEqual([]);
  });

  test("404 Entity not found for an unknown location", async () => {
    const [id] = addUsers(1);
    const run = await runOne(connections, "iQmetrix Assign Location", { "User Id": id ?? 0, "Location Id": 77 });
    expect(run.error?.code).toBe("IQMETRIX_ENTITY_NOT_FOUND");
  });
});

describe("Locks and temporary passwords", () => {
  test("lock, read the lock, unlock", async () => {
    const [id] = addUsers(1);
    const reason = standIn.state.addLockReason(COMPANY, "Left the company");
    const run = await runPipelineData({
      connections,
      actions: [
        { name: "Lock", type: "iQmetrix Lock User", inputs: { "User Id": id ?? 0, "Lock Reason Id": reason.Id } },
        { name: "Status", type: "iQmetrix Get Lock Status", inputs: { "User Id": id ?? 0 } },
        { name: "Unlock", type: "iQmetrix Unlock User", inputs: { "User Id": id ?? 0 } },
        { name: "Status Again", type: "iQmetrix Get Lock Status", inputs: { "User Id": id ?? 0 } },
      ],
    });
    expect(run.result.status).toBe("succeeded");
    expect(run.result.actions[1]?.outputs).toMatchObject({ Locked: true, "Lock Reason Id": reason.Id });
    expect(run.result.actions[3]?.outputs).toMatchObject({ Locked: false, "Lock Reason Id": null });
  });

  test("a lock reason of another company is a Bad Request", async () => {
    const [id] = addUsers(1);
    const reason = standIn.state.addLockReason(OTHER_COMPANY, "Elsewhere");
    const run = await runOne(connections, "iQmetrix Lock User", { "User Id": id ?? 0, "Lock Reason Id": reason.Id });
    expect(run.error?.code).toBe("IQMETRIX_BAD_REQUEST");
    expect(run.error?.message).toContain("LockReasonId");
  });

  test("sets a temporary password, which never shows", async () => {
    const [id] = addUsers(1);
    const run = await runOne(connections, "iQmetrix Set Temporary Password", { "User Id": id ?? 0, Password: "Temp-Pass-99" });
    expect(run.outputs).toEqual({ "HTTP Status": 204 });
    expect(standIn.state.users.get(id ?? 0)).toMatchObject({ password: "Temp-Pass-99", passwordIsTemporary: true });
    expect(visibleText(run)).not.toContain("Temp-Pass-99");
  });

  test("400 for a temporary password under 6 characters is IQMETRIX_PASSWORD_TOO_SHORT", async () => {
    const [id] = addUsers(1);
    const run = await runOne(connections, "iQmetrix Set Temporary Password", { "User Id": id ?? 0, Password: "abcde" });
    expect(run.error?.code).toBe("IQMETRIX_PASSWORD_TOO_SHORT");
    expect(visibleText(run)).not.toContain("abcde");
  });
});

describe("Lock reasons", () => {
  test("create, read, update, list and delete", async () => {
    const run = await runPipelineData({
      connections,
      actions: [
        { name: "Create", type: "iQmetrix Create Lock Reason", inputs: { "Company Id": COMPANY, Name: "Holiday", Description: "Away" } },
        { name: "Read", type: "iQmetrix Get Lock Reason", inputs: { "Company Id": COMPANY, "Lock Reason Id": "=[Create.Lock Reason Id]" } },
        { name: "Update", type: "iQmetrix Update Lock Reason", inputs: { "Company Id": COMPANY, "Lock Reason Id": "=[Create.Lock Reason Id]", Name: "Leave" } },
        { name: "List", type: "iQmetrix List Lock Reasons", inputs: { "Company Id": COMPANY } },
        { name: "Delete", type: "iQmetrix Delete Lock Reason", inputs: { "Company Id": COMPANY, "Lock Reason Id": "=[Create.Lock Reason Id]" } },
        { name: "Gone", type: "iQmetrix Get Lock Reason", inputs: { "Company Id": COMPANY, "Lock Reason Id": "=[Create.Lock Reason Id]" }, continueOnError: true },
      ],
    });
    const [create, read, update, list, remove, gone] = run.result.actions;
    const id = create?.outputs?.["Lock Reason Id"];
    expect(create?.outputs).toMatchObject({ Name: "Holiday", Description: "Away", "HTTP Status": 201 });
    expect(read?.outputs).toMatchObject({ "Lock Reason Id": id, Name: "Holiday" });
    expect(update?.outputs).toMatchObject({ Name: "Leave", Description: "" });
    expect(list?.outputs).toMatchObject({ "Lock Reason Ids": [id], "Lock Reason Names": ["Leave"] });
    // The delete answers 200 with an empty JSON body: nothing to read, nothing to fail on.
    expect(remove).toMatchObject({ status: "succeeded", outputs: { "HTTP Status": 200 } });
    expect(gone?.error?.code).toBe("IQMETRIX_ENTITY_NOT_FOUND");
  });
});

describe("credentials", () => {
  test("401 is IQMETRIX_UNAUTHORIZED, and the token shows nowhere", async () => {
    const bad = { iqmetrix: { baseUrl: standIn.url, auth: { type: "bearer", token: "not-the-right-token" } } };
    const run = await runOne(bad, "iQmetrix Get User", { "User Id": 1 });
    expect(run.error).toEqual({
      code: "IQMETRIX_UNAUTHORIZED",
      message: "iQmetrix refused the credentials of connection iqmetrix (GET /v1/Users(1)): check its bearer token or OAuth settings.",
    });
    expect(visibleText(run)).not.toContain("not-the-right-token");
  });

  test("OAuth 2.0: one token request serves every action, and no secret shows", async () => {
    let tokenRequests = 0;
    const tokenServer: Server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        tokenRequests++;
        const form = new URLSearchParams(body);
        // Client authentication by HTTP Basic, as RFC 6749 2.3.1 asks every server to accept.
        const client = Buffer.from((request.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
        const ok = client === "client:oauth-client-secret" && form.get("grant_type") === "password" && form.get("password") === "oauth-user-password";
        response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        response.end(JSON.stringify(ok ? { access_token: "issued-access-token", token_type: "Bearer", expires_in: 3600 } : { error: "invalid_client" }));
      });
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
    try {
      standIn.state.tokens.add("issued-access-token");
      const [id] = addUsers(1);
      const oauth = {
        iqmetrix: {
          baseUrl: standIn.url,
          auth: {
            type: "oauth2",
            tokenUrl: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`,
            clientId: "client",
            clientSecret: "oauth-client-secret",
            username: "integration",
            password: "oauth-user-password",
          },
        },
      };
      const run = await runPipelineData({
        connections: oauth,
        actions: [
          { name: "Get", type: "iQmetrix Get User", inputs: { "User Id": id ?? 0 } },
          { name: "Disable", type: "iQmetrix Disable User", inputs: { "User Id": id ?? 0 } },
        ],
      });
      expect(run.result.status).toBe("succeeded");
      expect(tokenRequests).toBe(1);
      const shown = visibleText(run);
      for (const secret of ["issued-access-token", "oauth-client-secret", "oauth-user-password"]) expect(shown).not.toContain(secret);
    } finally {
      await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
    }
  });
});
