import type { StandIn } from "./stand-in-kit";
import type { SUser, UsersV1State } from "./users-api-v1";
import { USERS_V1_TEST_INTEGRATION_KEY as KEY, USERS_V1_TEST_PROVIDER_ID as PROVIDER, startUsersV1StandIn } from "./users-api-v1";
import { SERVICE_STACK_NAMESPACE } from "./service-stack-format";
import { call } from "./http-call";
import { readXml } from "./xml-read";

let server: StandIn<UsersV1State>;
let jane: SUser;

const FOLDER = "0b6d3c4e-1111-4a4a-8b8b-000000000001";
const GROUP = "0b6d3c4e-2222-4a4a-8b8b-000000000002";

const credentials = `providerid=${PROVIDER}&integrationkey=${KEY}`;
const suser = (query: string): string => `${server.url}/suser?${query}`;

interface Status {
  ErrorCode: string;
  Message: string;
  Errors: Array<{ ErrorCode: string; FieldName: string; Message: string }>;
}
const responseStatus = (body: unknown): Status => (body as { ResponseStatus: Status }).ResponseStatus;

beforeEach(async () => {
  server = await startUsersV1StandIn({ providers: { [PROVIDER]: KEY, 2: "other-key" } });
  jane = server.state.addUser({ FirstName: "Jane", LastName: "Doe", Email: "jane@example.com", ExternalId: "EXT-1", Folders: [FOLDER], Groups: [GROUP], WebsiteRole: "User" });
  server.state.addUser({ FirstName: "Other", LastName: "Provider", Email: "other@example.com", ExternalId: "EXT-9", ProviderId: 2 });
});

afterEach(async () => {
  await server.close();
});

