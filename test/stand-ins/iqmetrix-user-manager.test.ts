import type { StandIn } from "./stand-in-kit";
import type { IqmetrixState, IqUser } from "./iqmetrix-user-manager";
import { IQMETRIX_TEST_TOKEN, startIqmetrixStandIn } from "./iqmetrix-user-manager";
import { bearer, call } from "./http-call";

const COMPANY = 14146;
const OTHER_COMPANY = 20000;
const LOCATION = 2;

/** The seed's example User, as sent to importExisting. */
const JOHN = {
  UserName: "johnb@kentel",
  Password: "samplepassword",
  Email: "johnb@kentel.com",
  FirstName: "John",
  LastName: "Bates",
  ParentEntityId: COMPANY,
  ClientUserId: "132",
  JobTitle: "Sales Clerk",
  Address: { AddressLine1: "1432 Merry View Road", AddressLine2: "", City: "Big Windy", StateCode: "ON", CountryCode: "CA", Zip: "A1A2B2" },
  PhoneNumbers: [{ Number: "6135550127", Extension: "5532", Type: "Work" }],
};

let server: StandIn<IqmetrixState>;
const auth = bearer(IQMETRIX_TEST_TOKEN);
const at = (path: string): string => `${server.url}${path}`;

function seedUser(fields: Partial<IqUser> & { UserName: string }): IqUser {
  return server.state.addUser({ Email: `${fields.UserName}@example.com`, ParentEntityId: COMPANY, FirstName: "F", LastName: "L", ...fields });
}

function responseStatus(body: unknown): { ErrorCode: string; Message: string; Errors: Array<{ ErrorCode: string; FieldName: string; Message: string }> } {
  return (body as { ResponseStatus: ReturnType<typeof responseStatus> }).ResponseStatus;
}

beforeEach(async () => {
  server = await startIqmetrixStandIn();
  server.state.addCompany(COMPANY);
  server.state.addCompany(OTHER_COMPANY);
  server.state.addLocation(LOCATION, COMPANY);
  server.state.addLocation(14202, COMPANY);
});

afterEach(async () => {
  await server.close();
});

describe("authentication (Authorization: Bearer)", () => {
  const operations: Array<[string, string]> = [
    ["POST", "/Users/importExisting"],
    ["GET", "/Users(2576)"],
    ["PUT", "/Users(2576)"],
    ["DELETE", "/Users(2576)"],
    ["POST", "/Users(2576)/Enable"],
    ["POST", "/Users(2576)/Lock"],
    ["GET", "/Users(2576)/Unlock"],
    ["POST", "/Users(2576)/Unlock"],
    ["POST", "/Users(2576)/TemporaryPassword"],
    ["GET", "/Users(2576)/Locations"],
    ["PUT", "/Users(2576)/Locations(2)"],
    ["DELETE", "/Users(2576)/Locations(2)"],
    ["GET", `/Entities(${COMPANY})/Users`],
    ["GET", `/Entities(${COMPANY})/Users/Search?terms=a`],
    ["GET", `/Entities(${COMPANY})/lockReasons`],
    ["POST", `/Entities(${COMPANY})/lockReasons`],
    ["GET", `/Entities(${COMPANY})/lockReasons(14)`],
    ["PUT", `/Entities(${COMPANY})/lockReasons(14)`],
    ["DELETE", `/Entities(${COMPANY})/lockReasons(14)`],
    ["GET", "/NoSuchResource"],
  ];

  test.each(operations)("%s %s without a token is 401", async (method, path) => {
    const response = await call(method, at(path));
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(responseStatus(response.json)).toEqual({ ErrorCode: "Unauthorized", Message: "Unauthorized", Errors: [] });
  });

  test.each(operations)("%s %s with an unknown token is 401", async (method, path) => {
    const response = await call(method, at(path), { headers: bearer("not-the-token") });
    expect(response.status).toBe(401);
  });

  test("a Basic header is not a bearer token", async () => {
    const response = await call("GET", at("/Users(2576)"), { headers: { authorization: `Basic ${IQMETRIX_TEST_TOKEN}` } });
    expect(response.status).toBe(401);
  });

  test("tokens can be given, and state.tokens changes what is accepted", async () => {
    await server.close();
    server = await startIqmetrixStandIn({ tokens: ["alpha"] });
    expect((await call("GET", at("/Users(1)"), { headers: bearer("alpha") })).status).toBe(404);
    server.state.tokens.delete("alpha");
    expect((await call("GET", at("/Users(1)"), { headers: bearer("alpha") })).status).toBe(401);
  });
});

