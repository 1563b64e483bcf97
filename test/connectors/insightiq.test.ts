/**
 * The insightIQ connector, run by the engine through real pipelines against the stand-in: Basic
 * auth from the connection, create a user, get one by external ID, create an SDK token (a secret
 * output: in the result, nowhere else), and the errors.
 */
import type { JsonValue } from "../../runtime/values";
import { echoAction } from "../helpers/test-actions";
import type { StandIn } from "../stand-ins/stand-in-kit";
import { INSIGHTIQ_TEST_PASSWORD, INSIGHTIQ_TEST_USERNAME, startInsightIqStandIn, type InsightIqState } from "../stand-ins/insightiq";
import { runOne, runPipelineData, visibleText } from "./run-connector";

let standIn: StandIn<InsightIqState>;
let connections: Record<string, JsonValue>;
const basicToken = Buffer.from(`${INSIGHTIQ_TEST_USERNAME}:${INSIGHTIQ_TEST_PASSWORD}`).toString("base64");

beforeEach(async () => {
  standIn = await startInsightIqStandIn({ now: () => new Date("2026-03-01T09:00:00.000Z") });
  connections = { insightiq: { baseUrl: standIn.url, auth: { type: "basic", username: INSIGHTIQ_TEST_USERNAME, password: INSIGHTIQ_TEST_PASSWORD } } };
});

afterEach(async () => {
  await standIn.close();
});

function secretsShown(text: string): string[] {
  return [INSIGHTIQ_TEST_PASSWORD, basicToken].filter((secret) => text.includes(secret));
}

describe("Create User", () => {
  test("creates a user (201) with Basic auth; the request id comes from the response header", async () => {
    const run = await runOne(connections, "insightIQ Create User", { Name: "Jane Doe", "External Id": "emp-100" });
    expect(run.status).toBe("succeeded");
    const user = [...standIn.state.users.values()][0];
    expect(run.outputs).toEqual({
      "User Id": user?.id,
      Name: "Jane Doe",
      "External Id": "emp-100",
      Status: "ACTIVE",
      "Created At": "2026-03-01T09:00:00.000000",
      "Updated At": "2026-03-01T09:00:00.000000",
      "Request Id": standIn.state.requestIds[0],
      "HTTP Status": 201,
    });
    expect(secretsShown(visibleText(run))).toEqual([]);
  });

  test("409 for an external ID in use is INSIGHTIQ_USER_EXISTS", async () => {
    standIn.state.addUser("Someone", "emp-100");
    const run = await runOne(connections, "insightIQ Create User", { Name: "Jane Doe", "External Id": "emp-100" });
    expect(run.error?.code).toBe("INSIGHTIQ_USER_EXISTS");
  });

  test("400 for an external ID over 100 characters is INSIGHTIQ_INVALID, quoting the vendor", async () => {
    const run = await runOne(connections, "insightIQ Create User", { Name: "Jane Doe", "External Id": "x".repeat(101) });
    expect(run.error).toEqual({ code: "INSIGHTIQ_INVALID", message: "insightIQ refused the request as invalid (POST /v1/users): 'external_id' must be at most 100 characters." });
  });

  test.each([
    ["a wrong password", { password: "wrong-password-123" }],
    ["an unknown client id", { username: "someone-else" }],
  ])("401 for %s is INSIGHTIQ_UNAUTHORIZED, and no credential shows", async (_name, auth) => {
    const bad = { insightiq: { baseUrl: standIn.url, auth: { type: "basic", username: INSIGHTIQ_TEST_USERNAME, password: INSIGHTIQ_TEST_PASSWORD, ...auth } } };
    const run = await runOne(bad, "insightIQ Create User", { Name: "Jane", "External Id": "e1" });
    expect(run.error).toEqual({
      code: "INSIGHTIQ_UNAUTHORIZED",
      message: "insightIQ refused the credentials of connection insightiq (POST /v1/users): check the username and password of its basic auth.",
    });
    const shown = visibleText(run);
    expect(shown).not.toContain("wrong-password-123");
    expect(secretsShown(shown)).toEqual([]);
  });
});

