import type { StandIn } from "./stand-in-kit";
import type { UsersV2State, V2User } from "./users-api-v2";
import { USERS_V2_TEST_COMPANY_ID as COMPANY, USERS_V2_TEST_INTEGRATION_KEY as KEY, startUsersV2StandIn } from "./users-api-v2";
import { SERVICE_STACK_NAMESPACE } from "./service-stack-format";
import { call } from "./http-call";
import { readXml } from "./xml-read";

let server: StandIn<UsersV2State>;
const credentials = `companyid=${COMPANY}&integrationkey=${KEY}`;

interface Status {
  ErrorCode: string;
  Message: string;
  Errors: Array<{ ErrorCode: string; FieldName: string; Message: string }>;
}
const responseStatus = (body: unknown): Status => (body as { ResponseStatus: Status }).ResponseStatus;

interface SearchPage {
  Page: number;
  PageSize: number;
  TotalCount: number;
  Users?: V2User[];
}

let ada: V2User;

beforeEach(async () => {
  server = await startUsersV2StandIn({ companies: { [COMPANY]: KEY, 8: "key-8" } });
  ada = server.state.addUser({ FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", ExternalId: "E-1", Groups: ["0b6d3c4e-2222-4a4a-8b8b-000000000002"] });
  server.state.addUser({ FirstName: "Other", LastName: "Company", Email: "other@example.com", CompanyId: 8 });
});

afterEach(async () => {
  await server.close();
});

describe("GET /api/v2/user", () => {
  test("returns a UserResponse as JSON", async () => {
    const response = await call("GET", `${server.url}/user?format=json&${credentials}&id=${ada.Id}`);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      User: {
        CompanyId: COMPANY,
        Email: "ada@example.com",
        ExternalId: "E-1",
        FirstName: "Ada",
        Folders: [],
        Groups: ["0b6d3c4e-2222-4a4a-8b8b-000000000002"],
        Id: ada.Id,
        LastActivity: "2024-01-02T03:04:05",
        LastName: "Lovelace",
        Status: "Active",
        UserDevices: [],
        WebsiteRole: "",
      },
    });
  });

  test("returns a UserResponse as XML in the ServiceStack namespace", async () => {
    const response = await call("GET", `${server.url}/user?format=xml&${credentials}&id=${ada.Id}`);
    expect(response.status).toBe(200);
    const xml = readXml(response.text);
    expect(xml.root).toEqual({ localName: "UserResponse", namespace: SERVICE_STACK_NAMESPACE });
    expect(xml.one("/s:UserResponse/s:User/s:Email")).toBe("ada@example.com");
    expect(xml.all("/s:UserResponse/s:User/s:Groups/s:Id")).toEqual(["0b6d3c4e-2222-4a4a-8b8b-000000000002"]);
  });

  test.each([
    { name: "no credentials", query: "format=json&id=ID", status: 401, code: "Unauthorized" },
    { name: "a wrong key", query: `format=json&id=ID&companyid=${COMPANY}&integrationkey=nope`, status: 401, code: "Unauthorized" },
    { name: "another company's key", query: `format=json&id=ID&companyid=${COMPANY}&integrationkey=key-8`, status: 401, code: "Unauthorized" },
    { name: "no format", query: `id=ID&${credentials}`, status: 400, code: "NotEmpty" },
    { name: "no id", query: `format=json&${credentials}`, status: 400, code: "NotEmpty" },
    { name: "an id that is not a GUID", query: `format=json&${credentials}&id=12`, status: 400, code: "RequestBindingException" },
    { name: "an unknown id", query: `format=json&${credentials}&id=00000000-0000-4000-8000-000000000000`, status: 404, code: "NotFound" },
  ])("$name → $status $code", async ({ query, status, code }) => {
    const response = await call("GET", `${server.url}/user?${query.replace("ID", ada.Id)}`);
    expect(response.status).toBe(status);
    expect(responseStatus(response.json).ErrorCode).toBe(code);
  });

  test("a User of another company is 404", async () => {
    const other = [...server.state.users.values()].find((u) => u.CompanyId === 8);
    const response = await call("GET", `${server.url}/user?format=json&${credentials}&id=${other?.Id}`);
    expect(response.status).toBe(404);
  });

  test("errors come as XML when format=xml", async () => {
    const response = await call("GET", `${server.url}/user?format=xml&${credentials}&id=00000000-0000-4000-8000-000000000000`);
    expect(readXml(response.text).one("/s:UserResponse/s:ResponseStatus/s:ErrorCode")).toBe("NotFound");
  });
});

