/**
 * The seed document's own example, end to end through the engine: a repeat answer, the
 * formula with its typographic quotes, and the SmartIQ User action on the real directory.
 */
import { createRuntime } from "../../runtime/runtime";
import { pipelineOf } from "../helpers/pipelines";
import { openTestDirectory } from "../helpers/test-directory";

const pipeline = () =>
  pipelineOf({
    name: "Seed example",
    questions: {
      q1: { label: "Username", type: "text", required: true },
      q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } },
    },
    actions: [
      {
        name: "Create User",
        type: "SmartIQ User",
        inputs: {
          "Preferred Username": "=[q1]",
          "Update Existing User": true,
          "Groups to Add": "=Replace([q37.GroupName], “|”, chr(10))",
        },
      },
    ],
  });

test("GroupA|GroupB|GroupC through =Replace([q37.GroupName], “|”, chr(10)) puts the user in all three groups", async () => {
  const directory = openTestDirectory();
  for (const name of ["GroupA", "GroupB", "GroupC"]) directory.addGroup({ name });
  const runtime = createRuntime({ directory });
  try {
    const result = await runtime.run(pipeline(), {
      user: "admin",
      answers: { q1: "jdoe", q37: [{ GroupName: "GroupA" }, { GroupName: "GroupB" }, { GroupName: "GroupC" }] },
    });
    expect(result.status).toBe("succeeded");
    expect(result.actions[0]?.outputs).toMatchObject({ "Existing User Updated": false, Username: "jdoe" });
    expect(directory.getUser("jdoe")?.groups).toEqual(["GroupA", "GroupB", "GroupC"]);
  } finally {
    await runtime.close();
    directory.close();
  }
});

test("without the Replace, the pipe-joined name is one unknown group, and nothing changes", async () => {
  const directory = openTestDirectory();
  for (const name of ["GroupA", "GroupB"]) directory.addGroup({ name });
  const before = directory.dump();
  const runtime = createRuntime({ directory });
  try {
    const broken = pipeline();
    const action = broken.actions[0];
    if (action) action.inputs["Groups to Add"] = "=[q37.GroupName]";
    const result = await runtime.run(broken, { user: "admin", answers: { q1: "jdoe", q37: [{ GroupName: "GroupA" }, { GroupName: "GroupB" }] } });
    expect(result.actions[0]?.error?.code).toBe("UNKNOWN_GROUP");
    expect(result.actions[0]?.error?.message).toContain("Replace");
    expect(directory.dump()).toEqual(before);
  } finally {
    await runtime.close();
    directory.close();
  }
});