describe("GET /api/v1/suser", () => {
  test.each([
    ["Id", () => `id=${jane.Id}`],
    ["Id in upper case", () => `Id=${jane.Id.toUpperCase()}`],
    ["Email (ignoring case)", () => "email=JANE@example.com"],
    ["ExternalId", () => "externalid=EXT-1"],
  ])("by %s, as JSON", async (_name, query) => {
    const response = await call("GET", suser(`${query()}&${credentials}&format=json`));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.json).toEqual({
      SUser: {
        Email: "jane@example.com",
        ExternalId: "EXT-1",
        FirstName: "Jane",
        Folders: [FOLDER],
        Groups: [GROUP],
        Id: jane.Id,
        LastActivity: "2024-01-02T03:04:05",
        LastName: "Doe",
        ProviderId: PROVIDER,
        SUserDevices: [],
        Status: "Active",
        WebsiteRole: "User",
      },
    });
  });

  test("as XML: SUserResponse in the ServiceStack namespace, members in alphabetical order, lists as <Folders><Id>", async () => {
    server.state.users.get(jane.Id)?.user.SUserDevices.push({ Hardware: "iPhone", Id: "0b6d3c4e-3333-4a4a-8b8b-000000000003", OS: "iOS", OSVersion: "17.1" });
    // The seed's own example: "?email=...&integrationkey=...&providerid=1&format=xml".
    const response = await call("GET", suser(`email=jane@example.com&integrationkey=${KEY}&providerid=${PROVIDER}&format=xml`));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/xml/);
    expect(response.text).toContain('xmlns:i="http://www.w3.org/2001/XMLSchema-instance"');
    const xml = readXml(response.text);
    expect(xml.root).toEqual({ localName: "SUserResponse", namespace: SERVICE_STACK_NAMESPACE });
    expect(xml.one("/s:SUserResponse/s:SUser/s:Email")).toBe("jane@example.com");
    expect(xml.one("/s:SUserResponse/s:SUser/s:Id")).toBe(jane.Id);
    expect(xml.all("/s:SUserResponse/s:SUser/s:Folders/s:Id")).toEqual([FOLDER]);
    expect(xml.all("/s:SUserResponse/s:SUser/s:Groups/s:Id")).toEqual([GROUP]);
    expect(xml.one("/s:SUserResponse/s:SUser/s:SUserDevices/s:SUserDevice/s:OSVersion")).toBe("17.1");
    const names = xml.childNames("/s:SUserResponse/s:SUser");
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(["Email", "ExternalId", "FirstName", "Folders", "Groups", "Id", "LastActivity", "LastName", "ProviderId", "SUserDevices", "Status", "WebsiteRole"]);
  });

  test("format is case-insensitive (JSON, XML)", async () => {
    expect((await call("GET", suser(`id=${jane.Id}&${credentials}&format=JSON`))).headers["content-type"]).toMatch(/json/);
    expect((await call("GET", suser(`id=${jane.Id}&${credentials}&format=XML`))).headers["content-type"]).toMatch(/xml/);
  });

  test("Id wins over Email and ExternalId", async () => {
    const response = await call("GET", suser(`id=${jane.Id}&email=nobody@example.com&${credentials}&format=json`));
    expect(response.status).toBe(200);
  });

  test.each([
    ["no format", `id=ID&${credentials}`, "NotEmpty"],
    ["format=csv", `id=ID&${credentials}&format=csv`, "Invalid"],
  ])("%s is 400 naming Format", async (_name, query, code) => {
    const response = await call("GET", suser(query.replace("ID", jane.Id)));
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors).toEqual([expect.objectContaining({ FieldName: "Format", ErrorCode: code })]);
  });

  test("without format, an Accept header asking for XML gets the error as XML", async () => {
    const response = await call("GET", suser(`id=${jane.Id}&${credentials}`), { headers: { accept: "application/xml" } });
    expect(response.status).toBe(400);
    expect(readXml(response.text).one("/s:SUserResponse/s:ResponseStatus/s:Errors/s:ResponseError/s:FieldName")).toBe("Format");
  });

  test.each([
    ["no credentials", "format=json&id=ID"],
    ["no integrationkey", `format=json&id=ID&providerid=${PROVIDER}`],
    ["a wrong integrationkey", `format=json&id=ID&providerid=${PROVIDER}&integrationkey=wrong`],
    ["another provider's key", `format=json&id=ID&providerid=${PROVIDER}&integrationkey=other-key`],
    ["a providerid that is not a number", `format=json&id=ID&providerid=one&integrationkey=${KEY}`],
  ])("%s is 401", async (_name, query) => {
    const response = await call("GET", suser(query.replace("ID", jane.Id)));
    expect(response.status).toBe(401);
    expect(responseStatus(response.json)).toMatchObject({ ErrorCode: "Unauthorized" });
  });

  test("401 as XML when format=xml", async () => {
    const response = await call("GET", suser(`format=xml&id=${jane.Id}`));
    expect(response.status).toBe(401);
    const xml = readXml(response.text);
    expect(xml.root.localName).toBe("SUserResponse");
    expect(xml.one("/s:SUserResponse/s:ResponseStatus/s:ErrorCode")).toBe("Unauthorized");
  });

  test.each([
    ["an unknown Id", "id=00000000-0000-4000-8000-000000000000"],
    ["an unknown Email", "email=nobody@example.com"],
    ["an unknown ExternalId", "externalid=NOPE"],
    ["another provider's User", "externalid=EXT-9"],
  ])("%s is 404 NotFound", async (_name, query) => {
    const response = await call("GET", suser(`${query}&${credentials}&format=json`));
    expect(response.status).toBe(404);
    expect(responseStatus(response.json)).toMatchObject({ ErrorCode: "NotFound" });
  });

  test("404 as XML", async () => {
    const response = await call("GET", suser(`externalid=NOPE&${credentials}&format=xml`));
    expect(response.status).toBe(404);
    expect(readXml(response.text).one("/s:SUserResponse/s:ResponseStatus/s:ErrorCode")).toBe("NotFound");
  });

  test("an Id that is not a GUID is 400 RequestBindingException", async () => {
    const response = await call("GET", suser(`id=42&${credentials}&format=json`));
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).ErrorCode).toBe("RequestBindingException");
  });

  test("none of Id, Email, ExternalId is 400", async () => {
    const response = await call("GET", suser(`${credentials}&format=json`));
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors[0]).toMatchObject({ ErrorCode: "NotEmpty", FieldName: "Id" });
  });

  test("DELETE and search are not documented, so not served", async () => {
    expect((await call("DELETE", suser(`id=${jane.Id}&${credentials}&format=json`))).status).toBe(405);
    expect((await call("GET", `${server.url}/suser/search?${credentials}&format=json`)).status).toBe(404);
  });
});