describe("Get User by External Id", () => {
  test("finds the user", async () => {
    const user = standIn.state.addUser("Jane Doe", "emp-7");
    const run = await runOne(connections, "insightIQ Get User by External Id", { "External Id": "emp-7" });
    expect(run.outputs).toMatchObject({ Found: true, "User Id": user.id, Name: "Jane Doe", "HTTP Status": 200 });
  });

  test("an external ID with / ? # stays one path segment", async () => {
    const user = standIn.state.addUser("Odd", "a/../sdk-tokens?x=#1");
    const run = await runOne(connections, "insightIQ Get User by External Id", { "External Id": "a/../sdk-tokens?x=#1" });
    expect(run.outputs).toMatchObject({ Found: true, "User Id": user.id });
    expect(run.logs.find((line) => line.includes("http.request"))).toContain("/v1/users/external_id/a%2F..%2Fsdk-tokens%3Fx%3D%231");
  });

  test("an external ID of .. is refused before sending: it would reach /v1/users/", async () => {
    const run = await runOne(connections, "insightIQ Get User by External Id", { "External Id": ".." });
    expect(run.error?.code).toBe("INPUT_CONVERSION");
    expect(standIn.state.requestIds).toEqual([]);
  });

  test("404 is INSIGHTIQ_NOT_FOUND, or Found false when asked", async () => {
    const failed = await runOne(connections, "insightIQ Get User by External Id", { "External Id": "nobody" });
    expect(failed.error).toEqual({ code: "INSIGHTIQ_NOT_FOUND", message: "insightIQ found no such user (GET /v1/users/external_id/nobody): No user has this external_id." });
    const quiet = await runOne(connections, "insightIQ Get User by External Id", { "External Id": "nobody", "Fail If Not Found": false });
    expect(quiet.outputs).toMatchObject({ Found: false, "User Id": "", "HTTP Status": 404 });
  });
});

describe("Create SDK Token", () => {
  test("the token is in the action's result and masked everywhere else, later actions included", async () => {
    const run = await runPipelineData(
      {
        connections,
        actions: [
          { name: "User", type: "insightIQ Create User", inputs: { Name: "Jane Doe", "External Id": "emp-1" } },
          { name: "Token", type: "insightIQ Create SDK Token", inputs: { "User Id": "=[User.User Id]", Products: "IDENTITY\n\n  INCOME \n" } },
          { name: "Echo", type: "Test Echo", inputs: { Text: "token: {{Token.[SDK Token]}}" } },
        ],
      },
      { actions: [echoAction] },
    );
    expect(run.result.status).toBe("succeeded");
    const issued = standIn.state.sdkTokens[0];
    expect(issued?.products).toEqual(["IDENTITY", "INCOME"]);
    const token = run.result.actions[1]?.outputs;
    expect(token).toEqual({ "SDK Token": issued?.sdk_token, "Expires At": "2026-03-08T09:00:00.000000", "Request Id": standIn.state.requestIds[1], "HTTP Status": 201 });
    expect(run.result.actions[2]?.outputs?.["Text"]).toBe("token: ***");
    const shown = visibleText(run, ["SDK Token"]);
    expect(shown).not.toContain(issued?.sdk_token ?? "no token");
    expect(secretsShown(shown)).toEqual([]);
  });

  test("400 for a product that is not allowed is INSIGHTIQ_INVALID", async () => {
    const user = standIn.state.addUser("Jane", "e1");
    const run = await runOne(connections, "insightIQ Create SDK Token", { "User Id": user.id, Products: "IDENTITY\nTELEPATHY" });
    expect(run.error?.code).toBe("INSIGHTIQ_INVALID");
    expect(run.error?.message).toContain("'products[1]' must be one of");
  });

  test("404 for an unknown user is INSIGHTIQ_NOT_FOUND", async () => {
    const run = await runOne(connections, "insightIQ Create SDK Token", { "User Id": "00000000-0000-4000-8000-000000000000", Products: "IDENTITY" });
    expect(run.error?.code).toBe("INSIGHTIQ_NOT_FOUND");
  });
});

describe("the connection", () => {
  test("a connection with another auth type is refused by validation, naming what the connector accepts", async () => {
    const bearer = { insightiq: { baseUrl: standIn.url, auth: { type: "bearer", token: "some-bearer-token" } } };
    await expect(runOne(bearer, "insightIQ Create User", { Name: "J", "External Id": "e" })).rejects.toMatchObject({
      code: "PIPELINE_INVALID",
      problems: [
        expect.objectContaining({
          path: "actions[0].inputs.Connection",
          code: "CONNECTOR_AUTH_MISMATCH",
          message: 'the connection "insightiq" uses bearer auth; insightIQ accepts basic',
        }),
      ],
    });
  });

  test("a missing connection is refused by validation", async () => {
    await expect(runOne({}, "insightIQ Create User", { Name: "J", "External Id": "e" })).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: "CONNECTION_UNKNOWN", message: expect.stringContaining("add connections.insightiq with a baseUrl and basic auth") })],
    });
  });

  test("Connection names another connection; a Connection chosen by formula is checked when it runs", async () => {
    const both = { ...connections, spare: { baseUrl: standIn.url, auth: { type: "apiKey", in: "header", name: "x-key", value: "spare-api-key" } } };
    const named = await runOne(both, "insightIQ Create User", { Name: "J", "External Id": "e", Connection: "insightiq" });
    expect(named.status).toBe("succeeded");
    const chosen = await runOne(both, "insightIQ Create User", { Name: "J", "External Id": "e2", Connection: '="spare"' });
    expect(chosen.error).toEqual({ code: "CONNECTOR_AUTH_MISMATCH", message: 'Action "Step": The connection "spare" uses apiKey auth; insightIQ accepts basic.' });
    expect(visibleText(chosen)).not.toContain("spare-api-key");
  });
});
