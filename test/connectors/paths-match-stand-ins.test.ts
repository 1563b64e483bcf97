/**
 * The connector files and the stand-ins agree: every output path, paging path and errorBody path
 * of each action selects something in the response its stand-in gives, in JSON and in XML, and
 * every error condition that tests a vendor message matches the message the stand-in sends.
 *
 * Requests are written by hand here (running connectors is the engine's job); what is checked
 * is the connector data against real stand-in responses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RE2JS } from "re2js";
import { compileOutputPath } from "../../runtime/extract/output-path";
import type { Condition, Connector, ConnectorAction, ValuePath } from "../../schemas/connector";
import type { CallResult } from "../stand-ins/http-call";
import { basic, bearer, call } from "../stand-ins/http-call";
import { IQMETRIX_TEST_TOKEN, startIqmetrixStandIn } from "../stand-ins/iqmetrix-user-manager";
import { USERS_V1_TEST_INTEGRATION_KEY, USERS_V1_TEST_PROVIDER_ID, startUsersV1StandIn } from "../stand-ins/users-api-v1";
import { USERS_V2_TEST_COMPANY_ID, USERS_V2_TEST_INTEGRATION_KEY, startUsersV2StandIn } from "../stand-ins/users-api-v2";
import { INSIGHTIQ_TEST_PASSWORD, INSIGHTIQ_TEST_USERNAME, startInsightIqStandIn } from "../stand-ins/insightiq";

function load(file: string): Connector {
  return JSON.parse(readFileSync(join(__dirname, "../../actions/connectors", file), "utf8")) as Connector;
}

function actionOf(connector: Connector, id: string): ConnectorAction {
  const action = connector.actions.find((candidate) => candidate.id === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

/** The text of every match of the path for the response's format, read by Output Path as the engine reads it. */
function select(response: CallResult, path: ValuePath): string[] {
  const xml = (response.headers["content-type"] ?? "").includes("xml");
  const expression = xml ? path.xml : path.json;
  if (expression === undefined) throw new Error(`no ${xml ? "xml" : "json"} path`);
  return compileOutputPath(expression)
    .select({ contentType: response.headers["content-type"] ?? "", body: response.text, headers: response.headers })
    .map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
}

/** Every output that reads the body selects at least one value; those listed in `expected` have exactly these values. */
function expectOutputs(action: ConnectorAction, response: CallResult, expected: Record<string, string[]> = {}): void {
  for (const output of action.outputs) {
    if (output.json === undefined && output.xml === undefined) continue;
    const path: ValuePath = { ...(output.json !== undefined ? { json: output.json } : {}), ...(output.xml !== undefined ? { xml: output.xml } : {}) };
    const values = select(response, path);
    expect({ output: output.name, found: values.length > 0 }).toEqual({ output: output.name, found: true });
    if (expected[output.name]) expect({ output: output.name, values }).toEqual({ output: output.name, values: expected[output.name] });
  }
  for (const output of action.outputs) {
    if (output.header !== undefined) expect(response.headers[output.header.toLowerCase()]).toEqual(expect.any(String));
  }
}

/** The first error rule (action rules, then connector rules) whose status and conditions hold for the response. */
function matchingErrorCode(connector: Connector, action: ConnectorAction, response: CallResult): string | undefined {
  const rules = [...(action.errors ?? []), ...(connector.errors ?? [])];
  const statusMatches = (status: number | number[] | string): boolean =>
    Array.isArray(status) ? status.includes(response.status) : typeof status === "number" ? status === response.status : String(response.status)[0] === status[0];
  const holds = (condition: Condition): boolean => {
    const field = condition.error ? connector.errorBody?.[condition.error] : condition.body;
    if (!field) return false;
    const text = select(response, field).join(", ");
    if (condition.equals !== undefined) return text.toLowerCase() === String(condition.equals).toLowerCase();
    if (condition.contains !== undefined) return text.toLowerCase().includes(condition.contains.toLowerCase());
    if (condition.matches !== undefined) return RE2JS.compile(condition.matches, RE2JS.CASE_INSENSITIVE).matcher(text).find();
    if (condition.exists !== undefined) return (text !== "") === condition.exists;
    return false;
  };
  return rules.find((rule) => statusMatches(rule.status) && (rule.when ?? []).every(holds))?.code;
}

