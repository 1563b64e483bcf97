/**
 * Every shipped connector file matches the connector JSON Schema (draft 2020-12) and is
 * consistent with itself; every documented operation of the seeds has an action; the checker
 * and the schema refuse what they must.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Connector, ConnectorAction } from "../../schemas/connector";
import { ConnectorSchema } from "../../schemas/connector";
import { checkConnector } from "../../runtime/connectors/check-connector";
import { parsePlaceholders } from "../../runtime/connectors/placeholders";

const DIRECTORY = join(__dirname, "../../actions/connectors");
const FILES = readdirSync(DIRECTORY).filter((name) => name.endsWith(".connector.json")).sort();

function load(file: string): Connector {
  return JSON.parse(readFileSync(join(DIRECTORY, file), "utf8")) as Connector;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(JSON.stringify(ConnectorSchema)) as object);

function schemaErrors(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ""}`);
}

test("the four seed connectors are shipped", () => {
  expect(FILES).toEqual(["insightiq.connector.json", "iqmetrix-user-manager.connector.json", "users-api-v1.connector.json", "users-api-v2.connector.json"]);
});

describe.each(FILES)("%s", (file) => {
  const connector = load(file);

  test("matches the connector JSON Schema", () => {
    expect(schemaErrors(connector)).toEqual([]);
  });

  test("is consistent with itself", () => {
    expect(checkConnector(connector)).toEqual([]);
  });

  test("points editors at the schema", () => {
    expect(connector.$schema).toBe("../../schemas/connector.schema.json");
  });

  test("docs/connectors.md lists every action and error code", () => {
    const docs = readFileSync(join(__dirname, "../../docs/connectors.md"), "utf8");
    const missing = [
      ...connector.actions.map((action) => `\`${connector.id}-${action.id}\``),
      ...[...(connector.errors ?? []), ...connector.actions.flatMap((action) => action.errors ?? [])].map((rule) => `\`${rule.code}\``),
    ].filter((text) => !docs.includes(text));
    expect(missing).toEqual([]);
  });
});

/** method and path template of every operation each seed documents (and the action for it). */
const DOCUMENTED: Record<string, Array<[string, string, string]>> = {
  "iqmetrix-user-manager.connector.json": [
    ["import-user", "POST", "/Users/importExisting"],
    ["get-user", "GET", "/Users({{User Id}})"],
    ["update-user", "PUT", "/Users({{User Id}})"],
    ["disable-user", "DELETE", "/Users({{User Id}})"],
    ["enable-user", "POST", "/Users({{User Id}})/Enable"],
    ["list-company-users", "GET", "/Entities({{Company Id}})/Users"],
    ["search-users", "GET", "/Entities({{Company Id}})/Users/Search"],
    ["find-users-by-client-user-id", "GET", "/Entities({{Company Id}})/Users"],
    ["get-user-locations", "GET", "/Users({{User Id}})/Locations"],
    ["assign-location", "PUT", "/Users({{User Id}})/Locations({{Location Id}})"],
    ["unassign-location", "DELETE", "/Users({{User Id}})/Locations({{Location Id}})"],
    ["lock-user", "POST", "/Users({{User Id}})/Lock"],
    ["get-lock-status", "GET", "/Users({{User Id}})/Unlock"],
    ["unlock-user", "POST", "/Users({{User Id}})/Unlock"],
    ["set-temporary-password", "POST", "/Users({{User Id}})/TemporaryPassword"],
    ["list-lock-reasons", "GET", "/Entities({{Company Id}})/lockReasons"],
    ["create-lock-reason", "POST", "/Entities({{Company Id}})/lockReasons"],
    ["get-lock-reason", "GET", "/Entities({{Company Id}})/lockReasons({{Lock Reason Id}})"],
    ["update-lock-reason", "PUT", "/Entities({{Company Id}})/lockReasons({{Lock Reason Id}})"],
    ["delete-lock-reason", "DELETE", "/Entities({{Company Id}})/lockReasons({{Lock Reason Id}})"],
  ],
  "users-api-v1.connector.json": [
    ["get-suser", "GET", "/suser"],
    ["get-suser-by-email", "GET", "/suser"],
    ["get-suser-by-external-id", "GET", "/suser"],
    ["create-suser", "POST", "/suser"],
    ["update-suser", "PUT", "/suser"],
  ],
  "users-api-v2.connector.json": [
    ["get-user", "GET", "/user"],
    ["search-users", "GET", "/user/search"],
  ],
  "insightiq.connector.json": [
    ["create-user", "POST", "/users"],
    ["get-user-by-external-id", "GET", "/users/external_id/{{External Id}}"],
    ["create-sdk-token", "POST", "/sdk-tokens"],
  ],
};