describe("POST /Users/importExisting", () => {
  test("creates the seed's example User: 201, IsActive, Version 1", async () => {
    const response = await call("POST", at("/Users/importExisting"), { headers: auth, body: JOHN });
    expect(response.status).toBe(201);
    const { Password: _password, ...expected } = JOHN;
    expect(response.json).toEqual({ Id: 2576, ...expected, IsActive: true, Picture: {}, Version: 1 });
    const record = server.state.users.get(2576);
    expect(record?.password).toBe("samplepassword");
    expect(record?.user.Email).toBe("johnb@kentel.com");
  });

  const invalid: Array<[string, Record<string, unknown>, string, string]> = [
    ["UserName missing", { UserName: undefined }, "UserName", "NotEmpty"],
    ["UserName blank", { UserName: "  " }, "UserName", "NotEmpty"],
    ["Email missing", { Email: undefined }, "Email", "NotEmpty"],
    ["FirstName missing", { FirstName: "" }, "FirstName", "NotEmpty"],
    ["LastName missing", { LastName: null }, "LastName", "NotEmpty"],
    ["ParentEntityId missing", { ParentEntityId: undefined }, "ParentEntityId", "NotEmpty"],
    ["ParentEntityId as text", { ParentEntityId: "14146" }, "ParentEntityId", "Invalid"],
    ["Password missing", { Password: undefined }, "Password", "NotEmpty"],
    ["UserName not a string", { UserName: 12 }, "UserName", "Invalid"],
    ["a phone number under 7 characters", { PhoneNumbers: [{ Number: "123456", Type: "Work" }] }, "PhoneNumbers[0].Number", "MinimumLength"],
    ["PhoneNumbers not an array", { PhoneNumbers: { Number: "1234567" } }, "PhoneNumbers", "Invalid"],
    ["Address not an object", { Address: "1432 Merry View Road" }, "Address", "Invalid"],
  ];

  test.each(invalid)("%s is 400 Bad Request naming the field", async (_name, change, field, code) => {
    const response = await call("POST", at("/Users/importExisting"), { headers: auth, body: { ...JOHN, ...change } });
    expect(response.status).toBe(400);
    const status = responseStatus(response.json);
    expect(status.ErrorCode).toBe("BadRequest");
    expect(status.Message).toBe("Bad Request");
    expect(status.Errors).toContainEqual(expect.objectContaining({ FieldName: field, ErrorCode: code }));
    expect(server.state.users.size).toBe(0);
  });

  test("a body that is not JSON is 400", async () => {
    const response = await call("POST", at("/Users/importExisting"), { headers: { ...auth, "content-type": "application/json" }, body: "{not json" });
    expect(response.status).toBe(400);
  });

  test("an unknown company is 404 Entity not found", async () => {
    const response = await call("POST", at("/Users/importExisting"), { headers: auth, body: { ...JOHN, ParentEntityId: 999 } });
    expect(response.status).toBe(404);
    expect(responseStatus(response.json).Message).toBe("Entity not found");
  });

  test.each([
    ["the same UserName (ignoring case)", { UserName: "JOHNB@KENTEL", Email: "other@kentel.com" }],
    ["the same Email", { UserName: "other", Email: "johnb@kentel.com" }],
  ])("%s is 409 Username and email already exist", async (_name, change) => {
    await call("POST", at("/Users/importExisting"), { headers: auth, body: JOHN });
    const response = await call("POST", at("/Users/importExisting"), { headers: auth, body: { ...JOHN, ...change } });
    expect(response.status).toBe(409);
    expect(responseStatus(response.json)).toEqual({ ErrorCode: "Conflict", Message: "Username and email already exist", Errors: [] });
  });

  test("the email of a disabled User is still taken", async () => {
    const disabled = seedUser({ UserName: "old", Email: "johnb@kentel.com", IsActive: false });
    const response = await call("POST", at("/Users/importExisting"), { headers: auth, body: JOHN });
    expect(response.status).toBe(409);
    expect(server.state.users.get(disabled.Id)?.user.IsActive).toBe(false);
  });
});

