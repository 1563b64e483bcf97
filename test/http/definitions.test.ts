import { Value } from "@sinclair/typebox/value";
import { restServiceDefinition } from "../../actions/rest-service/definition";
import { smartiqApiDefinition } from "../../actions/smartiq-api/definition";
import { AUTH_INPUT_NAMES } from "../../runtime/http/auth/resolve-auth";
import { ActionDefinitionSchema } from "../../schemas/action-definition";

const REST_INPUTS: Array<[string, string, unknown?, boolean?]> = [
  ["URL", "url"],
  ["Connection", "text"],
  ["HTTP Method", "text", "POST"],
  ["Custom Headers", "keyValueList"],
  ["Basic Auth Username", "text"],
  ["Basic Auth Password", "text", undefined, true],
  ["OAuth 2.0 Client Id", "text"],
  ["OAuth Client Secret", "text", undefined, true],
  ["OAuth 2.0 Scope", "text"],
  ["OAuth 2.0 Token URL", "url"],
  ["OAuth 2.0 Username", "text"],
  ["OAuth 2.0 Password", "text", undefined, true],
  ["Send Access Token", "boolean", false],
  ["Action Documents", "documents"],
  ["Send as Multipart", "boolean", false],
  ["Request Body", "json"],
  ["Request Schema", "json"],
  ["Output Path", "text"],
  ["Pagination", "json"],
  ["Timeout (Seconds)", "number", 100],
  ["Fail On Error Status", "boolean", false],
];

const OUTPUTS = [
  ["Status", "text"],
  ["HTTP Status", "number"],
  ["Response", "text"],
  ["Response Headers", "json"],
  ["Output Path Data", "any"],
];

test.each([restServiceDefinition, smartiqApiDefinition])("$displayName matches the action definition schema", (definition) => {
  expect([...Value.Errors(ActionDefinitionSchema, definition)].map((error) => `${error.path}: ${error.message}`)).toEqual([]);
  expect(new Set(definition.inputs.map((input) => input.name)).size).toBe(definition.inputs.length);
  expect(definition.inputs.every((input) => input.description.length > 10)).toBe(true);
});

test("Send to REST Service has every input of SPEC 5.1 with its type, default and secrecy", () => {
  expect(restServiceDefinition).toMatchObject({ id: "rest-service", displayName: "Send to REST Service" });
  expect(restServiceDefinition.inputs.map((input) => [input.name, input.type, input.default, input.secret === true])).toEqual(
    REST_INPUTS.map(([name, type, defaultValue, secret]) => [name, type, defaultValue, secret === true]),
  );
  expect(restServiceDefinition.inputs.find((input) => input.name === "URL")?.mandatory).toBe(true);
  expect(restServiceDefinition.inputs.find((input) => input.name === "HTTP Method")?.options).toEqual(["GET", "POST", "PUT", "DELETE", "PATCH"]);
  expect(restServiceDefinition.inputs.find((input) => input.name === "Custom Headers")?.separator).toBe(":");
  expect(restServiceDefinition.outputs.map((output) => [output.name, output.type])).toEqual(OUTPUTS);
});

test("every auth input the pipeline reads is defined", () => {
  const names = new Set(restServiceDefinition.inputs.map((input) => input.name));
  expect(Object.values(AUTH_INPUT_NAMES).filter((name) => !names.has(name))).toEqual([]);
});

test("SmartIQ API: As-User plus the shared inputs, no auth inputs and no Connection", () => {
  expect(smartiqApiDefinition).toMatchObject({ id: "smartiq-api", displayName: "SmartIQ API" });
  expect(smartiqApiDefinition.inputs.map((input) => input.name)).toEqual([
    "As-User (Impersonate)",
    "URL",
    "HTTP Method",
    "Custom Headers",
    "Action Documents",
    "Send as Multipart",
    "Request Body",
    "Request Schema",
    "Output Path",
    "Pagination",
    "Timeout (Seconds)",
    "Fail On Error Status",
  ]);
  const rest = new Map(restServiceDefinition.inputs.map((input) => [input.name, input]));
  for (const input of smartiqApiDefinition.inputs.slice(2)) expect(input).toEqual(rest.get(input.name));
  expect(smartiqApiDefinition.outputs).toEqual(restServiceDefinition.outputs);
});