describe("GET /api/v2/user/search (paginated)", () => {
  beforeEach(() => {
    for (let i = 1; i <= 6; i++) server.state.addUser({ FirstName: `F${i}`, LastName: `L${i}`, Email: `u${i}@example.com`, Status: i % 2 ? "Active" : "Inactive" });
  });

  const search = (query: string): Promise<{ status: number; json: unknown; text: string }> => call("GET", `${server.url}/user/search?${credentials}&${query}`);

  test("page and pageSize walk every User of the company, and a page past the end is empty", async () => {
    const emails: string[] = [];
    for (let page = 1; ; page++) {
      const response = await search(`format=json&page=${page}&pageSize=3`);
      expect(response.status).toBe(200);
      const body = response.json as SearchPage;
      expect(body).toMatchObject({ Page: page, PageSize: 3, TotalCount: 7 });
      if (!body.Users || body.Users.length === 0) break;
      emails.push(...body.Users.map((u) => u.Email));
    }
    expect(emails).toEqual(["u1@example.com", "u2@example.com", "u3@example.com", "u4@example.com", "u5@example.com", "u6@example.com", "ada@example.com"]);
  });

  test("defaults: page 1, pageSize 50", async () => {
    const body = (await search("format=json")).json as SearchPage;
    expect(body).toMatchObject({ Page: 1, PageSize: 50, TotalCount: 7 });
    expect(body.Users).toHaveLength(7);
  });

  test("filters by email, externalid and status (ignoring case)", async () => {
    expect(((await search("format=json&email=ADA@example.com")).json as SearchPage).Users?.map((u) => u.Id)).toEqual([ada.Id]);
    expect(((await search("format=json&externalid=e-1")).json as SearchPage).Users?.map((u) => u.Id)).toEqual([ada.Id]);
    expect(((await search("format=json&status=inactive")).json as SearchPage).TotalCount).toBe(3);
  });

  test("as XML: UserSearchResponse with <Users><User>", async () => {
    const response = await search("format=xml&pageSize=2&page=4");
    const xml = readXml(response.text);
    expect(xml.root.localName).toBe("UserSearchResponse");
    expect(xml.all("/s:UserSearchResponse/s:Users/s:User/s:Email")).toEqual(["ada@example.com"]);
    expect(xml.one("/s:UserSearchResponse/s:TotalCount")).toBe("7");
    const past = readXml((await search("format=xml&pageSize=2&page=5")).text);
    expect(past.all("/s:UserSearchResponse/s:Users/s:User")).toEqual([]);
  });

  test.each([
    ["page=0", "Page", "GreaterThanOrEqual"],
    ["page=x", "Page", "GreaterThanOrEqual"],
    ["pageSize=0", "PageSize", "InclusiveBetween"],
    ["pageSize=101", "PageSize", "InclusiveBetween"],
  ])("%s is 400 naming %s", async (query, field, code) => {
    const response = await search(`format=json&${query}`);
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors).toEqual([expect.objectContaining({ FieldName: field, ErrorCode: code })]);
  });

  test("pageSize=100 is allowed", async () => {
    expect((await search("format=json&pageSize=100")).status).toBe(200);
  });

  test("401 without credentials", async () => {
    const response = await call("GET", `${server.url}/user/search?format=json`);
    expect(response.status).toBe(401);
  });
});