describe("GET, PUT, DELETE /Users({UserId}) and Enable", () => {
  let john: IqUser;
  beforeEach(async () => {
    john = (await call("POST", at("/Users/importExisting"), { headers: auth, body: JOHN })).json as IqUser;
  });

  test("GET returns the User", async () => {
    const response = await call("GET", at(`/Users(${john.Id})`), { headers: auth });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(john);
  });

  test.each([
    ["GET", "/Users(99)"],
    ["PUT", "/Users(99)"],
    ["DELETE", "/Users(99)"],
    ["POST", "/Users(99)/Enable"],
    ["POST", "/Users(99)/Lock"],
    ["GET", "/Users(99)/Unlock"],
    ["POST", "/Users(99)/Unlock"],
    ["POST", "/Users(99)/TemporaryPassword"],
    ["GET", "/Users(99)/Locations"],
    ["PUT", "/Users(99)/Locations(2)"],
    ["DELETE", "/Users(99)/Locations(2)"],
  ])("%s %s for an unknown User is 404 User not found", async (method, path) => {
    const response = await call(method, at(path), { headers: auth, body: {} });
    expect(response.status).toBe(404);
    expect(responseStatus(response.json)).toEqual({ ErrorCode: "NotFound", Message: "User not found", Errors: [] });
  });

  test("a UserId that is not an integer is 400", async () => {
    const response = await call("GET", at("/Users(abc)"), { headers: auth });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors[0]?.FieldName).toBe("UserId");
  });

  test("PUT with the current Version replaces the User and raises Version", async () => {
    const { Id: _id, IsActive: _active, Version: _version, ...rest } = john;
    const response = await call("PUT", at(`/Users(${john.Id})`), { headers: auth, body: { ...rest, JobTitle: "Manager", PhoneNumbers: [], Version: 1 } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ ...john, JobTitle: "Manager", PhoneNumbers: [], Version: 2 });
    expect(server.state.users.get(john.Id)?.user.Version).toBe(2);
  });

  test("PUT leaves out optional members it is not given: they are cleared", async () => {
    const response = await call("PUT", at(`/Users(${john.Id})`), {
      headers: auth,
      body: { UserName: john.UserName, Email: john.Email, FirstName: "John", LastName: "Bates", ParentEntityId: COMPANY, Version: 1 },
    });
    expect(response.status).toBe(200);
    const user = response.json as IqUser;
    expect(user.JobTitle).toBeUndefined();
    expect(user.Address).toBeUndefined();
    expect(user.PhoneNumbers).toEqual([]);
  });

  test("PUT with an old Version is 409 User version mismatch and changes nothing", async () => {
    const body = { ...john, JobTitle: "First" };
    expect((await call("PUT", at(`/Users(${john.Id})`), { headers: auth, body })).status).toBe(200);
    const stale = await call("PUT", at(`/Users(${john.Id})`), { headers: auth, body: { ...john, JobTitle: "Second" } });
    expect(stale.status).toBe(409);
    expect(responseStatus(stale.json)).toEqual({ ErrorCode: "Conflict", Message: "User version mismatch", Errors: [] });
    expect(server.state.users.get(john.Id)?.user.JobTitle).toBe("First");
  });

  test.each([
    ["Version missing", { Version: undefined }, "Version"],
    ["Version not an integer", { Version: "1" }, "Version"],
    ["an Id other than the URI's", { Id: 1 }, "Id"],
    ["Email missing", { Email: "" }, "Email"],
  ])("PUT with %s is 400", async (_name, change, field) => {
    const response = await call("PUT", at(`/Users(${john.Id})`), { headers: auth, body: { ...john, ...change } });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors).toContainEqual(expect.objectContaining({ FieldName: field }));
  });

  test("PUT taking another User's Email is 409", async () => {
    seedUser({ UserName: "sam", Email: "sam@kentel.com" });
    const response = await call("PUT", at(`/Users(${john.Id})`), { headers: auth, body: { ...john, Email: "Sam@Kentel.com" } });
    expect(response.status).toBe(409);
    expect(responseStatus(response.json).Message).toBe("Username and email already exist");
  });

  test("PUT moving the User to an unknown company is 404 Entity not found", async () => {
    const response = await call("PUT", at(`/Users(${john.Id})`), { headers: auth, body: { ...john, ParentEntityId: 4242 } });
    expect(response.status).toBe(404);
    expect(responseStatus(response.json).Message).toBe("Entity not found");
  });

  test("DELETE disables the User (200, IsActive false, Version 2) and Enable turns it back on", async () => {
    const disabled = await call("DELETE", at(`/Users(${john.Id})`), { headers: auth });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toEqual({ ...john, IsActive: false, Version: 2 });
    const enabled = await call("POST", at(`/Users(${john.Id})/Enable`), { headers: auth });
    expect(enabled.status).toBe(200);
    expect(enabled.json).toEqual({ ...john, IsActive: true, Version: 3 });
  });

  test("disabling a disabled User changes nothing", async () => {
    await call("DELETE", at(`/Users(${john.Id})`), { headers: auth });
    const again = await call("DELETE", at(`/Users(${john.Id})`), { headers: auth });
    expect((again.json as IqUser).Version).toBe(2);
  });

  test("a method the resource does not have is 405", async () => {
    const response = await call("PATCH", at(`/Users(${john.Id})`), { headers: auth, body: {} });
    expect(response.status).toBe(405);
  });
});

