/**
 * The Users API v2 connector, run by the engine through real pipelines against the stand-in, in
 * JSON and in XML: get a User, search page by page through every page, the documented errors.
 */
import type { JsonValue } from "../../runtime/values";
import type { StandIn } from "../stand-ins/stand-in-kit";
import { USERS_V2_TEST_COMPANY_ID, USERS_V2_TEST_INTEGRATION_KEY, startUsersV2StandIn, type UsersV2State } from "../stand-ins/users-api-v2";
import { runOne, visibleText } from "./run-connector";

const COMPANY = USERS_V2_TEST_COMPANY_ID;

let standIn: StandIn<UsersV2State>;
let connections: Record<string, JsonValue>;

beforeEach(async () => {
  standIn = await startUsersV2StandIn({ companies: { [COMPANY]: USERS_V2_TEST_INTEGRATION_KEY, 8: "other-company-key" } });
  connections = {
    "users-api-v2": { baseUrl: standIn.url, auth: { type: "apiKey", in: "query", name: "integrationkey", value: USERS_V2_TEST_INTEGRATION_KEY } },
  };
});

afterEach(async () => {
  await standIn.close();
});

/** Users sorted as the search sorts them (last name, then first name). */
function seedUsers(count: number, fields: { Status?: "Active" | "Inactive" | "Invited"; CompanyId?: number } = {}) {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return standIn.state.addUser({ FirstName: `F${n}`, LastName: `L${n}`, Email: `u${n}-${fields.Status ?? "a"}@example.com`, ExternalId: `X${n}`, ...fields });
  });
}

describe.each(["json", "xml"])("in %s", (format) => {
  describe("Get User", () => {
    test("reads a User", async () => {
      const user = standIn.state.addUser({ FirstName: "Alan", LastName: "Turing", Email: "alan@example.com", ExternalId: "T-1", Groups: ["9f8e7d6c-3333-4b2a-8c1d-0e1f2a3b4c5d"] });
      const run = await runOne(connections, "Users API v2 Get User", { "Company Id": COMPANY, "User Id": user.Id, Format: format });
      expect(run.outputs).toEqual({
        Found: true,
        "User Id": user.Id,
        "External Id": "T-1",
        "First Name": "Alan",
        "Last Name": "Turing",
        Email: "alan@example.com",
        Status: "Active",
        "Last Activity": "2024-01-02T03:04:05",
        "Website Role": "",
        Folders: [],
        Groups: ["9f8e7d6c-3333-4b2a-8c1d-0e1f2a3b4c5d"],
        "Company Id": COMPANY,
        "HTTP Status": 200,
      });
    });

    test("404 is USERS_V2_NOT_FOUND (a User of another company is not found either), or Found false when asked", async () => {
      const other = standIn.state.addUser({ FirstName: "O", LastName: "P", Email: "o@example.com", CompanyId: 8 });
      const run = await runOne(connections, "Users API v2 Get User", { "Company Id": COMPANY, "User Id": other.Id, Format: format });
      expect(run.error?.code).toBe("USERS_V2_NOT_FOUND");
      const quiet = await runOne(connections, "Users API v2 Get User", { "Company Id": COMPANY, "User Id": other.Id, Format: format, "Fail If Not Found": false });
      expect(quiet.outputs).toMatchObject({ Found: false, "HTTP Status": 404, Email: "" });
    });

    test("400 for an Id that is not a GUID is USERS_V2_INVALID naming the field", async () => {
      const run = await runOne(connections, "Users API v2 Get User", { "Company Id": COMPANY, "User Id": "42", Format: format });
      expect(run.error?.code).toBe("USERS_V2_INVALID");
      expect(run.error?.message).toContain("Fields at fault: Id.");
    });

    test("401 for a Company Id the key does not belong to is USERS_V2_UNAUTHORIZED, and no key shows", async () => {
      const run = await runOne(connections, "Users API v2 Get User", { "Company Id": 8, "User Id": "00000000-0000-4000-8000-000000000000", Format: format });
      expect(run.error?.code).toBe("USERS_V2_UNAUTHORIZED");
      expect(visibleText(run)).not.toContain(USERS_V2_TEST_INTEGRATION_KEY);
    });
  });

  describe("Search Users", () => {
    test("pages through every page by page number, lists in order", async () => {
      const users = seedUsers(7);
      const run = await runOne(connections, "Users API v2 Search Users", { "Company Id": COMPANY, Format: format, "Page Size": 3 });
      expect(run.status).toBe("succeeded");
      expect(run.outputs).toMatchObject({
        "User Ids": users.map((user) => user.Id),
        Emails: users.map((user) => user.Email),
        "External Ids": users.map((user) => user.ExternalId),
        "Last Names": users.map((user) => user.LastName),
        Statuses: users.map(() => "Active"),
        "Total Count": 7,
        "HTTP Status": 200,
      });
      // Pages 1, 2 and 3 hold users; page 4 is empty and ends paging.
      const pages = run.logs.filter((line) => line.includes("http.request")).map((line) => /[?&]page=(\d+)/.exec(line)?.[1]);
      expect(pages).toEqual(["1", "2", "3", "4"]);
      expect(run.logs.every((line) => !line.includes("http.request") || line.includes("pageSize=3"))).toBe(true);
      expect(visibleText(run)).not.toContain(USERS_V2_TEST_INTEGRATION_KEY);
    });

    test("filters by status, and Max Pages stops early with a message", async () => {
      seedUsers(3);
      const inactive = seedUsers(5, { Status: "Inactive" });
      const run = await runOne(connections, "Users API v2 Search Users", { "Company Id": COMPANY, Format: format, Status: "inactive", "Page Size": 2, "Max Pages": 2 });
      expect(run.outputs?.["User Ids"]).toEqual(inactive.slice(0, 4).map((user) => user.Id));
      expect(run.outputs?.["Total Count"]).toBe(5);
      expect(run.messages?.[0]).toMatch(/Stopped after 2 pages/);
    });

    test("no match gives empty lists", async () => {
      seedUsers(2);
      const run = await runOne(connections, "Users API v2 Search Users", { "Company Id": COMPANY, Format: format, Email: "nobody@example.com" });
      expect(run.outputs).toMatchObject({ "User Ids": [], Emails: [], "Total Count": 0 });
    });

    test("400 range error for a Page Size over 100 is USERS_V2_INVALID, quoting the vendor", async () => {
      const run = await runOne(connections, "Users API v2 Search Users", { "Company Id": COMPANY, Format: format, "Page Size": 101 });
      expect(run.error).toEqual({
        code: "USERS_V2_INVALID",
        message: "Users API v2 refused the request as invalid (InclusiveBetween): 'pageSize' must be between 1 and 100. You entered 101. Fields at fault: PageSize.",
      });
    });
  });
});

test("a Page Size below 1 is refused before anything is sent", async () => {
  const run = await runOne(connections, "Users API v2 Search Users", { "Company Id": COMPANY, "Page Size": 0 });
  expect(run.error?.code).toBe("INPUT_CONVERSION");
  expect(run.error?.message).toContain('"Page Size"');
  expect(run.logs.some((line) => line.includes("http.request"))).toBe(false);
});