describe("iQmetrix connector against its stand-in", () => {
  const connector = load("iqmetrix-user-manager.connector.json");
  const auth = bearer(IQMETRIX_TEST_TOKEN);
  let close: () => Promise<void>;
  let base: string;
  let john: number;
  let reason: number;
  const at = (path: string): string => `${base}${path}`;

  beforeEach(async () => {
    const server = await startIqmetrixStandIn();
    close = server.close;
    base = server.url;
    server.state.addCompany(14146);
    server.state.addLocation(2, 14146);
    john = server.state.addUser({
      UserName: "johnb@kentel.com",
      Email: "johnb@kentel.com",
      FirstName: "John",
      LastName: "Bates",
      ParentEntityId: 14146,
      ClientUserId: "132",
      JobTitle: "Sales Clerk",
      Address: { AddressLine1: "1432 Merry View Road", AddressLine2: "Unit 2", City: "Big Windy", StateCode: "ON", CountryCode: "CA", Zip: "A1A2B2" },
      PhoneNumbers: [{ Number: "6135550127", Extension: "5532", Type: "Work" }],
    }).Id;
    server.state.addUser({ UserName: "sam", Email: "sam@kentel.com", FirstName: "Sam", LastName: "Smith", ParentEntityId: 14146 });
    reason = server.state.addLockReason(14146, "PaperworkNotDone", "Please contact your supervisor.").Id;
    await call("PUT", at(`/Users(${john})/Locations(2)`), { headers: auth });
  });

  afterEach(() => close());
  /** Paths in tables say {john} and {reason} for the seeded ids. */
  const seeded = (path: string): string => path.replace("{john}", String(john)).replace("{reason}", String(reason));

  test.each([
    ["get-user", "GET", "/Users({john})", undefined],
    ["disable-user", "DELETE", "/Users({john})", undefined],
    ["enable-user", "POST", "/Users({john})/Enable", undefined],
    ["get-user-locations", "GET", "/Users({john})/Locations", undefined],
    ["list-lock-reasons", "GET", "/Entities(14146)/lockReasons", undefined],
    ["get-lock-reason", "GET", "/Entities(14146)/lockReasons({reason})", undefined],
    ["update-lock-reason", "PUT", "/Entities(14146)/lockReasons({reason})", { Name: "PaperworkNotDone", Description: "Call your supervisor." }],
  ])("%s (%s %s): every output path selects a value", async (id, method, path, body) => {
    const response = await call(method, at(seeded(path)), { headers: auth, body });
    const first = actionOf(connector, id).success[0];
    expect(response.status).toBe(typeof first === "number" ? first : first?.status);
    expectOutputs(actionOf(connector, id), response);
  });

  test("import-user and update-user: outputs, and the version conflict", async () => {
    const imported = await call("POST", at("/Users/importExisting"), {
      headers: auth,
      body: { UserName: "new", Email: "new@kentel.com", FirstName: "N", LastName: "U", ParentEntityId: 14146, Password: "secret1", ClientUserId: "9",
        JobTitle: "Clerk", Address: { AddressLine1: "1", AddressLine2: "2", City: "C", StateCode: "ON", CountryCode: "CA", Zip: "Z" },
        PhoneNumbers: [{ Number: "1234567", Extension: "1", Type: "Work" }] },
    });
    expect(imported.status).toBe(201);
    expectOutputs(actionOf(connector, "import-user"), imported, { "User Id": ["2578"], Version: ["1"], "Is Active": ["true"] });
    const user = imported.json as Record<string, unknown>;
    const updated = await call("PUT", at(`/Users(${String(user.Id)})`), { headers: auth, body: { ...user, JobTitle: "Manager" } });
    expectOutputs(actionOf(connector, "update-user"), updated, { "Job Title": ["Manager"], Version: ["2"] });
    const stale = await call("PUT", at(`/Users(${String(user.Id)})`), { headers: auth, body: user });
    expect(matchingErrorCode(connector, actionOf(connector, "update-user"), stale)).toBe("IQMETRIX_VERSION_CONFLICT");
  });

  test.each([["list-company-users", "/Entities(14146)/Users?$top=1"], ["search-users", "/Entities(14146)/Users/Search?terms=kentel&$top=1"]])(
    "%s: items, next link and outputs",
    async (id, path) => {
      const action = actionOf(connector, id);
      const response = await call("GET", at(path), { headers: auth });
      const pagination = action.pagination as { nextLink: ValuePath; items: ValuePath };
      expect(select(response, pagination.items)).toHaveLength(1);
      expect(select(response, pagination.nextLink)).toEqual([expect.stringMatching(/^\/v1\/Entities\(14146\)\/Users.*\$skip=1&\$top=1$/)]);
      expectOutputs(action, response, { "Total Count": ["2"] });
    },
  );

  test("find-users-by-client-user-id: the Found condition and outputs", async () => {
    const action = actionOf(connector, "find-users-by-client-user-id");
    const found = await call("GET", at(`/Entities(14146)/Users?$filter=${encodeURIComponent("ClientUserId eq '132'")}`), { headers: auth });
    expectOutputs(action, found, { "User Id": [String(john)] });
    const rule = action.success[0] as { when: Condition[] };
    expect(select(found, rule.when[0]!.body!)).not.toEqual([]);
    const none = await call("GET", at(`/Entities(14146)/Users?$filter=${encodeURIComponent("ClientUserId eq 'nobody'")}`), { headers: auth });
    expect(select(none, rule.when[0]!.body!)).toEqual([]);
  });

  test("get-lock-status after lock-user", async () => {
    await call("POST", at(`/Users(${john})/Lock`), { headers: auth, body: { LockReasonId: reason } });
    const response = await call("GET", at(`/Users(${john})/Unlock`), { headers: auth });
    expectOutputs(actionOf(connector, "get-lock-status"), response, { Locked: ["true"], "Lock Reason Id": [String(reason)] });
  });

  test("create-lock-reason outputs", async () => {
    const response = await call("POST", at("/Entities(14146)/lockReasons"), { headers: auth, body: { Name: "Other", Description: "d" } });
    expectOutputs(actionOf(connector, "create-lock-reason"), response, { Name: ["Other"] });
  });

  test.each([
    { id: "get-user", method: "GET", path: "/Users(999)", body: undefined, code: "IQMETRIX_USER_NOT_FOUND" },
    { id: "assign-location", method: "PUT", path: "/Users({john})/Locations(77)", body: undefined, code: "IQMETRIX_ENTITY_NOT_FOUND" },
    { id: "list-company-users", method: "GET", path: "/Entities(14146)/Users?$top=0", body: undefined, code: "IQMETRIX_OUT_OF_RANGE" },
    { id: "list-company-users", method: "GET", path: "/Entities(14146)/Users?$skip=-1", body: undefined, code: "IQMETRIX_OUT_OF_RANGE" },
    { id: "search-users", method: "GET", path: "/Entities(14146)/Users/Search?terms=", body: undefined, code: "IQMETRIX_NO_SEARCH_TERMS" },
    { id: "set-temporary-password", method: "POST", path: "/Users({john})/TemporaryPassword", body: { Password: "12345" }, code: "IQMETRIX_PASSWORD_TOO_SHORT" },
    { id: "import-user", method: "POST", path: "/Users/importExisting", code: "IQMETRIX_USER_EXISTS",
      body: { UserName: "johnb@kentel.com", Email: "x@y.z", FirstName: "a", LastName: "b", ParentEntityId: 14146, Password: "p" } },
    { id: "import-user", method: "POST", path: "/Users/importExisting", body: { UserName: "x" }, code: "IQMETRIX_BAD_REQUEST" },
  ])("$id: $method $path maps to $code", async ({ id, method, path, body, code }) => {
    const response = await call(method, at(seeded(path)), { headers: auth, body });
    expect(matchingErrorCode(connector, actionOf(connector, id), response)).toBe(code);
  });

  test("401 maps to IQMETRIX_UNAUTHORIZED, and a bad request names its fields", async () => {
    const unauthorized = await call("GET", at(`/Users(${john})`));
    expect(matchingErrorCode(connector, actionOf(connector, "get-user"), unauthorized)).toBe("IQMETRIX_UNAUTHORIZED");
    const invalid = await call("POST", at("/Users/importExisting"), { headers: auth, body: { UserName: "x" } });
    expect(select(invalid, connector.errorBody!.fields!)).toEqual(expect.arrayContaining(["Email", "FirstName", "LastName", "ParentEntityId", "Password"]));
  });
});