describe("GET /Entities({CompanyId})/Users (paged, active only)", () => {
  beforeEach(() => {
    for (let i = 1; i <= 7; i++) seedUser({ UserName: `user${i}` });
    seedUser({ UserName: "gone", IsActive: false });
    server.state.addUser({ UserName: "elsewhere", Email: "e@x.com", ParentEntityId: OTHER_COMPANY });
  });

  test("defaults to $skip=0 and $top=30", async () => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users`), { headers: auth });
    expect(response.status).toBe(200);
    const page = response.json as { _links: Record<string, unknown>; _metadata: unknown; items: IqUser[] };
    expect(page._metadata).toEqual({ count: 7, skip: 0, top: 30 });
    expect(page._links).toEqual({ prev: null, self: `/v1/Entities(${COMPANY})/Users?$skip=0&$top=30`, next: null });
    expect(page.items.map((u) => u.UserName)).toEqual(["user1", "user2", "user3", "user4", "user5", "user6", "user7"]);
  });

  test("relative next links, resolved against the response URL, walk every page", async () => {
    const names: string[] = [];
    const selves: string[] = [];
    let next: string | null = `${server.url}/Entities(${COMPANY})/Users?$skip=0&$top=3`;
    let pages = 0;
    while (next !== null) {
      const requestUrl: string = next;
      const response = await call("GET", requestUrl, { headers: auth });
      expect(response.status).toBe(200);
      const page = response.json as { _links: { self: string; next: string | null; prev: string | null }; items: IqUser[] };
      names.push(...page.items.map((u) => u.UserName));
      selves.push(page._links.self);
      next = page._links.next === null ? null : new URL(page._links.next, requestUrl).toString();
      pages++;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(["user1", "user2", "user3", "user4", "user5", "user6", "user7"]);
    expect(selves).toEqual([0, 3, 6].map((skip) => `/v1/Entities(${COMPANY})/Users?$skip=${skip}&$top=3`));
  });

  test("prev links point back one page", async () => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?$skip=4&$top=3`), { headers: auth });
    const page = response.json as { _links: { prev: string; next: string | null } };
    expect(page._links.prev).toBe(`/v1/Entities(${COMPANY})/Users?$skip=1&$top=3`);
    expect(page._links.next).toBeNull();
  });

  test('absentLink "text" writes a missing link as the text "null", as the endpoint examples do', async () => {
    await server.close();
    server = await startIqmetrixStandIn({ absentLink: "text" });
    server.state.addCompany(COMPANY);
    seedUser({ UserName: "solo" });
    const page = (await call("GET", at(`/Entities(${COMPANY})/Users`), { headers: auth })).json as { _links: Record<string, unknown> };
    expect(page._links.prev).toBe("null");
    expect(page._links.next).toBe("null");
  });

  test.each([
    ["$top=0", "Query string parameter '$top' should be within 1 to 100 range but was 0"],
    ["$top=101", "Query string parameter '$top' should be within 1 to 100 range but was 101"],
    ["$skip=-1", "Query string parameter '$skip' should be non-negative but was -1"],
    ["$top=abc", "Bad Request"],
    ["$skip=1.5", "Bad Request"],
  ])("%s is 400: %s", async (query, message) => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?${query}`), { headers: auth });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Message).toBe(message);
  });

  test("$top=100 is the largest page", async () => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?$top=100`), { headers: auth });
    expect(response.status).toBe(200);
  });

  test.each([["/Entities(999)/Users"], [`/Entities(${LOCATION})/Users`], ["/Entities(999)/Users/Search?terms=a"], ["/Entities(999)/lockReasons"]])(
    "%s (not a company) is 404 Entity not found",
    async (path) => {
      const response = await call("GET", at(path), { headers: auth });
      expect(response.status).toBe(404);
      expect(responseStatus(response.json).Message).toBe("Entity not found");
    },
  );
});

