import { Value } from "@sinclair/typebox/value";
import { smartiqUserAction } from "../../../actions/smartiq-user";
import { findInput } from "../../../runtime/definition";
import { ActionDefinitionSchema } from "../../../schemas/action-definition";

const definition = smartiqUserAction.definition;

test("matches the action definition schema", () => {
  expect([...Value.Errors(ActionDefinitionSchema, definition)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  expect(definition).toMatchObject({ id: "smartiq-user", displayName: "SmartIQ User" });
});

// SPEC 5.3, in its order: name, type, mandatory, secret.
const INPUTS: Array<[string, string, boolean, boolean]> = [
  ["Preferred Username", "text", true, false],
  ["Update Existing User", "boolean", true, false],
  ["First Name", "text", false, false],
  ["Last Name", "text", false, false],
  ["Email", "text", false, false],
  ["Job Title", "text", false, false],
  ["Organisation", "text", false, false],
  ["Phone Number", "text", false, false],
  ["Address Line 1", "text", false, false],
  ["Address Line 2", "text", false, false],
  ["City", "text", false, false],
  ["State", "text", false, false],
  ["Postcode", "text", false, false],
  ["Country", "text", false, false],
  ["Custom Fields", "keyValueList", false, false],
  ["Disabled", "boolean", false, false],
  ["Groups to Remove", "multiline", false, false],
  ["Groups to Add", "multiline", false, false],
  ["Password", "text", false, true],
  ["Reset Password", "boolean", false, false],
  ["Reset Password on Next Login", "boolean", false, false],
  ["Theme", "text", false, false],
  ["Display Info Messages in Manage", "boolean", false, false],
];

test("has exactly the inputs of SPEC 5.3, in order", () => {
  expect(definition.inputs.map((input) => input.name)).toEqual(INPUTS.map(([name]) => name));
});

test.each(INPUTS)("input %s is %s (mandatory %s, secret %s)", (name, type, mandatory, secret) => {
  const input = findInput(definition, name);
  expect(input?.type).toBe(type);
  expect(input?.mandatory === true).toBe(mandatory);
  expect(input?.secret === true).toBe(secret);
  expect(input?.description.length).toBeGreaterThan(5);
});

test("Custom Fields are name=value lines", () => {
  expect(findInput(definition, "Custom Fields")?.separator).toBe("=");
});

test("has exactly the outputs of SPEC 5.3", () => {
  expect(definition.outputs.map((output) => [output.name, output.type, output.secret === true])).toEqual([
    ["Existing User Updated", "boolean", false],
    ["Password", "text", true],
    ["User Guid", "text", false],
    ["User ID", "number", false],
    ["Username", "text", false],
  ]);
});
