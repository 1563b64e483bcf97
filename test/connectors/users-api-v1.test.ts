/**
 * The Users API v1 (SUser) connector, run by the engine through real pipelines against the
 * stand-in, in JSON and in XML: every operation, its documented errors, and the integration key
 * (in the query on GET, inside the body on POST and PUT) never shown.
 */
import type { JsonValue } from "../../runtime/values";
import type { StandIn } from "../stand-ins/stand-in-kit";
import { USERS_V1_TEST_INTEGRATION_KEY, USERS_V1_TEST_PROVIDER_ID, startUsersV1StandIn, type UsersV1State } from "../stand-ins/users-api-v1";
import { runOne, runPipelineData, visibleText } from "./run-connector";

const PROVIDER = USERS_V1_TEST_PROVIDER_ID;
const FOLDER_A = "0b7a4d1e-1111-4c1c-9a57-0a1b2c3d4e5f";
const FOLDER_B = "0b7a4d1e-2222-4c1c-9a57-0a1b2c3d4e5f";
const GROUP = "9f8e7d6c-3333-4b2a-8c1d-0e1f2a3b4c5d";

let standIn: StandIn<UsersV1State>;
let connections: Record<string, JsonValue>;

beforeEach(async () => {
  standIn = await startUsersV1StandIn();
  connections = {
    "users-api-v1": { baseUrl: standIn.url, auth: { type: "apiKey", in: "query", name: "integrationkey", value: USERS_V1_TEST_INTEGRATION_KEY } },
  };
});

afterEach(async () => {
  await standIn.close();
});