function xmlSUser(members: Record<string, string | string[]>, namespace = SERVICE_STACK_NAMESPACE): string {
  const inner = Object.entries(members)
    .map(([name, value]) => (Array.isArray(value) ? `<${name}>${value.map((v) => `<Id>${v}</Id>`).join("")}</${name}>` : `<${name}>${value}</${name}>`))
    .join("");
  return `<SUser xmlns="${namespace}">${inner}</SUser>`;
}

describe("POST /api/v1/suser (create)", () => {
  const valid = { ProviderId: PROVIDER, IntegrationKey: KEY, FirstName: "Sam", LastName: "Smith", Email: "sam@example.com" };

  test("creates an Invited SUser from JSON and answers a SUserResponse", async () => {
    const response = await call("POST", suser("format=json"), { body: { ...valid, ExternalId: "EXT-2", Folders: [FOLDER], WebsiteRole: "admin", Password: "Secret1!" } });
    expect(response.status).toBe(200);
    const created = (response.json as { SUser: SUser }).SUser;
    expect(created).toMatchObject({ FirstName: "Sam", LastName: "Smith", Email: "sam@example.com", ExternalId: "EXT-2", Status: "Invited", WebsiteRole: "Admin", Folders: [FOLDER], Groups: [], ProviderId: PROVIDER, LastActivity: "0001-01-01T00:00:00" });
    expect(created.Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.state.users.get(created.Id)).toMatchObject({ password: "Secret1!", passwordGenerated: false, activationEmailSent: true });
    expect(JSON.stringify(response.json)).not.toContain(KEY);
  });

  test("a blank Password gets a random one; DoNotEmail sends no activation email", async () => {
    const response = await call("POST", suser("format=json"), { body: { ...valid, Password: "", DoNotEmail: true } });
    const id = (response.json as { SUser: SUser }).SUser.Id;
    const record = server.state.users.get(id);
    expect(record?.passwordGenerated).toBe(true);
    expect(record?.password.length).toBeGreaterThanOrEqual(12);
    expect(record?.activationEmailSent).toBe(false);
  });

  test("creates from an XML SUser in the ServiceStack namespace, and answers XML when format=xml", async () => {
    const body = xmlSUser({ DoNotEmail: "true", Email: "x@example.com", FirstName: "X &amp; Y", Folders: [FOLDER, GROUP], IntegrationKey: KEY, LastName: "Z", ProviderId: String(PROVIDER) });
    const response = await call("POST", suser("format=xml"), { headers: { "content-type": "application/xml" }, body });
    expect(response.status).toBe(200);
    const xml = readXml(response.text);
    expect(xml.one("/s:SUserResponse/s:SUser/s:FirstName")).toBe("X & Y");
    expect(xml.all("/s:SUserResponse/s:SUser/s:Folders/s:Id")).toEqual([FOLDER, GROUP]);
    const id = xml.one("/s:SUserResponse/s:SUser/s:Id") ?? "";
    expect(server.state.users.get(id)?.activationEmailSent).toBe(false);
  });

  test("an XML body may be answered as JSON (format decides the response only)", async () => {
    const body = xmlSUser({ Email: "x@example.com", FirstName: "X", IntegrationKey: KEY, LastName: "Z", ProviderId: String(PROVIDER) });
    const response = await call("POST", suser("format=json"), { headers: { "content-type": "application/xml; charset=utf-8" }, body });
    expect(response.status).toBe(200);
    expect((response.json as { SUser: SUser }).SUser.Email).toBe("x@example.com");
  });

  test.each([
    ["another namespace", xmlSUser({ FirstName: "X" }, "urn:other"), "application/xml", 400],
    ["another root element", `<User xmlns="${SERVICE_STACK_NAMESPACE}"/>`, "application/xml", 400],
    ["XML that is not well-formed", `<SUser xmlns="${SERVICE_STACK_NAMESPACE}"><FirstName>`, "application/xml", 400],
    ["JSON that is not an object", "[1,2]", "application/json", 400],
    ["an empty body", "", "application/json", 400],
    ["text/plain", "FirstName=X", "text/plain", 415],
  ])("%s is refused", async (_name, body, contentType, status) => {
    const response = await call("POST", suser("format=json"), { headers: { "content-type": contentType }, body });
    expect(response.status).toBe(status);
    expect(server.state.users.size).toBe(2);
  });

  test.each([
    ["no IntegrationKey", { IntegrationKey: undefined }],
    ["a wrong IntegrationKey", { IntegrationKey: "wrong" }],
    ["no ProviderId", { ProviderId: undefined }],
  ])("%s in the body is 401 (the key in the query does not count)", async (_name, change) => {
    const response = await call("POST", suser(`format=json&${credentials}`), { body: { ...valid, ...change } });
    expect(response.status).toBe(401);
  });

  const long = (n: number): string => "a".repeat(n);
  test.each([
    ["FirstName missing", { FirstName: undefined }, "FirstName", "NotEmpty"],
    ["LastName blank", { LastName: "  " }, "LastName", "NotEmpty"],
    ["Email null", { Email: null }, "Email", "NotEmpty"],
    ["ExternalId of 51 characters", { ExternalId: long(51) }, "ExternalId", "MaximumLength"],
    ["FirstName of 101 characters", { FirstName: long(101) }, "FirstName", "MaximumLength"],
    ["LastName of 101 characters", { LastName: long(101) }, "LastName", "MaximumLength"],
    ["Email of 201 characters", { Email: `${long(189)}@example.com` }, "Email", "MaximumLength"],
    ["a WebsiteRole not listed", { WebsiteRole: "Owner" }, "WebsiteRole", "Invalid"],
    ["Folders that are not GUIDs", { Folders: ["nope"] }, "Folders", "Invalid"],
    ["DoNotEmail that is not a boolean", { DoNotEmail: "maybe" }, "DoNotEmail", "Invalid"],
    ["FirstName that is not text", { FirstName: 7 }, "FirstName", "Invalid"],
  ])("%s is 400 with ResponseStatus naming the field", async (_name, change, field, code) => {
    const response = await call("POST", suser("format=json"), { body: { ...valid, ...change } });
    expect(response.status).toBe(400);
    const status = responseStatus(response.json);
    expect(status.Errors).toContainEqual(expect.objectContaining({ FieldName: field, ErrorCode: code }));
    // ServiceStack puts the first field error at the top.
    expect(status.ErrorCode).toBe(status.Errors[0]?.ErrorCode);
    expect(status.Message).toBe(status.Errors[0]?.Message);
    expect(server.state.users.size).toBe(2);
  });

  test("the maximum lengths themselves are accepted", async () => {
    const response = await call("POST", suser("format=json"), {
      body: { ...valid, ExternalId: long(50), FirstName: long(100), LastName: long(100), Email: `${long(188)}@example.com` },
    });
    expect(response.status).toBe(200);
  });

  test("a validation error as XML lists every ResponseError", async () => {
    const body = xmlSUser({ ExternalId: long(51), IntegrationKey: KEY, ProviderId: String(PROVIDER) });
    const response = await call("POST", suser("format=xml"), { headers: { "content-type": "application/xml" }, body });
    expect(response.status).toBe(400);
    const xml = readXml(response.text);
    expect(xml.all("/s:SUserResponse/s:ResponseStatus/s:Errors/s:ResponseError/s:FieldName")).toEqual(["ExternalId", "FirstName", "LastName", "Email"]);
  });

  test("an Email already used by the provider is 409", async () => {
    const response = await call("POST", suser("format=json"), { body: { ...valid, Email: "JANE@example.com" } });
    expect(response.status).toBe(409);
    expect(responseStatus(response.json).ErrorCode).toBe("Conflict");
  });
});

