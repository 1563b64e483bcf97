/**
 * SIQ_CONNECTORS: a command-line user adds a connector as a data file, with no code, and every
 * command that loads pipelines sees its actions (the test connector of test/connectors and its
 * stand-in, over real loopback HTTP).
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { siq } from "../helpers/cli";
import { tempFile } from "../helpers/pipelines";
import { ACME_TEST_KEY, startAcmeStandIn, type AcmeState } from "../stand-ins/acme-people";
import type { StandIn } from "../stand-ins/stand-in-kit";

const CONNECTOR = join(__dirname, "../connectors/fixtures/acme-people.connector.json");

const PIPELINE = {
  name: "Read a person",
  questions: { q1: { label: "Person", type: "text" } },
  connections: { acme: { baseUrl: "${ACME_URL}", auth: { type: "apiKey", in: "header", name: "X-Acme-Key", value: "${ACME_KEY}" } } },
  actions: [{ name: "Get", type: "Acme People Get Person", inputs: { "Person Id": "=[q1]" } }],
};

let standIn: StandIn<AcmeState>;

beforeEach(async () => {
  standIn = await startAcmeStandIn();
  standIn.state.addPerson({ name: "Ada", age: 36, active: true });
});

afterEach(async () => {
  await standIn.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { SIQ_CONNECTORS: CONNECTOR, ACME_URL: standIn.url, ACME_KEY: ACME_TEST_KEY, ...extra };
}

test("siq actions lists a connector file's actions beside the built-ins, and shows one", async () => {
  const list = await siq(["actions"], { env: env() });
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^Acme People Get Person\s+acme-people-get-person/m);
  expect(list.stdout).toMatch(/^SmartIQ User\s/m);
  const one = await siq(["actions", "acme-people-get-person"], { env: env() });
  expect(one.code).toBe(0);
  expect(one.stdout).toContain("Person Id");

  const without = await siq(["actions"], { env: {} });
  expect(without.stdout).not.toContain("Acme People");
});

test("siq validate and siq run use the connector's actions; the request reaches its service", async () => {
  const file = tempFile("acme.pipeline.json", JSON.stringify(PIPELINE));
  const dataDir = join(dirname(file), ".siq");

  expect((await siq(["validate", file], { env: env() })).code).toBe(0);
  const unknown = await siq(["validate", file], { env: { ACME_URL: standIn.url, ACME_KEY: ACME_TEST_KEY } });
  expect(unknown.code).toBe(2);
  expect(unknown.stdout).toContain("Acme People Get Person");

  const run = await siq(["run", file, "--set", "q1=p1", "--json"], { env: env({ SIQ_DATA_DIR: dataDir, SIQ_ADMIN_PASSWORD: "Admin-pass-1" }) });
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { status: string; actions: Array<{ status: string; outputs: Record<string, unknown> }> };
  expect(result.status).toBe("succeeded");
  expect(result.actions[0]?.outputs).toMatchObject({ Found: true, Name: "Ada", Age: 36 });
  expect(standIn.state.received.map((request) => `${request.method} ${request.url}`)).toEqual(["GET /api/people/p1"]);
  // The key is a secret of the connection: never in the result.
  expect(run.stdout).not.toContain(ACME_TEST_KEY);
});

test("a folder is read for its *.connector.json files", async () => {
  const folder = join(dirname(tempFile("x.txt", "")), "connectors");
  mkdirSync(folder, { recursive: true });
  copyFileSync(CONNECTOR, join(folder, "acme.connector.json"));
  writeFileSync(join(folder, "notes.txt"), "not a connector");
  const list = await siq(["actions", "--json"], { env: env({ SIQ_CONNECTORS: folder }) });
  expect(list.code).toBe(0);
  const ids = (JSON.parse(list.stdout) as Array<{ id: string }>).map((definition) => definition.id);
  expect(ids).toEqual(expect.arrayContaining(["acme-people-get-person", "acme-people-list-people", "smartiq-user"]));
});

test("a path that does not exist, a bad file and the same connector twice are clear errors, exit 2", async () => {
  const missing = await siq(["actions"], { env: env({ SIQ_CONNECTORS: "no/such/acme.connector.json" }) });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/FILE_NOT_FOUND/);
  expect(missing.stderr).toContain("SIQ_CONNECTORS names no/such/acme.connector.json");

  const bad = tempFile("bad.connector.json", JSON.stringify({ name: "Bad", actions: [] }));
  const invalid = await siq(["validate", "--json", tempFile("p.pipeline.json", JSON.stringify(PIPELINE))], { env: env({ SIQ_CONNECTORS: bad }) });
  expect(invalid.code).toBe(2);
  expect((JSON.parse(invalid.stdout) as { problems: Array<{ code: string }> }).problems.map((problem) => problem.code)).toEqual(["CONNECTOR_INVALID"]);

  const twice = await siq(["actions"], { env: env({ SIQ_CONNECTORS: `${CONNECTOR}:${CONNECTOR}` }) });
  expect(twice.code).toBe(2);
  expect(twice.stderr).toMatch(/ACTION_CONFLICT/);
});