function seedUser() {
  return standIn.state.addUser({ FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", ExternalId: "EMP-1", Folders: [FOLDER_A, FOLDER_B], Groups: [GROUP], WebsiteRole: "Admin" });
}

describe.each(["json", "xml"])("in %s", (format) => {
  describe.each([
    ["Get SUser", "SUser Id", (user: { Id: string }) => user.Id],
    ["Get SUser by Email", "Email", () => "ADA@example.com"],
    ["Get SUser by External Id", "External Id", () => "EMP-1"],
  ])("%s", (action, input, key) => {
    test("reads the User, lists and numbers typed", async () => {
      const user = seedUser();
      const run = await runOne(connections, `Users API v1 ${action}`, { "Provider Id": PROVIDER, [input]: key(user), Format: format });
      expect(run.status).toBe("succeeded");
      expect(run.outputs).toEqual({
        Found: true,
        "SUser Id": user.Id,
        "External Id": "EMP-1",
        "First Name": "Ada",
        "Last Name": "Lovelace",
        Email: "ada@example.com",
        Status: "Active",
        "Last Activity": "2024-01-02T03:04:05",
        "Website Role": "Admin",
        Folders: [FOLDER_A, FOLDER_B],
        Groups: [GROUP],
        "Provider Id": PROVIDER,
        "HTTP Status": 200,
      });
      expect(visibleText(run)).not.toContain(USERS_V1_TEST_INTEGRATION_KEY);
    });

    test("404 is USERS_V1_NOT_FOUND with the vendor's message, or Found false when asked", async () => {
      const missing = action === "Get SUser" ? "00000000-0000-4000-8000-000000000000" : action.endsWith("Email") ? "nobody@example.com" : "EMP-404";
      const failed = await runOne(connections, `Users API v1 ${action}`, { "Provider Id": PROVIDER, [input]: missing, Format: format });
      expect(failed.error).toEqual({ code: "USERS_V1_NOT_FOUND", message: "Users API v1 found no such User (User not found.): check the id, email or external id given." });
      const quiet = await runOne(connections, `Users API v1 ${action}`, { "Provider Id": PROVIDER, [input]: missing, Format: format, "Fail If Not Found": false });
      expect(quiet.outputs).toMatchObject({ Found: false, "HTTP Status": 404, "SUser Id": "", Folders: [], "Provider Id": null });
    });
  });

  test("an Id that is not a GUID is a 400 RequestBindingException, USERS_V1_INVALID naming the field", async () => {
    const run = await runOne(connections, "Users API v1 Get SUser", { "Provider Id": PROVIDER, "SUser Id": "not-a-guid", Format: format });
    expect(run.error).toEqual({
      code: "USERS_V1_INVALID",
      message: "Users API v1 refused the request as invalid (RequestBindingException): Unable to bind request: 'Id' is not a GUID. Fields at fault: Id.",
    });
  });

  test.each([
    ["a wrong integration key", { value: "wrong-integration-key" }, PROVIDER],
    ["an unknown Provider Id", {}, 99],
  ])("401 for %s is USERS_V1_UNAUTHORIZED, and no key shows", async (_name, auth, provider) => {
    const bad = { "users-api-v1": { baseUrl: standIn.url, auth: { type: "apiKey", in: "query", name: "integrationkey", value: USERS_V1_TEST_INTEGRATION_KEY, ...auth } } };
    const run = await runOne(bad, "Users API v1 Get SUser by Email", { "Provider Id": provider, Email: "ada@example.com", Format: format });
    expect(run.error?.code).toBe("USERS_V1_UNAUTHORIZED");
    expect(run.error?.message).toContain("GET /api/v1/suser");
    expect(visibleText(run)).not.toContain("wrong-integration-key");
    expect(visibleText(run)).not.toContain(USERS_V1_TEST_INTEGRATION_KEY);
  });

  describe("Create SUser", () => {
    const create = (extra: Record<string, JsonValue> = {}) =>
      runOne(connections, "Users API v1 Create SUser", {
        "Provider Id": PROVIDER,
        Format: format,
        "First Name": "Grace",
        "Last Name": "Hopper",
        Email: "grace@example.com",
        ...extra,
      });

    test("creates an Invited User from typed members; the password and key never show", async () => {
      const run = await create({ "External Id": "EMP-2", Folders: `${FOLDER_A}\n\n  ${FOLDER_B}  \n`, Groups: GROUP, "Website Role": "user", Password: "Cr3ated-Secret", "Do Not Email": true });
      expect(run.status).toBe("succeeded");
      const id = run.outputs?.["SUser Id"] as string;
      expect(run.outputs).toMatchObject({ Status: "Invited", "External Id": "EMP-2", Folders: [FOLDER_A, FOLDER_B], Groups: [GROUP], "Website Role": "User", "HTTP Status": 200 });
      expect(standIn.state.users.get(id)).toMatchObject({ password: "Cr3ated-Secret", passwordGenerated: false, activationEmailSent: false });
      const shown = visibleText(run);
      expect(shown).not.toContain("Cr3ated-Secret");
      expect(shown).not.toContain(USERS_V1_TEST_INTEGRATION_KEY);
    });

    test("without a Password the service generates one; blank members are left out", async () => {
      const run = await create();
      expect(standIn.state.users.get(run.outputs?.["SUser Id"] as string)).toMatchObject({ passwordGenerated: true, activationEmailSent: true, user: { ExternalId: null, Folders: [] } });
    });

    test("400 for a First Name over 100 characters is USERS_V1_INVALID with the vendor's code and field", async () => {
      const run = await create({ "First Name": "x".repeat(101) });
      expect(run.error).toEqual({
        code: "USERS_V1_INVALID",
        message: "Users API v1 refused the request as invalid (MaximumLength): The length of 'FirstName' must be 100 characters or fewer. You entered 101 characters. Fields at fault: FirstName.",
      });
    });

    test("409 for an Email another User has is USERS_V1_CONFLICT", async () => {
      seedUser();
      const run = await create({ Email: "ADA@example.com" });
      expect(run.error?.code).toBe("USERS_V1_CONFLICT");
      expect(run.error?.message).toContain("A User with this Email already exists.");
    });

    test("a wrong key in the body is 401 USERS_V1_UNAUTHORIZED", async () => {
      const bad = { "users-api-v1": { baseUrl: standIn.url, auth: { type: "apiKey", in: "query", name: "integrationkey", value: "wrong-body-key" } } };
      const run = await runOne(bad, "Users API v1 Create SUser", { "Provider Id": PROVIDER, Format: format, "First Name": "G", "Last Name": "H", Email: "g@example.com" });
      expect(run.error?.code).toBe("USERS_V1_UNAUTHORIZED");
      expect(visibleText(run)).not.toContain("wrong-body-key");
    });
  });

  describe("Update SUser", () => {
    test("changes only the members given", async () => {
      const user = seedUser();
      const run = await runOne(connections, "Users API v1 Update SUser", { "Provider Id": PROVIDER, "SUser Id": user.Id, Format: format, "Last Name": "King", Status: "Inactive", Folders: FOLDER_B });
      expect(run.outputs).toMatchObject({ "First Name": "Ada", "Last Name": "King", Status: "Inactive", Folders: [FOLDER_B], Groups: [GROUP], Email: "ada@example.com" });
    });

    test("404 for an unknown User, 409 for a taken Email", async () => {
      const user = seedUser();
      standIn.state.addUser({ FirstName: "B", LastName: "C", Email: "taken@example.com" });
      const missing = await runOne(connections, "Users API v1 Update SUser", { "Provider Id": PROVIDER, "SUser Id": "00000000-0000-4000-8000-000000000000", Format: format, "Last Name": "X" });
      expect(missing.error?.code).toBe("USERS_V1_NOT_FOUND");
      const taken = await runOne(connections, "Users API v1 Update SUser", { "Provider Id": PROVIDER, "SUser Id": user.Id, Format: format, Email: "taken@example.com" });
      expect(taken.error?.code).toBe("USERS_V1_CONFLICT");
    });
  });
});

describe("the request as sent", () => {
  test("XML: <SUser> in the ServiceStack namespace, members in order, lists as <Id> items, text escaped, key masked", async () => {
    const run = await runOne(
      connections,
      "Users API v1 Create SUser",
      { "Provider Id": PROVIDER, Format: "XML", "First Name": "</FirstName><WebsiteRole>Admin", "Last Name": "O'Neil & Sons", Email: "o@example.com", Folders: `${FOLDER_A}\n${FOLDER_B}`, "Do Not Email": false },
      { dryRun: true },
    );
    const [request] = run.dryRuns;
    expect(request?.url).toBe(`${standIn.url}/suser?format=xml`);
    expect(request?.headers).toMatchObject({ Accept: "application/xml", "Content-Type": "application/xml; charset=utf-8" });
    expect(request?.headers["Authorization"]).toBeUndefined();
    expect(request?.body).toBe(
      '<SUser xmlns="http://schemas.servicestack.net/types"><DoNotEmail>false</DoNotEmail><Email>o@example.com</Email>' +
        "<FirstName>&lt;/FirstName&gt;&lt;WebsiteRole&gt;Admin</FirstName>" +
        `<Folders><Id>${FOLDER_A}</Id><Id>${FOLDER_B}</Id></Folders><IntegrationKey>***</IntegrationKey>` +
        "<LastName>O'Neil &amp; Sons</LastName><ProviderId>1</ProviderId></SUser>",
    );
  });

  test("XML: an answer cannot add an element (the stand-in stores it as text)", async () => {
    const run = await runOne(connections, "Users API v1 Create SUser", { "Provider Id": PROVIDER, Format: "xml", "First Name": "</FirstName><WebsiteRole>Admin</WebsiteRole><FirstName>x", "Last Name": "L", Email: "x@example.com" });
    expect(run.outputs).toMatchObject({ "First Name": "</FirstName><WebsiteRole>Admin</WebsiteRole><FirstName>x", "Website Role": "" });
  });

  test("JSON: typed members; the GET carries the key in the query, masked in logs", async () => {
    const user = seedUser();
    const run = await runPipelineData({
      connections,
      actions: [
        { name: "Read", type: "users-api-v1-get-suser-by-external-id", inputs: { "Provider Id": PROVIDER, "External Id": "EMP-1" } },
        { name: "Rename", type: "Users API v1 Update SUser", inputs: { "Provider Id": "=[Read.Provider Id]", "SUser Id": "=[Read.SUser Id]", "First Name": "Augusta" } },
      ],
    });
    expect(run.result.status).toBe("succeeded");
    expect(standIn.state.users.get(user.Id)?.user.FirstName).toBe("Augusta");
    const request = run.logs.find((line) => line.includes("http.request"));
    expect(request).toContain("integrationkey=***");
    expect(visibleText(run)).not.toContain(USERS_V1_TEST_INTEGRATION_KEY);
  });

  test("a Format that is neither json nor xml is refused before anything is sent", async () => {
    await expect(runOne(connections, "Users API v1 Get SUser", { "Provider Id": PROVIDER, "SUser Id": "x", Format: "csv" })).rejects.toMatchObject({ code: "PIPELINE_INVALID" });
  });
});