describe.each([
  ["users-api-v1.connector.json", "v1"],
  ["users-api-v2.connector.json", "v2"],
] as const)("%s against its stand-in", (file, version) => {
  const connector = load(file);
  let close: () => Promise<void>;
  let base: string;
  let id: string;
  const FOLDER = "0b6d3c4e-1111-4a4a-8b8b-000000000001";

  beforeAll(async () => {
    if (version === "v1") {
      const server = await startUsersV1StandIn();
      close = server.close;
      base = server.url;
      id = server.state.addUser({ FirstName: "Jane", LastName: "Doe", Email: "jane@example.com", ExternalId: "EXT-1", Folders: [FOLDER], Groups: [FOLDER], WebsiteRole: "User" }).Id;
    } else {
      const server = await startUsersV2StandIn();
      close = server.close;
      base = server.url;
      id = server.state.addUser({ FirstName: "Jane", LastName: "Doe", Email: "jane@example.com", ExternalId: "EXT-1", Folders: [FOLDER], Groups: [FOLDER], WebsiteRole: "User" }).Id;
      server.state.addUser({ FirstName: "Sam", LastName: "Smith", Email: "sam@example.com", ExternalId: "EXT-2" });
    }
  });

  afterAll(() => close());

  const credentials = (): string =>
    version === "v1"
      ? `providerid=${USERS_V1_TEST_PROVIDER_ID}&integrationkey=${USERS_V1_TEST_INTEGRATION_KEY}`
      : `companyid=${USERS_V2_TEST_COMPANY_ID}&integrationkey=${USERS_V2_TEST_INTEGRATION_KEY}`;
  const resource = version === "v1" ? "suser" : "user";

  test.each(["json", "xml"])("get: every output path selects a value (%s)", async (format) => {
    const action = actionOf(connector, version === "v1" ? "get-suser" : "get-user");
    const response = await call("GET", `${base}/${resource}?format=${format}&${credentials()}&id=${id}`);
    expect(response.status).toBe(200);
    expectOutputs(action, response, { Email: ["jane@example.com"], Folders: [FOLDER] });
  });

  test.each(["json", "xml"])("errors map to codes, with the vendor's message and fields (%s)", async (format) => {
    const action = actionOf(connector, version === "v1" ? "get-suser" : "get-user");
    const prefix = version === "v1" ? "USERS_V1" : "USERS_V2";
    const missing = await call("GET", `${base}/${resource}?format=${format}&${credentials()}&id=00000000-0000-4000-8000-000000000000`);
    expect(matchingErrorCode(connector, action, missing)).toBe(`${prefix}_NOT_FOUND`);
    expect(select(missing, connector.errorBody!.message!)).toEqual(["User not found."]);
    const unauthorized = await call("GET", `${base}/${resource}?format=${format}&id=${id}`);
    expect(matchingErrorCode(connector, action, unauthorized)).toBe(`${prefix}_UNAUTHORIZED`);
    const invalid = await call("GET", `${base}/${resource}?format=${format}&${credentials()}&id=not-a-guid`);
    expect(matchingErrorCode(connector, action, invalid)).toBe(`${prefix}_INVALID`);
    expect(select(invalid, connector.errorBody!.fields!)).toEqual(["Id"]);
    expect(select(invalid, connector.errorBody!.code!)).toEqual(["RequestBindingException"]);
  });

  if (version === "v1") {
    test.each(["json", "xml"])("create and update: outputs (%s)", async (format) => {
      const body = { ProviderId: USERS_V1_TEST_PROVIDER_ID, IntegrationKey: USERS_V1_TEST_INTEGRATION_KEY, FirstName: "Sam", LastName: "Smith", Email: `sam.${format}@example.com`, Folders: [FOLDER], Groups: [FOLDER], WebsiteRole: "ReadOnly", ExternalId: `E-${format}` };
      const created = await call("POST", `${base}/suser?format=${format}`, { body });
      expectOutputs(actionOf(connector, "create-suser"), created, { Status: ["Invited"] });
      const newId = select(created, { json: "$.SUser.Id", xml: "/SUserResponse/SUser/Id" })[0];
      const updated = await call("PUT", `${base}/suser?format=${format}`, { body: { ...body, Id: newId, FirstName: "Samuel" } });
      expectOutputs(actionOf(connector, "update-suser"), updated, { "First Name": ["Samuel"] });
    });

    test.each(["json", "xml"])("create: validation errors name their fields (%s)", async (format) => {
      const response = await call("POST", `${base}/suser?format=${format}`, { body: { ProviderId: USERS_V1_TEST_PROVIDER_ID, IntegrationKey: USERS_V1_TEST_INTEGRATION_KEY, ExternalId: "x".repeat(51) } });
      expect(matchingErrorCode(connector, actionOf(connector, "create-suser"), response)).toBe("USERS_V1_INVALID");
      expect(select(response, connector.errorBody!.fields!)).toEqual(["ExternalId", "FirstName", "LastName", "Email"]);
    });
  } else {
    test.each(["json", "xml"])("search: items and outputs (%s)", async (format) => {
      const action = actionOf(connector, "search-users");
      const response = await call("GET", `${base}/user/search?format=${format}&${credentials()}&page=1&pageSize=50`);
      const pagination = action.pagination as { items: ValuePath };
      expect(select(response, pagination.items)).toHaveLength(2);
      expectOutputs(action, response, { Emails: ["jane@example.com", "sam@example.com"], "Total Count": ["2"] });
      const past = await call("GET", `${base}/user/search?format=${format}&${credentials()}&page=2&pageSize=50`);
      expect(select(past, pagination.items)).toEqual([]);
    });
  }
});

