/**
 * The connector example pipelines (examples/connectors/*.pipeline.json): `siq validate` accepts
 * each once its `${NAME}` variables are set, and each runs against its stand-in as the docs say.
 * They sit below examples/ so that a plain `siq validate examples/*.pipeline.json` (no
 * credentials in the environment) does not meet them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRuntime } from "../../runtime";
import { inspectPipelineFile } from "../../runtime/pipeline/load";
import { siq } from "../helpers/cli";
import { INSIGHTIQ_TEST_PASSWORD, INSIGHTIQ_TEST_USERNAME, startInsightIqStandIn } from "../stand-ins/insightiq";
import { IQMETRIX_TEST_TOKEN, startIqmetrixStandIn } from "../stand-ins/iqmetrix-user-manager";
import { USERS_V1_TEST_INTEGRATION_KEY, startUsersV1StandIn } from "../stand-ins/users-api-v1";
import { USERS_V2_TEST_COMPANY_ID, USERS_V2_TEST_INTEGRATION_KEY, startUsersV2StandIn } from "../stand-ins/users-api-v2";

const DIRECTORY = join(__dirname, "../../examples/connectors");
const FILES = readdirSync(DIRECTORY).filter((name) => name.endsWith(".pipeline.json")).sort();

const ENV: Record<string, string> = {
  IQMETRIX_BASE_URL: "https://usermanagerdemo.iqmetrix.net/v1",
  IQMETRIX_TOKEN: "example-token",
  FORMSFLY_BASE_URL: "http://secure.formsfly.com/api/v1",
  FORMSFLY_INTEGRATION_KEY: "example-key",
  USERS_V2_BASE_URL: "http://secure.formsfly.com/api/v2",
  USERS_V2_INTEGRATION_KEY: "example-key",
  INSIGHTIQ_BASE_URL: "https://api.staging.insightiq.ai/v1",
  INSIGHTIQ_CLIENT_ID: "example-id",
  INSIGHTIQ_CLIENT_SECRET: "example-secret",
};

test("there is an example per shipped connector", () => {
  expect(FILES.map((file) => file.split("-")[0])).toEqual(["insightiq", "iqmetrix", "users", "users"]);
});

test("docs/connectors.md names every example", () => {
  const docs = readFileSync(join(__dirname, "../../docs/connectors.md"), "utf8");
  expect(FILES.filter((file) => !docs.includes(`examples/connectors/${file}`))).toEqual([]);
});

describe.each(FILES)("%s", (file) => {
  test("siq validate accepts it with its variables set", async () => {
    const run = await siq(["validate", join(DIRECTORY, file)], { env: ENV });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.not.stringContaining("error") });
  });

  test("without them, validation names each missing variable", async () => {
    const result = await inspectPipelineFile(join(DIRECTORY, file), { env: {} });
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.every((problem) => problem.code === "ENV_VARIABLE_MISSING")).toBe(true);
  });
});

async function runExample(file: string, env: Record<string, string>, answers: Record<string, unknown>) {
  const runtime = createRuntime();
  try {
    const pipeline = await runtime.loadPipeline(join(DIRECTORY, file), { env });
    return await runtime.run(pipeline, { answers });
  } finally {
    await runtime.close();
  }
}

const statuses = (result: { actions: Array<{ name: string; status: string }> }) => Object.fromEntries(result.actions.map((action) => [action.name, action.status]));

test("iQmetrix: imports a new employee, and re-enables a disabled one on the next run", async () => {
  const standIn = await startIqmetrixStandIn();
  try {
    standIn.state.addCompany(14146);
    standIn.state.addLocation(14150, 14146);
    const env = { IQMETRIX_BASE_URL: standIn.url, IQMETRIX_TOKEN: IQMETRIX_TEST_TOKEN };
    const answers = { q1: "E-42", q2: "kim@example.com", q3: "Kim", q4: "Lee", q5: "Initial-Pass-1", q6: 14150 };
    const first = await runExample("iqmetrix-replicate-employee.pipeline.json", env, answers);
    expect(statuses(first)).toEqual({ Find: "succeeded", Import: "succeeded", "Re-enable": "skipped", "Assign Store": "succeeded" });
    const [record] = [...standIn.state.users.values()];
    expect(record?.user).toMatchObject({ ClientUserId: "E-42", Email: "kim@example.com", IsActive: true });
    expect([...(record?.locationIds ?? [])]).toEqual([14150]);

    if (record) record.user = { ...record.user, IsActive: false };
    const second = await runExample("iqmetrix-replicate-employee.pipeline.json", env, answers);
    expect(statuses(second)).toEqual({ Find: "succeeded", Import: "skipped", "Re-enable": "succeeded", "Assign Store": "succeeded" });
    expect(standIn.state.users.size).toBe(1);
    expect(record?.user.IsActive).toBe(true);
  } finally {
    await standIn.close();
  }
});

test("Users API v1 (XML): creates the User, then updates it", async () => {
  const standIn = await startUsersV1StandIn();
  try {
    const env = { FORMSFLY_BASE_URL: standIn.url, FORMSFLY_INTEGRATION_KEY: USERS_V1_TEST_INTEGRATION_KEY };
    const folder = "0b7a4d1e-1111-4c1c-9a57-0a1b2c3d4e5f";
    const first = await runExample("users-api-v1-create-if-missing.pipeline.json", env, { q1: "X-1", q2: "x1@example.com", q3: "Ann", q4: "Bee", q5: [{ FolderId: folder }] });
    expect(statuses(first)).toEqual({ Lookup: "succeeded", Create: "succeeded", Update: "skipped" });
    const second = await runExample("users-api-v1-create-if-missing.pipeline.json", env, { q1: "X-1", q2: "x1@example.com", q3: "Anne", q4: "Bee", q5: [] });
    expect(statuses(second)).toEqual({ Lookup: "succeeded", Create: "skipped", Update: "succeeded" });
    const [record] = [...standIn.state.users.values()];
    expect(record?.user).toMatchObject({ ExternalId: "X-1", FirstName: "Anne", Folders: [folder] });
    expect(record?.activationEmailSent).toBe(false);
  } finally {
    await standIn.close();
  }
});

test("Users API v2: reads every inactive user, then the first in full", async () => {
  const standIn = await startUsersV2StandIn();
  try {
    standIn.state.addUser({ FirstName: "A", LastName: "Active", Email: "a@example.com" });
    const inactive = standIn.state.addUser({ FirstName: "I", LastName: "Inactive", Email: "i@example.com", Status: "Inactive" });
    const env = { USERS_V2_BASE_URL: standIn.url, USERS_V2_INTEGRATION_KEY: USERS_V2_TEST_INTEGRATION_KEY };
    const result = await runExample("users-api-v2-inactive-users.pipeline.json", env, { q1: USERS_V2_TEST_COMPANY_ID });
    expect(result.status).toBe("succeeded");
    expect(result.actions[0]?.outputs).toMatchObject({ "User Ids": [inactive.Id], "Total Count": 1 });
    expect(result.actions[1]?.outputs).toMatchObject({ Found: true, Email: "i@example.com", Status: "Inactive" });
  } finally {
    await standIn.close();
  }
});

test("insightIQ: creates the user once, and a token on every run", async () => {
  const standIn = await startInsightIqStandIn();
  try {
    const env = { INSIGHTIQ_BASE_URL: standIn.url, INSIGHTIQ_CLIENT_ID: INSIGHTIQ_TEST_USERNAME, INSIGHTIQ_CLIENT_SECRET: INSIGHTIQ_TEST_PASSWORD };
    const answers = { q1: "creator-9", q2: "Sam", q3: "Poe" };
    const first = await runExample("insightiq-onboard-creator.pipeline.json", env, answers);
    expect(statuses(first)).toEqual({ Existing: "succeeded", Create: "succeeded", Token: "succeeded" });
    const second = await runExample("insightiq-onboard-creator.pipeline.json", env, answers);
    expect(statuses(second)).toEqual({ Existing: "succeeded", Create: "skipped", Token: "succeeded" });
    expect(standIn.state.users.size).toBe(1);
    const user = [...standIn.state.users.values()][0];
    expect(standIn.state.sdkTokens.map((token) => token.user_id)).toEqual([user?.id, user?.id]);
    expect(second.actions[2]?.outputs?.["SDK Token"]).toBe(standIn.state.sdkTokens[1]?.sdk_token);
  } finally {
    await standIn.close();
  }
});

test("siq actions lists every connector action", async () => {
  const run = await siq(["actions", "--json"]);
  const ids = (JSON.parse(run.stdout) as Array<{ id: string }>).map((definition) => definition.id);
  expect(ids).toEqual(expect.arrayContaining(["iqmetrix-import-user", "users-api-v1-create-suser", "users-api-v2-search-users", "insightiq-create-sdk-token"]));
  expect(ids.filter((id) => /^(iqmetrix|users-api-v[12]|insightiq)-/.test(id))).toHaveLength(30);
  const one = await siq(["actions", "iQmetrix Update User"]);
  expect(one.stdout).toContain("Connection");
  expect(one.stdout).toContain("HTTP Status");
});