describe("PUT /api/v1/suser (update)", () => {
  const base = (): Record<string, unknown> => ({ ProviderId: PROVIDER, IntegrationKey: KEY, Id: jane.Id });

  test("updates only the members it is given", async () => {
    const response = await call("PUT", suser("format=json"), { body: { ...base(), FirstName: "Janet" } });
    expect(response.status).toBe(200);
    expect((response.json as { SUser: SUser }).SUser).toMatchObject({ FirstName: "Janet", LastName: "Doe", Email: "jane@example.com", ExternalId: "EXT-1", Folders: [FOLDER], WebsiteRole: "User" });
  });

  test("an empty ExternalId clears it; Status, WebsiteRole, Groups and Password can be set", async () => {
    const response = await call("PUT", suser("format=json"), { body: { ...base(), ExternalId: "", Status: "inactive", WebsiteRole: "", Groups: [], Password: "N3w!" } });
    const updated = (response.json as { SUser: SUser }).SUser;
    expect(updated.ExternalId).toBeUndefined();
    expect(updated).toMatchObject({ Status: "Inactive", WebsiteRole: "", Groups: [] });
    expect(server.state.users.get(jane.Id)?.password).toBe("N3w!");
  });

  test("from XML, answered as XML", async () => {
    const body = xmlSUser({ Email: "jane.doe@example.com", Id: jane.Id, IntegrationKey: KEY, ProviderId: String(PROVIDER) });
    const response = await call("PUT", suser("format=xml"), { headers: { "content-type": "application/xml" }, body });
    expect(response.status).toBe(200);
    expect(readXml(response.text).one("/s:SUserResponse/s:SUser/s:Email")).toBe("jane.doe@example.com");
    expect(server.state.users.get(jane.Id)?.user.FirstName).toBe("Jane");
  });

  test.each([
    ["no Id", 400, { Id: undefined }],
    ["an Id that is not a GUID", 400, { Id: "42" }],
    ["an unknown Id", 404, { Id: "00000000-0000-4000-8000-000000000000" }],
    ["FirstName made empty", 400, { FirstName: "" }],
    ["LastName of 101 characters", 400, { LastName: "b".repeat(101) }],
    ["a Status not listed", 400, { Status: "Deleted" }],
    ["an Email used only under another provider", 200, { Email: "other@example.com" }],
    ["a wrong IntegrationKey", 401, { IntegrationKey: "nope" }],
  ])("%s → %d", async (_name, status, change) => {
    const response = await call("PUT", suser("format=json"), { body: { ...base(), ...change } });
    expect(response.status).toBe(status);
    if (status !== 200) expect(server.state.users.get(jane.Id)?.user).toEqual(jane);
  });

  test("another User of the same provider with that Email is 409", async () => {
    server.state.addUser({ FirstName: "S", LastName: "T", Email: "taken@example.com" });
    const response = await call("PUT", suser("format=json"), { body: { ...base(), Email: "Taken@example.com" } });
    expect(response.status).toBe(409);
    expect(server.state.users.get(jane.Id)?.user.Email).toBe("jane@example.com");
  });

  test("a User of another provider is 404", async () => {
    const foreign = [...server.state.users.values()].find((r) => r.user.ProviderId === 2)?.user;
    const response = await call("PUT", suser("format=json"), { body: { ...base(), Id: foreign?.Id, FirstName: "Hijack" } });
    expect(response.status).toBe(404);
  });
});
