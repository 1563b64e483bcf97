/**
 * A failed action leaves the directory unchanged (SPEC 5.3): SmartIQ User runs with random,
 * often invalid inputs (hostile usernames, emails, group lines, custom fields, passwords), as an
 * administrator or not; whenever it fails, every table of the directory (users, groups, custom
 * fields, management log, audit log) is exactly as before, and the password given never shows
 * in the directory, the logs or the result (its own Password output aside).
 */
import fc from "fast-check";
import type { SqliteDirectory } from "../../runtime/directory";
import { createRuntime } from "../../runtime/runtime";
import { pipelineOf } from "../helpers/pipelines";
import { openTestDirectory } from "../helpers/test-directory";
import { findLeak, hostileText } from "./hostile";

const RUNS = 150;

function prepared(): SqliteDirectory {
  const directory = openTestDirectory();
  for (const name of ["Sales", "Support"]) directory.addGroup({ name });
  directory.addRole({ name: "Helpdesk", permissions: ["ManageUsers"] });
  directory.addGroup({ name: "Helpers", roles: ["Helpdesk"] });
  directory.createUser({ username: "helper", groups: ["Helpers"] });
  directory.createUser({ username: "jdoe", email: "jdoe@example.com", groups: ["Sales"], customFields: [["Dept", "Sales"]] });
  return directory;
}

const groupLines = fc.array(fc.constantFrom("Sales", "Support", "Administrators", "Helpers", "Nope", "", " Sales ", "Sales|Support", "x\u0000y"), { maxLength: 4 }).map((lines) => lines.join("\n"));

describe("SmartIQ User is all or nothing", () => {
  test("a failed run changes nothing, and the password stays secret", async () => {
    const fieldForms = fc.constantFrom("formula", "object", "template");
    // Both outcomes must occur, or the property says nothing.
    const seen = { failed: 0, succeeded: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          user: fc.oneof(fc.constantFrom("jdoe", "JDOE", "admin", "helper", "newbie", " padded", "two\nlines", ""), hostileText),
          email: fc.oneof(fc.constantFrom("", "new@example.com", "not-an-email", "a@b"), hostileText),
          add: groupLines,
          remove: groupLines,
          fields: fc.oneof(fc.constantFrom("", "Dept=Support", "Level=2\nDept=HR", "=nameless", "__proto__=x"), hostileText),
          password: fc.oneof(fc.constantFrom("", "Str0ng-Pass!word"), hostileText),
        }),
        fc.record({ update: fc.boolean(), reset: fc.boolean(), disabled: fc.constantFrom(undefined, true, false), asAdmin: fc.boolean(), fieldForm: fieldForms }),
        async (answers, options) => {
          const directory = prepared();
          const logs: unknown[] = [];
          const runtime = createRuntime({ directory, logger: { log: (level, event, fields) => logs.push({ level, event, fields }) } });
          try {
            const customFields =
              options.fieldForm === "formula" ? "=[fields]" : options.fieldForm === "object" ? { Dept: "=[fields]", Note: "{{fields}}" } : "Dept={{fields}}";
            const pipeline = pipelineOf({
              name: "All or nothing",
              questions: Object.fromEntries(["user", "email", "add", "remove", "fields", "password"].map((id) => [id, { label: id, type: "text" }])),
              actions: [
                {
                  name: "Save",
                  type: "SmartIQ User",
                  inputs: {
                    "Preferred Username": "=[user]",
                    "Update Existing User": options.update,
                    Email: "=[email]",
                    "Groups to Add": "=[add]",
                    "Groups to Remove": "=[remove]",
                    "Custom Fields": customFields,
                    Password: "=[password]",
                    "Reset Password": options.reset,
                    ...(options.disabled === undefined ? {} : { Disabled: options.disabled }),
                    "Display Info Messages in Manage": true,
                  },
                },
              ],
            });
            const before = directory.dump();
            const result = await runtime.run(pipeline, { answers, user: options.asAdmin ? "admin" : "helper" });
            const action = result.actions[0];
            seen[action?.status === "failed" ? "failed" : "succeeded"]++;
            if (action?.status === "failed") {
              expect(action.error?.code).not.toBe("INTERNAL");
              expect(directory.dump()).toEqual(before);
            } else {
              expect(action?.status).toBe("succeeded");
              expect(directory.getUser(String(action?.outputs?.["User Guid"]))?.username).toBe(action?.outputs?.Username);
            }
            if (answers.password.trim().length >= 4) {
              const { Password: _given, ...otherOutputs } = action?.outputs ?? {};
              const leak = findLeak([answers.password], { directory: directory.dump(), logs, result: { ...result, actions: [{ ...action, outputs: otherOutputs }] } });
              if (leak) throw new Error(leak);
            }
          } finally {
            await runtime.close();
            directory.close();
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(seen.failed).toBeGreaterThan(0);
    expect(seen.succeeded).toBeGreaterThan(0);
  }, 120_000);
});
