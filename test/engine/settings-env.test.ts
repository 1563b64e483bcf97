/** Settings from the environment: the response limit and SmartIQ User's password policy (SPEC 5.3: configurable). */
import { dirname, join } from "node:path";
import { defaultSettings } from "../../runtime/runtime";
import { siq } from "../helpers/cli";
import { tempFile } from "../helpers/pipelines";

test("unset, the defaults: 10 MB responses, 16-character passwords with 2 symbols", () => {
  expect(defaultSettings({})).toEqual({ maxResponseBytes: 10 * 1024 * 1024, passwordPolicy: { length: 16, minNonAlphanumeric: 2 } });
});

test("SIQ_MAX_RESPONSE_BYTES sets the response limit; a value that is not a number of bytes is SETTING_INVALID", () => {
  expect(defaultSettings({ SIQ_MAX_RESPONSE_BYTES: "2048" }).maxResponseBytes).toBe(2048);
  expect(defaultSettings({ SIQ_MAX_RESPONSE_BYTES: "" }).maxResponseBytes).toBe(10 * 1024 * 1024);
  for (const value of ["0", "-5", "10MB", "1e6", "1.5"]) {
    expect(() => defaultSettings({ SIQ_MAX_RESPONSE_BYTES: value })).toThrow(expect.objectContaining({ code: "SETTING_INVALID", message: expect.stringContaining(`SIQ_MAX_RESPONSE_BYTES=${value} `) }));
  }
});

test("SIQ_PASSWORD_LENGTH and SIQ_PASSWORD_MIN_NON_ALPHANUMERIC set the policy, each on its own", () => {
  expect(defaultSettings({ SIQ_PASSWORD_LENGTH: "24", SIQ_PASSWORD_MIN_NON_ALPHANUMERIC: "5" }).passwordPolicy).toEqual({ length: 24, minNonAlphanumeric: 5 });
  expect(defaultSettings({ SIQ_PASSWORD_LENGTH: " 12 " }).passwordPolicy).toEqual({ length: 12, minNonAlphanumeric: 2 });
  expect(defaultSettings({ SIQ_PASSWORD_MIN_NON_ALPHANUMERIC: "0" }).passwordPolicy).toEqual({ length: 16, minNonAlphanumeric: 0 });
  expect(defaultSettings({ SIQ_PASSWORD_LENGTH: "" }).passwordPolicy).toEqual({ length: 16, minNonAlphanumeric: 2 });
});

test.each([
  [{ SIQ_PASSWORD_LENGTH: "4" }, /SIQ_PASSWORD_LENGTH=4 .*from 8 to 256/],
  [{ SIQ_PASSWORD_LENGTH: "twelve" }, /SIQ_PASSWORD_LENGTH=twelve/],
  [{ SIQ_PASSWORD_LENGTH: "12.5" }, /SIQ_PASSWORD_LENGTH=12\.5/],
  [{ SIQ_PASSWORD_MIN_NON_ALPHANUMERIC: "-1" }, /SIQ_PASSWORD_MIN_NON_ALPHANUMERIC=-1/],
  [{ SIQ_PASSWORD_LENGTH: "10", SIQ_PASSWORD_MIN_NON_ALPHANUMERIC: "11" }, /from 0 to the length \(10\)/],
])("%j is INVALID_PASSWORD_POLICY naming the variables", (env, message) => {
  expect(() => defaultSettings(env)).toThrow(expect.objectContaining({ code: "INVALID_PASSWORD_POLICY", message: expect.stringMatching(message) }));
});

test("siq run generates passwords by the policy; a policy that is not sound stops it before anything runs (exit 2)", async () => {
  const pipeline = {
    name: "Reset",
    actions: [{ name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "pat", "Update Existing User": true, "Reset Password": true } }],
  };
  const file = tempFile("reset.pipeline.json", JSON.stringify(pipeline));
  const env = { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" };

  const run = await siq(["run", file, "--json"], { env: { ...env, SIQ_PASSWORD_LENGTH: "40", SIQ_PASSWORD_MIN_NON_ALPHANUMERIC: "10" } });
  expect(run.code).toBe(0);
  const password = (JSON.parse(run.stdout) as { actions: Array<{ outputs: Record<string, string> }> }).actions[0]?.outputs.Password ?? "";
  expect(password).toHaveLength(40);
  expect(password.replace(/[A-Za-z0-9]/g, "").length).toBeGreaterThanOrEqual(10);

  const refused = await siq(["run", file], { env: { ...env, SIQ_PASSWORD_LENGTH: "3" } });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/INVALID_PASSWORD_POLICY: SIQ_PASSWORD_LENGTH=3/);
});
