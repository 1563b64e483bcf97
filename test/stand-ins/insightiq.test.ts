import type { StandIn } from "./stand-in-kit";
import type { InsightIqState, InsightUser } from "./insightiq";
import { INSIGHTIQ_PRODUCTS, INSIGHTIQ_TEST_PASSWORD, INSIGHTIQ_TEST_USERNAME, startInsightIqStandIn } from "./insightiq";
import { basic, call } from "./http-call";

const NOW = new Date("2022-03-29T17:29:37.974Z");
let server: StandIn<InsightIqState>;
const auth = basic(INSIGHTIQ_TEST_USERNAME, INSIGHTIQ_TEST_PASSWORD);

interface ErrorBody {
  error_code: string;
  message: string;
  status_code: number;
  request_id: string;
}

beforeEach(async () => {
  server = await startInsightIqStandIn({ now: () => NOW });
});

afterEach(async () => {
  await server.close();
});

describe("Basic authentication", () => {
  const operations: Array<[string, string]> = [
    ["POST", "/users"],
    ["GET", "/users/external_id/abc"],
    ["POST", "/sdk-tokens"],
    ["GET", "/nothing-here"],
  ];
  const wrong: Array<[string, Record<string, string>]> = [
    ["no Authorization", {}],
    ["a wrong password", basic(INSIGHTIQ_TEST_USERNAME, "nope")],
    ["a wrong username", basic("someone", INSIGHTIQ_TEST_PASSWORD)],
    ["a Bearer token", { authorization: "Bearer 123" }],
    ["Basic without a colon", { authorization: `Basic ${Buffer.from("justtext").toString("base64")}` }],
  ];
  const cases = operations.flatMap(([method, path]) => wrong.map(([name, headers]) => [method, path, name, headers] as const));

  test.each(cases)("%s %s with %s is 401", async (method, path, _name, headers) => {
    const response = await call(method, `${server.url}${path}`, { headers, body: {} });
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Basic/);
    const body = response.json as ErrorBody;
    expect(body).toMatchObject({ error_code: "unauthorized", status_code: 401 });
    expect(body.request_id).toBe(response.headers["request-id"]);
  });
});

describe("POST /v1/users", () => {
  test("creates the seed's example user: 201, ACTIVE, timestamps, request-id header", async () => {
    const response = await call("POST", `${server.url}/users`, { headers: auth, body: { name: "John Doe", external_id: "179a0bb4-c572-4477-9457-7dacf1b84848" } });
    expect(response.status).toBe(201);
    expect(response.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json).toEqual({
      name: "John Doe",
      external_id: "179a0bb4-c572-4477-9457-7dacf1b84848",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created_at: "2022-03-29T17:29:37.974000",
      updated_at: "2022-03-29T17:29:37.974000",
      status: "ACTIVE",
    });
    expect(server.state.users.size).toBe(1);
  });

  test("an external_id of exactly 100 characters is accepted", async () => {
    const response = await call("POST", `${server.url}/users`, { headers: auth, body: { name: "A", external_id: "x".repeat(100) } });
    expect(response.status).toBe(201);
  });

  test.each([
    ["name missing", { external_id: "e" }, "'name'"],
    ["name blank", { name: " ", external_id: "e" }, "'name'"],
    ["external_id missing", { name: "A" }, "'external_id'"],
    ["external_id not a string", { name: "A", external_id: 5 }, "'external_id'"],
    ["external_id over 100 characters", { name: "A", external_id: "x".repeat(101) }, "at most 100 characters"],
    ["a body that is not an object", [1], "JSON object"],
  ])("%s is 400", async (_name, body, fragment) => {
    const response = await call("POST", `${server.url}/users`, { headers: auth, body });
    expect(response.status).toBe(400);
    const error = response.json as ErrorBody;
    expect(error).toMatchObject({ error_code: "validation_error", status_code: 400 });
    expect(error.message).toContain(fragment);
    expect(server.state.users.size).toBe(0);
  });

  test("a second user with the same external_id is 409", async () => {
    server.state.addUser("First", "same");
    const response = await call("POST", `${server.url}/users`, { headers: auth, body: { name: "Second", external_id: "same" } });
    expect(response.status).toBe(409);
    expect((response.json as ErrorBody).error_code).toBe("user_already_exists");
  });
});

describe("GET /v1/users/external_id/{external_id}", () => {
  test("returns the user (200)", async () => {
    const user = server.state.addUser("Mark Ruffalo", "154813a5-d26e-42f2-8b1d-ebbed59b062d");
    const response = await call("GET", `${server.url}/users/external_id/154813a5-d26e-42f2-8b1d-ebbed59b062d`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(user);
  });

  test("an external_id with reserved characters, percent-encoded", async () => {
    const user = server.state.addUser("Slash", "a/b c?d");
    const response = await call("GET", `${server.url}/users/external_id/${encodeURIComponent("a/b c?d")}`, { headers: auth });
    expect(response.status).toBe(200);
    expect((response.json as InsightUser).id).toBe(user.id);
  });

  test("an unknown external_id is 404", async () => {
    const response = await call("GET", `${server.url}/users/external_id/nope`, { headers: auth });
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error_code: "user_not_found", status_code: 404 });
  });
});

describe("POST /v1/sdk-tokens", () => {
  test("creates a token for the user's products, expiring in 7 days (201)", async () => {
    const user = server.state.addUser("John", "e1");
    const products = [...INSIGHTIQ_PRODUCTS];
    const response = await call("POST", `${server.url}/sdk-tokens`, { headers: auth, body: { user_id: user.id, products } });
    expect(response.status).toBe(201);
    const body = response.json as { sdk_token: string; expires_at: string };
    expect(body.expires_at).toBe("2022-04-05T17:29:37.974000");
    const [, payload] = body.sdk_token.split(".");
    expect(JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"))).toMatchObject({ user_id: user.id, products });
    expect(server.state.sdkTokens).toEqual([{ user_id: user.id, products, sdk_token: body.sdk_token, expires_at: body.expires_at }]);
  });

  test.each([
    ["user_id missing", 400, { products: ["IDENTITY"] }],
    ["products missing", 400, { user_id: "U" }],
    ["products empty", 400, { user_id: "U", products: [] }],
    ["a product not allowed", 400, { user_id: "U", products: ["IDENTITY", "EVERYTHING"] }],
    ["an unknown user_id", 404, { user_id: "00000000-0000-4000-8000-000000000000", products: ["INCOME"] }],
  ])("%s → %d", async (_name, status, body) => {
    const user = server.state.addUser("John", "e1");
    const response = await call("POST", `${server.url}/sdk-tokens`, { headers: auth, body: JSON.parse(JSON.stringify(body).replace('"U"', `"${user.id}"`)) as unknown });
    expect(response.status).toBe(status);
    expect((response.json as ErrorBody).status_code).toBe(status);
    expect(server.state.sdkTokens).toEqual([]);
  });
});
