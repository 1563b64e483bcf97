/**
 * The host hands the runtime the user its token check found moments before (CHECKED_USER), so
 * a run through the host looks the user up once, not twice. The runtime takes it only as the
 * user that `user` names, enabled; anything else is looked up as before (SPEC 11.1).
 */
import type { SqliteDirectory } from "../../runtime/directory";
import { CHECKED_USER, createRuntime } from "../../runtime/runtime";
import { inspectPipelineData } from "../../runtime/pipeline/load";
import { whoAmIAction as whoAmI } from "../helpers/test-actions";
import { openTestDirectory } from "../helpers/test-directory";

const loaded = inspectPipelineData({ name: "Who", actions: [{ name: "Who", type: "Test Who Am I", inputs: {} }] }, { actions: [whoAmI], env: {}, displayName: "who.pipeline.json" }, "error");
if (!loaded.pipeline) throw new Error("the test pipeline does not load");
const pipeline = loaded.pipeline;

let directory: SqliteDirectory;
beforeEach(() => {
  directory = openTestDirectory();
  directory.createUser({ username: "jdoe", email: "jdoe@example.com" });
});
afterEach(() => directory.close());

function runtimeAndLookups() {
  const runtime = createRuntime({ directory, actions: [whoAmI] });
  const lookups: string[] = [];
  const findUser = directory.findUser.bind(directory);
  jest.spyOn(directory, "findUser").mockImplementation((name) => (lookups.push(name), findUser(name)));
  return { runtime, lookups };
}

test("the checked user of the same name is taken as it is: no second lookup, same running user", async () => {
  const { runtime, lookups } = runtimeAndLookups();
  const jdoe = directory.findUser("jdoe");
  if (!jdoe) throw new Error("no jdoe");
  lookups.length = 0;
  const checked = await runtime.run(pipeline, { user: "jdoe", [CHECKED_USER]: jdoe });
  expect(lookups).toEqual([]);
  const looked = await runtime.run(pipeline, { user: "jdoe" });
  expect(lookups).toEqual(["jdoe"]);
  expect(checked.actions[0]?.outputs).toEqual({ Username: "jdoe", Guid: jdoe.guid });
  expect(looked.actions[0]?.outputs).toEqual(checked.actions[0]?.outputs);
  await runtime.close();
});

test("a checked user that is not the user named, or is disabled, is looked up as usual", async () => {
  const { runtime, lookups } = runtimeAndLookups();
  const jdoe = directory.findUser("jdoe");
  const admin = directory.findUser("admin");
  if (!jdoe || !admin) throw new Error("no users");
  lookups.length = 0;
  const other = await runtime.run(pipeline, { user: "admin", [CHECKED_USER]: jdoe });
  expect(other.actions[0]?.outputs?.["Username"]).toBe("admin");
  expect(lookups).toEqual(["admin"]);
  await expect(runtime.run(pipeline, { user: "ghost", [CHECKED_USER]: jdoe })).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
  directory.disableUser("jdoe");
  await expect(runtime.run(pipeline, { user: "jdoe", [CHECKED_USER]: { ...jdoe, disabled: true } })).rejects.toMatchObject({ code: "USER_DISABLED" });
  await runtime.close();
});