describe.each(Object.entries(DOCUMENTED))("%s covers every documented operation", (file, operations) => {
  const connector = load(file);
  test.each(operations)("%s: %s %s", (id, method, path) => {
    const action = connector.actions.find((candidate) => candidate.id === id);
    expect(action?.request.method).toBe(method);
    expect(action?.request.path).toBe(path);
  });
  test("and nothing else", () => {
    expect(connector.actions.map((action) => action.id).sort()).toEqual(operations.map(([id]) => id).sort());
  });
});

describe("what the seeds ask of particular actions", () => {
  const iq = load("iqmetrix-user-manager.connector.json");
  const action = (connector: Connector, id: string): ConnectorAction => {
    const found = connector.actions.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no action ${id}`);
    return found;
  };

  test("iQmetrix lists follow the relative next link; the ClientUserId filter pages with $skip/$top", () => {
    expect(action(iq, "list-company-users").pagination).toMatchObject({ nextLink: { json: "$._links.next" }, items: { json: "$.items[*]" } });
    expect(action(iq, "search-users").pagination).toMatchObject({ nextLink: { json: "$._links.next" } });
    expect(action(iq, "find-users-by-client-user-id").pagination).toMatchObject({ skipParam: "$skip", topParam: "$top" });
    expect(action(iq, "find-users-by-client-user-id").request.query?.["$filter"]).toEqual({ $template: "ClientUserId eq '{{Client User Id}}'", escape: "odata-string" });
  });

  test("iQmetrix update maps the 409 version mismatch to IQMETRIX_VERSION_CONFLICT, reading ResponseStatus", () => {
    expect(iq.errorBody).toEqual({
      code: { json: "$.ResponseStatus.ErrorCode" },
      message: { json: "$.ResponseStatus.Message" },
      fields: { json: "$.ResponseStatus.Errors[*].FieldName" },
    });
    const rule = action(iq, "update-user").errors?.[0];
    expect(rule).toMatchObject({ status: 409, when: [{ error: "message", equals: "User version mismatch" }], code: "IQMETRIX_VERSION_CONFLICT" });
  });

  test("Users API v1 writes XML bodies as <SUser> in the ServiceStack namespace, in alphabetical member order", () => {
    const v1 = load("users-api-v1.connector.json");
    for (const id of ["create-suser", "update-suser"]) {
      const body = action(v1, id).request.body;
      expect(body?.xml).toEqual({ root: "SUser", namespace: "http://schemas.servicestack.net/types", arrayItems: { Folders: "Id", Groups: "Id" } });
      const members = Object.keys(body?.content as object);
      expect(members).toEqual([...members].sort());
      expect((body?.content as Record<string, unknown>).IntegrationKey).toEqual({ $credential: "apiKey" });
      expect(action(v1, id).request.sendAuth).toBe(false);
    }
  });

  test("insightIQ uses Basic auth only; the SDK token output is secret", () => {
    const insight = load("insightiq.connector.json");
    expect(insight.connection.auth).toEqual([{ type: "basic" }]);
    expect(action(insight, "create-sdk-token").outputs.find((o) => o.name === "SDK Token")?.secret).toBe(true);
  });

  test("every secret input is marked secret and is never put in a URL", () => {
    for (const file of FILES) {
      for (const candidate of load(file).actions) {
        for (const input of candidate.inputs) {
          if (/password/i.test(input.name)) expect(`${file} ${candidate.id} ${input.name} secret=${String(input.secret)}`).toMatch(/secret=true$/);
        }
      }
    }
  });
});

// --- the checker refuses what it must -----------------------------------------------------------

function sample(): Connector {
  return {
    id: "demo",
    displayName: "Demo",
    version: "1.0.0",
    description: "A small connector to break on purpose.",
    connection: { auth: [{ type: "apiKey", in: "query", name: "key" }] },
    errorBody: { message: { json: "$.message", xml: "/*/Message" } },
    errors: [{ status: 404, code: "DEMO_NOT_FOUND", message: "Nothing at {{$path}}: {{$error.message}}" }],
    actions: [
      {
        id: "get-thing",
        displayName: "Get Thing",
        description: "Reads a thing.",
        inputs: [
          { name: "Thing Id", type: "text", mandatory: true, description: "The thing." },
          { name: "Format", type: "text", default: "json", options: ["json", "xml"], description: "json or xml." },
          { name: "Secret Word", type: "text", secret: true, description: "A secret." },
          { name: "Pages", type: "number", default: 3, description: "Max pages." },
        ],
        request: {
          method: "POST",
          path: "/things/{{Thing Id}}",
          query: { format: { $input: "Format" } },
          body: { format: { $input: "Format" }, content: { Id: { $input: "Thing Id" }, Word: { $input: "Secret Word" } }, xml: { root: "Thing" } },
        },
        responseFormats: ["json", "xml"],
        pagination: { pageParam: "page", items: { json: "$.items[*]", xml: "/r/items/item" }, maxPages: { $input: "Pages" } },
        success: [{ status: 200, set: { Found: true } }],
        errors: [{ status: 409, when: [{ error: "message", contains: "taken" }], code: "DEMO_TAKEN", message: "Thing {{Thing Id}} is taken." }],
        outputs: [
          { name: "Found", type: "boolean", description: "Found." },
          { name: "Name", type: "text", description: "The name.", json: "$.name", xml: "/r/name" },
        ],
      },
    ],
  };
}

type Mutation = (connector: Connector, action: ConnectorAction) => void;

const BROKEN: Array<[string, Mutation, string, RegExp]> = [
  ["a path placeholder that names no input", (_c, a) => (a.request.path = "/things/{{Thing}}"), "actions[0].request.path", /names no input/],
  ["a path input that is optional", (_c, a) => (a.inputs[0] = { ...a.inputs[0]!, mandatory: false }), "actions[0].request.path", /mandatory or have a default/],
  ["a lone {{ in the path", (_c, a) => (a.request.path = "/things/{{Thing Id"), "actions[0].request.path", /braces/],
  ["a path without a leading slash", (_c, a) => (a.request.path = "things/{{Thing Id}}"), "actions[0].request.path", /start with \//],
  ["a $input that names no input", (_c, a) => (a.request.query = { format: { $input: "Fromat" } }), 'actions[0].request.query["format"]', /names no input/],
  ["a secret input in the query", (_c, a) => (a.request.query = { w: "{{Secret Word}}" }), 'actions[0].request.query["w"]', /Secret input/],
  ["a secret input in the path", (_c, a) => (a.request.path = "/things/{{Thing Id}}/{{Secret Word}}"), "actions[0].request.path", /Secret input/],
  ["a body member that names no input", (_c, a) => ((a.request.body!.content as Record<string, unknown>).Extra = { $input: "Nope" }), "actions[0].request.body.content.Extra", /names no input/],
  ["an XML-capable body without xml options", (_c, a) => delete a.request.body!.xml, "actions[0].request.body", /xml options/],
  ["a body format input without json/xml options", (_c, a) => (a.inputs[1] = { ...a.inputs[1]!, options: ["json", "csv"] }), "actions[0].request.body.format", /neither json nor xml/],
  ["a body on a GET", (_c, a) => (a.request.method = "GET"), "actions[0].request.body", /GET request has no body/],
  ["sendAuth false without a $credential", (_c, a) => (a.request.sendAuth = false), "actions[0].request.sendAuth", /without credentials/],
  ["a $credential without apiKey auth", (c, a) => {
    c.connection.auth = [{ type: "basic" }];
    (a.request.body!.content as Record<string, unknown>).Key = { $credential: "apiKey" };
  }, "actions[0].request.body.content.Key", /apiKey auth/],
  ["lines from a number input", (_c, a) => ((a.request.body!.content as Record<string, unknown>).P = { $input: "Pages", as: "lines" }), "actions[0].request.body.content.P", /cannot be sent as lines/],
  ["an output without a source", (_c, a) => a.outputs.push({ name: "Lost", type: "text", description: "x" }), "actions[0].outputs[2]", /no json, xml or header source/],
  ["an output without an xml path when XML may come", (_c, a) => delete a.outputs[1]!.xml, "actions[0].outputs[1]", /xml path is needed/],
  ["an output with a broken JSONPath", (_c, a) => (a.outputs[1]!.json = "$.name["), "actions[0].outputs[1].json", /Not a valid JSONPath/],
  ["an output with a broken XPath", (_c, a) => (a.outputs[1]!.xml = "/r/name["), "actions[0].outputs[1].xml", /Not a valid XPath/],
  ["two outputs with one name", (_c, a) => a.outputs.push({ ...a.outputs[1]! }), "actions[0].outputs[2].name", /Two outputs/],
  ["two inputs with one name", (_c, a) => a.inputs.push({ ...a.inputs[3]! }), "actions[0].inputs[4].name", /Two inputs/],
  ["an input named Connection", (_c, a) => a.inputs.push({ name: "Connection", type: "text", description: "x" }), "actions[0].inputs[4].name", /added to every connector action/],
  ["an output named HTTP Status", (_c, a) => a.outputs.push({ name: "HTTP Status", type: "number", description: "x", json: "$.s", xml: "/s" }), "actions[0].outputs[2].name", /added to every connector action/],
  ["a set value for an unknown output", (_c, a) => (a.success = [{ status: 200, set: { Fuond: true } }]), "actions[0].success[0].set", /names no output/],
  ["a set value of the wrong type", (_c, a) => (a.success = [{ status: 200, set: { Found: "yes" } }]), "actions[0].success[0].set", /does not fit/],
  ["a message naming an unknown input", (_c, a) => (a.errors![0]!.message = "Thing {{Thing ID}} is taken."), "actions[0].errors[0].message", /names no input/],
  ["a message naming a secret input", (_c, a) => (a.errors![0]!.message = "Word {{Secret Word}} is taken."), "actions[0].errors[0].message", /Secret input/],
  ["a message with an unknown $ variable", (_c, a) => (a.errors![0]!.message = "{{$body}}"), "actions[0].errors[0].message", /is not one of/],
  ["a connector-wide message naming an input", (c) => (c.errors![0]!.message = "No {{Thing Id}}"), "errors[0].message", /connector-wide messages/],
  ["{{$error.code}} without errorBody.code", (c) => (c.errors![0]!.message = "{{$error.code}}"), "errors[0].message", /needs errorBody.code/],
  ["a built-in error code", (_c, a) => (a.errors![0]!.code = "INTERNAL"), "actions[0].errors[0].code", /built-in error code/],
  ["a condition with two subjects", (_c, a) => (a.errors![0]!.when = [{ error: "message", input: "Format", equals: "x" }]), "actions[0].errors[0].when[0]", /exactly one subject/],
  ["a condition with no test", (_c, a) => (a.errors![0]!.when = [{ error: "message" }]), "actions[0].errors[0].when[0]", /exactly one test/],
  ["a condition on an unknown input", (_c, a) => (a.errors![0]!.when = [{ input: "Nope", equals: true }]), "actions[0].errors[0].when[0].input", /names no input/],
  ["a connector-wide condition on an input", (c) => (c.errors![0]!.when = [{ input: "Format", equals: "xml" }]), "errors[0].when[0].input", /cannot test inputs/],
  ["a condition on an error field errorBody lacks", (_c, a) => (a.errors![0]!.when = [{ error: "code", equals: "X" }]), "actions[0].errors[0].when[0].error", /needs errorBody.code/],
  ["a regular expression RE2 refuses", (_c, a) => (a.errors![0]!.when = [{ error: "message", matches: "(a" }]), "actions[0].errors[0].when[0].matches", /RE2/],
  ["errorBody without an xml path when an action may answer XML", (c) => (c.errorBody = { message: { json: "$.message" } }), "errorBody.message", /xml path is needed/],
  ["a paging parameter also in the query", (_c, a) => (a.request.query = { page: "1" }), "actions[0].pagination", /set by paging/],
  ["maxPages from a text input", (_c, a) => (a.pagination!.maxPages = { $input: "Format" }), "actions[0].pagination.maxPages", /must be a number input/],
  ["a page size of 0", (_c, a) => (a.pagination = { pageParam: "page", sizeParam: "size", pageSize: 0, items: { json: "$.items[*]", xml: "/r/items/item" } }), "actions[0].pagination.pageSize", /1 or more/],
  ["paging items without an xml path", (_c, a) => (a.pagination!.items = { json: "$.items[*]" }), "actions[0].pagination.items", /xml path is needed/],
  ["two actions with one id", (c) => c.actions.push({ ...c.actions[0]!, displayName: "Other" }), "actions[1].id", /used by another action/],
  ["an Authorization header", (_c, a) => (a.request.headers = { Authorization: "Bearer x" }), "actions[0].request.headers", /comes from the connection/],
  ["a message the redactor would mask", (_c, a) => (a.errors![0]!.message = "Check the Basic credentials."), "actions[0].errors[0].message", /reads as a credential/],
  ["an XML member that is no element name", (_c, a) => ((a.request.body!.content as Record<string, unknown>)["2nd"] = "x"), "actions[0].request.body.content.2nd", /not an XML element name/],
  ["an XML root with a colon", (_c, a) => (a.request.body!.xml = { root: "a:Thing" }), "actions[0].request.body.xml.root", /not an XML element name/],
];

describe("checkConnector", () => {
  test("the sample is consistent", () => {
    expect(schemaErrors(sample())).toEqual([]);
    expect(checkConnector(sample())).toEqual([]);
  });

  test.each(BROKEN)("finds %s", (_name, mutate, path, message) => {
    const connector = sample();
    mutate(connector, connector.actions[0]!);
    const problems = checkConnector(connector);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe("the connector JSON Schema", () => {
  const INVALID: Array<[string, (c: Record<string, unknown>, a: Record<string, unknown>) => void]> = [
    ["an unknown top-level field", (c) => (c.extra = 1)],
    ["an id that is not kebab-case", (c) => (c.id = "Demo")],
    ["a version that is not semver", (c) => (c.version = "1.0")],
    ["no auth types", (c) => ((c.connection as Record<string, unknown>).auth = [])],
    ["an apiKey auth without its name", (c) => ((c.connection as Record<string, unknown>).auth = [{ type: "apiKey", in: "query" }])],
    ["no actions", (c) => (c.actions = [])],
    ["a lower-case error code", (c) => ((c.errors as Array<Record<string, unknown>>)[0]!.code = "demo_not_found")],
    ["a status class that is not one", (c) => ((c.errors as Array<Record<string, unknown>>)[0]!.status = "6xx")],
    ["an unknown HTTP method", (_c, a) => ((a.request as Record<string, unknown>).method = "TRACE")],
    ["a $input with an unknown option", (_c, a) => ((a.request as Record<string, unknown>).query = { format: { $input: "Format", default: "x" } })],
    ["a body key starting with $ that is no source", (_c, a) => (((a.request as Record<string, unknown>).body as Record<string, unknown>).content = { $id: 1 })],
    ["an unknown response format", (_c, a) => (a.responseFormats = ["csv"])],
    ["no success rule", (_c, a) => (a.success = [])],
    ["a ValuePath with neither json nor xml", (_c, a) => ((a.outputs as Array<Record<string, unknown>>)[1] = { name: "N", type: "text", description: "d", json: "" })],
    ["pagination mixing shapes", (_c, a) => (a.pagination = { nextLink: { json: "$.n" }, pageParam: "page", items: { json: "$.i" } })],
    ["an input without a description", (_c, a) => ((a.inputs as Array<Record<string, unknown>>)[0] = { name: "X", type: "text" })],
  ];

  test.each(INVALID)("refuses %s", (_name, mutate) => {
    const connector = JSON.parse(JSON.stringify(sample())) as Record<string, unknown>;
    mutate(connector, (connector.actions as Array<Record<string, unknown>>)[0]!);
    expect(schemaErrors(connector)).not.toEqual([]);
  });

  test("gives every property a description", () => {
    const missing: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((child, index) => visit(child, `${at}[${index}]`));
      if (typeof node !== "object" || node === null) return;
      const schema = node as Record<string, unknown>;
      if (schema.properties && typeof schema.properties === "object") {
        for (const [name, property] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
          if (typeof property.description !== "string" || property.description === "") missing.push(`${at}.${name}`);
        }
      }
      for (const [key, child] of Object.entries(schema)) visit(child, `${at}.${key}`);
    };
    visit(JSON.parse(JSON.stringify(ConnectorSchema)), "$");
    expect(missing).toEqual([]);
  });

  test("schemas/connector.schema.json is the TypeBox source, written out", () => {
    const written = readFileSync(join(__dirname, "../../schemas/connector.schema.json"), "utf8");
    const expected = `${JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", ...(JSON.parse(JSON.stringify(ConnectorSchema)) as object) }, null, 2)}\n`;
    expect(written).toBe(expected);
  });
});

describe("parsePlaceholders", () => {
  test.each([
    ["/Users({{User Id}})", ["User Id"], false],
    ["{{ Padded }} and {{Two}}", ["Padded", "Two"], false],
    ["no placeholders", [], false],
    ["{{}}", [""], true],
    ["{{open", [], true],
    ["close}}", [], true],
    ["{{{Triple}}}", ["Triple"], true],
  ])("%s", (template, names, malformed) => {
    const parsed = parsePlaceholders(template);
    expect(parsed.placeholders.map((p) => p.name)).toEqual(names);
    expect(parsed.malformed).toBe(malformed);
  });
});