describe("GET /Entities({CompanyId})/Users?$filter=ClientUserId eq '...'", () => {
  test("returns a bare array, disabled Users included", async () => {
    const active = seedUser({ UserName: "a", ClientUserId: "132" });
    const disabled = seedUser({ UserName: "b", ClientUserId: "132", IsActive: false });
    seedUser({ UserName: "c", ClientUserId: "133" });
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?$filter=${encodeURIComponent("ClientUserId eq '132'")}`), { headers: auth });
    expect(response.status).toBe(200);
    expect(response.json).toEqual([active, disabled]);
  });

  test("an OData quote ('') inside the literal is one quote", async () => {
    const user = seedUser({ UserName: "o", ClientUserId: "O'Brien" });
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?$filter=${encodeURIComponent("ClientUserId eq 'O''Brien'")}`), { headers: auth });
    expect(response.json).toEqual([user]);
  });

  test("$skip and $top apply", async () => {
    for (let i = 0; i < 5; i++) seedUser({ UserName: `u${i}`, ClientUserId: "x" });
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?$filter=${encodeURIComponent("ClientUserId eq 'x'")}&$skip=3&$top=10`), { headers: auth });
    expect((response.json as IqUser[]).map((u) => u.UserName)).toEqual(["u3", "u4"]);
  });

  test.each([["ClientUserId eq 132"], ["UserName eq 'a'"], ["ClientUserId eq 'a' or 1 eq 1"]])("$filter=%s is 400", async (filter) => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users?$filter=${encodeURIComponent(filter)}`), { headers: auth });
    expect(response.status).toBe(400);
  });
});