describe("insightIQ connector against its stand-in", () => {
  const connector = load("insightiq.connector.json");
  const auth = basic(INSIGHTIQ_TEST_USERNAME, INSIGHTIQ_TEST_PASSWORD);
  let close: () => Promise<void>;
  let base: string;

  beforeAll(async () => {
    const server = await startInsightIqStandIn();
    close = server.close;
    base = server.url;
  });

  afterAll(() => close());

  test("create-user, get-user-by-external-id and create-sdk-token outputs", async () => {
    // The next test relies on ext-1 existing: this one runs first (Jest keeps file order).
    const created = await call("POST", `${base}/users`, { headers: auth, body: { name: "John Doe", external_id: "ext-1" } });
    expectOutputs(actionOf(connector, "create-user"), created, { Name: ["John Doe"], Status: ["ACTIVE"] });
    const found = await call("GET", `${base}/users/external_id/ext-1`, { headers: auth });
    expectOutputs(actionOf(connector, "get-user-by-external-id"), found, { "External Id": ["ext-1"] });
    const userId = (created.json as { id: string }).id;
    const token = await call("POST", `${base}/sdk-tokens`, { headers: auth, body: { user_id: userId, products: ["IDENTITY", "INCOME"] } });
    expectOutputs(actionOf(connector, "create-sdk-token"), token);
  });

  test.each([
    { id: "get-user-by-external-id", method: "GET", path: "/users/external_id/nobody", body: undefined, headers: auth, code: "INSIGHTIQ_NOT_FOUND" },
    { id: "create-user", method: "POST", path: "/users", body: { name: "x" }, headers: auth, code: "INSIGHTIQ_INVALID" },
    { id: "create-user", method: "POST", path: "/users", body: { name: "x", external_id: "ext-1" }, headers: auth, code: "INSIGHTIQ_USER_EXISTS" },
    { id: "create-user", method: "POST", path: "/users", body: { name: "x", external_id: "y" }, headers: basic("wrong", "wrong"), code: "INSIGHTIQ_UNAUTHORIZED" },
  ])("$id: $method $path maps to $code", async ({ id, method, path, body, headers, code }) => {
    const response = await call(method, `${base}${path}`, { headers, body });
    expect(matchingErrorCode(connector, actionOf(connector, id), response)).toBe(code);
  });
});