describe("GET /Entities({CompanyId})/Users/Search", () => {
  beforeEach(() => {
    seedUser({ UserName: "sams", FirstName: "Sam", LastName: "Smith" });
    seedUser({ UserName: "samj", FirstName: "Sam", LastName: "Jones" });
    seedUser({ UserName: "samx", FirstName: "Sam", LastName: "Smith", IsActive: false });
  });

  test("finds active Users matching every term (terms=Sam+Smith)", async () => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users/Search?terms=Sam+Smith`), { headers: auth });
    expect(response.status).toBe(200);
    const page = response.json as { items: IqUser[]; _metadata: unknown };
    expect(page.items.map((u) => u.UserName)).toEqual(["sams"]);
    expect(page._metadata).toEqual({ count: 1, skip: 0, top: 30 });
  });

  test("links keep the terms", async () => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users/Search?terms=sam&$top=1`), { headers: auth });
    const page = response.json as { _links: { next: string } };
    expect(page._links.next).toBe(`/v1/Entities(${COMPANY})/Users/Search?terms=sam&$skip=1&$top=1`);
    const second = await call("GET", new URL(page._links.next, server.url).toString(), { headers: auth });
    expect((second.json as { items: IqUser[] }).items.map((u) => u.UserName)).toEqual(["samj"]);
  });

  test.each([[""], ["?terms="], ["?terms=%20%20"]])("no terms (%s) is 400 No search terms provided", async (query) => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users/Search${query}`), { headers: auth });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Message).toBe("No search terms provided");
  });

  test("range errors apply to search too", async () => {
    const response = await call("GET", at(`/Entities(${COMPANY})/Users/Search?terms=sam&$top=500`), { headers: auth });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Message).toBe("Query string parameter '$top' should be within 1 to 100 range but was 500");
  });
});

describe("locations", () => {
  let user: IqUser;
  beforeEach(() => {
    user = seedUser({ UserName: "loc" });
  });

  test("assign (204), list, unassign (204)", async () => {
    const assigned = await call("PUT", at(`/Users(${user.Id})/Locations(${LOCATION})`), { headers: { ...auth, "content-type": "application/json" } });
    expect(assigned.status).toBe(204);
    expect(assigned.headers["content-type"]).toBe("application/json");
    expect(assigned.text).toBe("");
    await call("PUT", at(`/Users(${user.Id})/Locations(14202)`), { headers: auth });
    const listed = await call("GET", at(`/Users(${user.Id})/Locations`), { headers: auth });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({ UserID: user.Id, LocationIDs: [LOCATION, 14202] });
    expect((await call("DELETE", at(`/Users(${user.Id})/Locations(${LOCATION})`), { headers: auth })).status).toBe(204);
    expect((await call("GET", at(`/Users(${user.Id})/Locations`), { headers: auth })).json).toEqual({ UserID: user.Id, LocationIDs: [14202] });
  });

  test.each([["PUT"], ["DELETE"]])("%s of an unknown location (or a company) is 404 Entity not found", async (method) => {
    for (const id of [777, COMPANY]) {
      const response = await call(method, at(`/Users(${user.Id})/Locations(${id})`), { headers: auth });
      expect(response.status).toBe(404);
      expect(responseStatus(response.json).Message).toBe("Entity not found");
    }
  });
});

describe("locks and temporary passwords", () => {
  let user: IqUser;
  let reasonId: number;
  beforeEach(() => {
    user = seedUser({ UserName: "lockme" });
    reasonId = server.state.addLockReason(COMPANY, "PaperworkNotDone", "Your account has been locked because the paperwork hasn't been done.").Id;
  });

  test("lock (204), lock status, unlock (204)", async () => {
    const locked = await call("POST", at(`/Users(${user.Id})/Lock`), { headers: auth, body: { LockReasonId: reasonId } });
    expect(locked.status).toBe(204);
    expect((await call("GET", at(`/Users(${user.Id})/Unlock`), { headers: auth })).json).toEqual({ CanUnlockUser: true, LockReasonId: reasonId });
    expect((await call("POST", at(`/Users(${user.Id})/Unlock`), { headers: auth })).status).toBe(204);
    expect((await call("GET", at(`/Users(${user.Id})/Unlock`), { headers: auth })).json).toEqual({ CanUnlockUser: false, LockReasonId: null });
  });

  test.each([
    ["no LockReasonId", {}, "NotEmpty"],
    ["a LockReasonId that is text", { LockReasonId: "14" }, "Invalid"],
    ["an unknown LockReasonId", { LockReasonId: 999 }, "Invalid"],
  ])("locking with %s is 400 naming LockReasonId", async (_name, body, code) => {
    const response = await call("POST", at(`/Users(${user.Id})/Lock`), { headers: auth, body });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors).toEqual([expect.objectContaining({ FieldName: "LockReasonId", ErrorCode: code })]);
    expect(server.state.users.get(user.Id)?.lockReasonId).toBeNull();
  });

  test("a lock reason of another company cannot lock the User", async () => {
    const foreign = server.state.addLockReason(OTHER_COMPANY, "Other");
    const response = await call("POST", at(`/Users(${user.Id})/Lock`), { headers: auth, body: { LockReasonId: foreign.Id } });
    expect(response.status).toBe(400);
  });

  test("TemporaryPassword sets a temporary password (204)", async () => {
    const response = await call("POST", at(`/Users(${user.Id})/TemporaryPassword`), { headers: auth, body: { Password: "newpa55word" } });
    expect(response.status).toBe(204);
    expect(server.state.users.get(user.Id)).toMatchObject({ password: "newpa55word", passwordIsTemporary: true });
  });

  test.each([["12345"], [""], [undefined], [123456]])("TemporaryPassword %p is 400 (at least 6 characters)", async (password) => {
    const before = server.state.users.get(user.Id)?.password;
    const response = await call("POST", at(`/Users(${user.Id})/TemporaryPassword`), { headers: auth, body: { Password: password } });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Message).toBe("The temporary password must be at least 6 characters long");
    expect(server.state.users.get(user.Id)?.password).toBe(before);
  });
});

describe("lock reasons", () => {
  const reasons = (): string => at(`/Entities(${COMPANY})/lockReasons`);

  test("list, create (201), get, update, delete (200)", async () => {
    expect((await call("GET", reasons(), { headers: auth })).json).toEqual([]);
    const created = await call("POST", reasons(), { headers: auth, body: { Name: "PaperworkNotDone", Description: "Please contact your supervisor." } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ Id: 14, Name: "PaperworkNotDone", Description: "Please contact your supervisor." });
    expect((await call("GET", reasons(), { headers: auth })).json).toEqual([created.json]);
    expect((await call("GET", at(`/Entities(${COMPANY})/lockReasons(14)`), { headers: auth })).json).toEqual(created.json);
    const updated = await call("PUT", at(`/Entities(${COMPANY})/lockReasons(14)`), { headers: auth, body: { Id: 14, Name: "Renamed", Description: "New text" } });
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({ Id: 14, Name: "Renamed", Description: "New text" });
    const deleted = await call("DELETE", at(`/Entities(${COMPANY})/lockReasons(14)`), { headers: auth });
    expect(deleted.status).toBe(200);
    expect(deleted.headers["content-type"]).toBe("application/json");
    expect(deleted.text).toBe("");
    expect((await call("GET", at(`/Entities(${COMPANY})/lockReasons(14)`), { headers: auth })).status).toBe(404);
  });

  test("a lock reason of another company is 404 Entity not found", async () => {
    const foreign = server.state.addLockReason(OTHER_COMPANY, "Other");
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await call(method, at(`/Entities(${COMPANY})/lockReasons(${foreign.Id})`), { headers: auth, body: { Name: "x" } });
      expect(response.status).toBe(404);
      expect(responseStatus(response.json).Message).toBe("Entity not found");
    }
  });

  test.each([
    ["POST", "no Name", {}, "Name"],
    ["POST", "a blank Name", { Name: " " }, "Name"],
    ["POST", "a Description that is not text", { Name: "x", Description: 5 }, "Description"],
    ["PUT", "an Id other than the URI's", { Id: 99, Name: "x" }, "Id"],
  ])("%s with %s is 400", async (method, _name, body, field) => {
    const reason = server.state.addLockReason(COMPANY, "Existing");
    const url = method === "POST" ? reasons() : at(`/Entities(${COMPANY})/lockReasons(${reason.Id})`);
    const response = await call(method, url, { headers: auth, body });
    expect(response.status).toBe(400);
    expect(responseStatus(response.json).Errors).toContainEqual(expect.objectContaining({ FieldName: field }));
  });
});
