/**
 * The JSON Schema of declarative connectors (`*.connector.json`): REST actions written as data
 * alone (SPEC 5.5). A connector names the connection it needs, how the vendor reports errors,
 * and a list of actions; each action maps its inputs onto one HTTP request (method, path, query,
 * headers, body), says which responses succeed, how failures map to error codes, how to follow
 * pages, and where each output is found in the response.
 *
 * TypeScript types derive from this schema, so the two cannot drift. docs/connectors.md
 * explains every field with examples; the engine that runs connectors follows it.
 */
import type { Static, TSchema } from "@sinclair/typebox";
import { Type } from "@sinclair/typebox";
import { InputDefinitionSchema, OutputTypeSchema } from "./action-definition";

const d = (description: string) => ({ description });

/**
 * A reference to a shared part of the schema (listed once under $defs), typed as that part.
 * Each use carries its own description.
 */
function ref<T extends TSchema>(name: DefName, _schema: T, description?: string) {
  return Type.Unsafe<Static<T>>(Type.Ref(`#/$defs/${name}`, description === undefined ? {} : { description }));
}

/** The shared parts, by their name under $defs. */
type DefName =
  | "InputValue"
  | "TemplateValue"
  | "CredentialValue"
  | "ValueSource"
  | "BodyNode"
  | "ValuePath"
  | "Condition"
  | "StatusMatch"
  | "ErrorRule"
  | "SuccessRule"
  | "Count";

const Name = (description: string) => Type.String({ minLength: 1, description });

const JsonScalarSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], d("A JSON string, number, boolean or null."));

// --- values taken from inputs ---------------------------------------------------------------

export const BlankBehaviourSchema = Type.Union([Type.Literal("omit"), Type.Literal("null"), Type.Literal("empty")], {
  description:
    "What a blank value becomes: 'omit' (default) leaves the query parameter, header or body member out; 'null' sends JSON null (an empty element in XML); 'empty' sends an empty string.",
});

export const InputValueSchema = Type.Object(
  {
    $input: Name("The exact name of one of the action's inputs; its bound value is inserted as a typed value, never spliced into text."),
    as: Type.Optional(
      Type.Union(
        [Type.Literal("text"), Type.Literal("number"), Type.Literal("integer"), Type.Literal("boolean"), Type.Literal("json"), Type.Literal("lines")],
        {
          description:
            "The JSON type to send: text (a string), number, integer (a number without fraction, else an error), boolean, json (the input's JSON value as is), lines (an array of strings, one per non-blank line, each trimmed). Default: the input's own type (text, number, boolean or json).",
        },
      ),
    ),
    map: Type.Optional(
      Type.Record(Type.String(), JsonScalarSchema, {
        description:
          "Replaces the input's text (compared ignoring case) by the value given for it, for example {\"xml\": \"application/xml\"}; a value that is not listed fails the action.",
      }),
    ),
    whenBlank: Type.Optional(BlankBehaviourSchema),
  },
  { additionalProperties: false, description: "A value taken from an input: { \"$input\": \"First Name\" }." },
);

export const TemplateValueSchema = Type.Object(
  {
    $template: Type.String({
      description: "Text with {{Input Name}} placeholders; the result is a string. Blank when every input it names is blank.",
    }),
    escape: Type.Optional(
      Type.Literal("odata-string", {
        description: "Escapes each inserted value for its place: odata-string doubles single quotes, for values inside an OData '...' literal ($filter).",
      }),
    ),
    whenBlank: Type.Optional(BlankBehaviourSchema),
  },
  { additionalProperties: false, description: "Text built from inputs: { \"$template\": \"ClientUserId eq '{{Client User Id}}'\", \"escape\": \"odata-string\" }." },
);

export const CredentialValueSchema = Type.Object(
  {
    $credential: Type.Literal("apiKey", {
      description: "The connection's API key value, for vendors that want it inside the body (for example an IntegrationKey member). It is masked as *** in logs.",
    }),
  },
  { additionalProperties: false, description: "A secret taken from the connection, never from the pipeline file." },
);

export const ValueSourceSchema = Type.Union(
  [
    Type.String({ description: "Text; {{Input Name}} placeholders are replaced by input values (a template)." }),
    Type.Number({ description: "A literal number." }),
    Type.Boolean({ description: "A literal boolean." }),
    ref("InputValue", InputValueSchema),
    ref("TemplateValue", TemplateValueSchema),
    ref("CredentialValue", CredentialValueSchema),
  ],
  { description: "A query parameter, header or Accept value: literal, template text, an input, or a connection credential." },
);

/** A body member: literal JSON, an input, a template, a credential, or an object or array of members. */
export type BodyNode =
  | string
  | number
  | boolean
  | null
  | Static<typeof InputValueSchema>
  | Static<typeof TemplateValueSchema>
  | Static<typeof CredentialValueSchema>
  | BodyNode[]
  | { [member: string]: BodyNode };

/** Object keys may not start with `$`, which marks the sources above. */
export const BodyNodeSchema = Type.Unsafe<BodyNode>(
  Type.Union(
    [
      Type.String({ description: "Text; {{Input Name}} placeholders are replaced by input values (a template)." }),
      Type.Number({ description: "A literal number." }),
      Type.Boolean({ description: "A literal boolean." }),
      Type.Null({ description: "A literal null." }),
      ref("InputValue", InputValueSchema),
      ref("TemplateValue", TemplateValueSchema),
      ref("CredentialValue", CredentialValueSchema),
      Type.Array(Type.Ref("#/$defs/BodyNode"), { description: "A JSON array (an XML list) of members." }),
      Type.Record(Type.String({ pattern: "^[^$]" }), Type.Ref("#/$defs/BodyNode"), {
        additionalProperties: false,
        description:
          "A JSON object (an XML element) of members; a member whose value is omitted is left out, and an object or array that held inputs and ends up empty is left out too.",
      }),
    ],
    { description: "A member of the request body." },
  ),
);

export const BodyFormatSchema = Type.Union([Type.Literal("json"), Type.Literal("xml"), ref("InputValue", InputValueSchema)], {
  description: "How the body is written: json, xml, or an input whose value (after map) is json or xml.",
});

export const XmlBodyOptionsSchema = Type.Object(
  {
    root: Name("The root element's name, for example SUser."),
    namespace: Type.Optional(Type.String({ description: "The default namespace (xmlns) of the root element and everything in it." })),
    arrayItems: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description: "For each array member, the element name of its items: { \"Folders\": \"Id\" } writes <Folders><Id>...</Id></Folders>.",
      }),
    ),
    defaultArrayItem: Type.Optional(Type.String({ minLength: 1, description: "The item element name for arrays not listed in arrayItems (default 'item')." })),
  },
  { additionalProperties: false, description: "How the body's members are written as XML: each member an element in the order written, text escaped." },
);

export const BodySchema = Type.Object(
  {
    format: BodyFormatSchema,
    content: ref("BodyNode", BodyNodeSchema, "The body's members: an object (or, for JSON, an array)."),
    contentType: Type.Optional(
      Type.String({ description: "The Content-Type header; default application/json for json and application/xml for xml." }),
    ),
    xml: Type.Optional(XmlBodyOptionsSchema),
  },
  { additionalProperties: false, description: "The request body, built from inputs as a typed document (never by splicing text)." },
);

// --- requests -------------------------------------------------------------------------------

export const HttpMethodSchema = Type.Union(
  [Type.Literal("GET"), Type.Literal("POST"), Type.Literal("PUT"), Type.Literal("PATCH"), Type.Literal("DELETE")],
  d("The HTTP method."),
);

export const RequestSchema = Type.Object(
  {
    method: HttpMethodSchema,
    path: Type.String({
      minLength: 1,
      description:
        "The path, joined to the connection's base URL as a path (SPEC 11.3); {{Input Name}} placeholders are replaced by the input's text encoded as a URI component. Every input it names must be mandatory or have a default.",
    }),
    query: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), ref("ValueSource", ValueSourceSchema), {
        description: "Query parameters in order; a parameter whose value is blank is omitted (unless whenBlank says otherwise); a lines value repeats the parameter.",
      }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), ref("ValueSource", ValueSourceSchema), { description: "Request headers; a header whose value is blank is omitted." }),
    ),
    accept: Type.Optional(ref("ValueSource", ValueSourceSchema, "The Accept header: the response format to ask for (content negotiation).")),
    body: Type.Optional(BodySchema),
    sendAuth: Type.Optional(
      Type.Boolean({
        description: "False when the request carries the credential itself (a $credential body member): the connection's auth is then not added. Default true.",
      }),
    ),
  },
  { additionalProperties: false, description: "How the action's inputs become one HTTP request." },
);

// --- reading responses ----------------------------------------------------------------------

const valuePath = (description: string) =>
  Type.Object(
    {
      json: Type.Optional(Type.String({ minLength: 1, description: "A JSONPath (RFC 9535), used when the response is JSON." })),
      xml: Type.Optional(
        Type.String({ minLength: 1, description: "An XPath 1.0 expression, used when the response is XML; unprefixed names match any namespace (SPEC 11.5)." }),
      ),
    },
    { additionalProperties: false, minProperties: 1, description },
  );

export const ValuePathSchema = valuePath("Where a value sits in the response body, for each format the response may come in.");
const path = (description: string) => ref("ValuePath", ValuePathSchema, description);

export const ConditionSchema = Type.Object(
  {
    input: Type.Optional(Name("Subject: the value of this input.")),
    body: Type.Optional(path("Subject: the first value at this path in the response body.")),
    header: Type.Optional(Name("Subject: this response header (name ignoring case).")),
    error: Type.Optional(
      Type.Union([Type.Literal("code"), Type.Literal("message"), Type.Literal("fields")], {
        description: "Subject: the vendor's error code, message, or field names (joined by ', '), read as the connector's errorBody says.",
      }),
    ),
    equals: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()], d("Test: equal to this value (text compared ignoring case)."))),
    in: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), d("Test: equal to one of these values (text ignoring case)."))),
    matches: Type.Optional(Type.String({ minLength: 1, description: "Test: the text matches this regular expression (RE2 syntax, linear time, ignoring case)." })),
    contains: Type.Optional(Type.String({ minLength: 1, description: "Test: the text contains this text (ignoring case)." })),
    exists: Type.Optional(Type.Boolean({ description: "Test: true when the subject is present and not blank; false when it is missing or blank." })),
  },
  {
    additionalProperties: false,
    description: "A test on one subject (input, body, header or error) with one test (equals, in, matches, contains or exists).",
  },
);

export const StatusMatchSchema = Type.Union(
  [
    Type.Integer({ minimum: 100, maximum: 599, description: "One status code." }),
    Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1, description: "Any of these status codes." }),
    Type.String({ pattern: "^[1-5]xx$", description: "A class of status codes, for example 4xx." }),
  ],
  d("Which HTTP statuses a rule applies to."),
);

export const ErrorRuleSchema = Type.Object(
  {
    status: ref("StatusMatch", StatusMatchSchema, "The statuses the rule applies to."),
    when: Type.Optional(Type.Array(ref("Condition", ConditionSchema), { minItems: 1, description: "Conditions that must all hold." })),
    code: Type.String({
      pattern: "^[A-Z][A-Z0-9_]*$",
      description: "The stable error code the action fails with, upper case, prefixed by the vendor (IQMETRIX_VERSION_CONFLICT).",
    }),
    message: Type.String({
      minLength: 1,
      description:
        "The error message: what failed, where, and what to do. Placeholders: {{Input Name}} (not secret inputs), {{$status}}, {{$method}}, {{$path}}, {{$connection}}, {{$action}}, {{$error.code}}, {{$error.message}}, {{$error.fields}}.",
    }),
    retryable: Type.Optional(Type.Boolean({ description: "True when another attempt may succeed (pipeline retry applies). Default false." })),
  },
  { additionalProperties: false, description: "Maps a failed response to an error code and message." },
);

export const SuccessRuleSchema = Type.Union(
  [
    Type.Integer({ minimum: 100, maximum: 599, description: "A status code that means success." }),
    Type.Object(
      {
        status: ref("StatusMatch", StatusMatchSchema, "The statuses that mean this outcome."),
        when: Type.Optional(Type.Array(ref("Condition", ConditionSchema), { minItems: 1, description: "Conditions that must all hold." })),
        set: Type.Optional(
          Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), {
            description: "Output values this outcome sets, by output name, for example { \"Found\": false } for a 404 that is not a failure.",
          }),
        ),
      },
      { additionalProperties: false, description: "A success outcome with conditions and fixed output values." },
    ),
  ],
  d("A response that means success."),
);

export const ErrorBodySchema = Type.Object(
  {
    code: Type.Optional(path("The vendor's error code.")),
    message: Type.Optional(path("The vendor's error message.")),
    fields: Type.Optional(path("The names of the fields at fault (every match).")),
  },
  {
    additionalProperties: false,
    description:
      "Where the vendor's error details sit in an error response: its code, its message, and the names of the fields at fault (every match, joined by ', '). They feed error conditions and the {{$error.*}} message placeholders.",
  },
);

// --- pagination -------------------------------------------------------------------------------

export const CountSchema = Type.Union([Type.Integer({ minimum: 0, description: "A fixed number." }), ref("InputValue", InputValueSchema)], {
  description: "A whole number, fixed or from a number input.",
});
const count = (description: string) => ref("Count", CountSchema, description);

const MaxPagesSchema = Type.Optional(count("The most pages to fetch (default 100); paging stops there without failing."));

const ItemsSchema = path("The items of one page; a page whose items select nothing (or an empty list) ends paging.");

export const NextLinkPaginationSchema = Type.Object(
  {
    nextLink: path("Where the next page's link sits; it may be relative. A missing, null or blank link, or the text \"null\" (as some APIs write it), ends paging."),
    items: ItemsSchema,
    maxPages: MaxPagesSchema,
  },
  {
    additionalProperties: false,
    description: "Follow a next link read from each page; it is resolved against the URL of the response that holds it (RFC 3986). A missing, null or blank link ends paging.",
  },
);

export const SkipTopPaginationSchema = Type.Object(
  {
    skipParam: Name("The query parameter for how many items to skip, for example $skip."),
    topParam: Name("The query parameter for the page size, for example $top."),
    pageSize: count("Items per page, sent in topParam; skip grows by it from page to page."),
    start: Type.Optional(count("The skip of the first page (default 0).")),
    items: ItemsSchema,
    maxPages: MaxPagesSchema,
  },
  { additionalProperties: false, description: "Page with skip/top query parameters." },
);

export const PageNumberPaginationSchema = Type.Object(
  {
    pageParam: Name("The query parameter for the page number, for example page."),
    firstPage: Type.Optional(Type.Integer({ minimum: 0, description: "The number of the first page (default 1)." })),
    sizeParam: Type.Optional(Name("The query parameter for the page size, when the API takes one.")),
    pageSize: Type.Optional(count("Items per page, sent in sizeParam.")),
    items: ItemsSchema,
    maxPages: MaxPagesSchema,
  },
  { additionalProperties: false, description: "Page with a page-number query parameter." },
);

export const PaginationSchema = Type.Union([NextLinkPaginationSchema, SkipTopPaginationSchema, PageNumberPaginationSchema], {
  description:
    "How to fetch further pages (SPEC 11.4). Every page goes through the same success and error rules; outputs marked many collect their matches from every page, in order.",
});

// --- outputs ----------------------------------------------------------------------------------

export const ConnectorOutputSchema = Type.Object(
  {
    name: Name("The exact output name, referenced as [Action Name.Output Name]."),
    type: OutputTypeSchema,
    description: Type.String({ description: "What the output holds." }),
    json: Type.Optional(Type.String({ minLength: 1, description: "JSONPath (RFC 9535) of the value in a JSON response." })),
    xml: Type.Optional(Type.String({ minLength: 1, description: "XPath 1.0 of the value in an XML response; an element gives its text, or its XML when it has child elements." })),
    header: Type.Optional(Name("A response header (name ignoring case) that gives the value.")),
    many: Type.Optional(
      Type.Boolean({
        description: "True: every match, as a list (from every page when paging), each converted to type. False (default): the first match; none gives the default.",
      }),
    ),
    default: Type.Optional(Type.Unknown({ description: "The value when nothing matches (default: blank, or an empty list when many)." })),
    secret: Type.Optional(Type.Boolean({ description: "True when the output carries a secret (a token): it is shown only in the result." })),
  },
  { additionalProperties: false, description: "One output: where it is read from the response and its type." },
);

// --- actions and connectors -------------------------------------------------------------------

export const ConnectorActionSchema = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z][a-z0-9-]*$", description: "The action's id within the connector, kebab-case; the full id is '<connector id>-<action id>'." }),
    displayName: Name("The action's name within the connector; the full display name is '<connector displayName> <displayName>'."),
    version: Type.Optional(Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+$", description: "The action's version (semver); default the connector's." })),
    description: Type.String({ minLength: 1, description: "What the action does, shown by `siq actions NAME`." }),
    inputs: Type.Array(InputDefinitionSchema, {
      description: "The action's inputs (as in action definitions). Every connector action also has the input Connection, added by the engine.",
    }),
    request: RequestSchema,
    responseFormats: Type.Array(Type.Union([Type.Literal("json"), Type.Literal("xml")]), {
      minItems: 1,
      uniqueItems: true,
      description: "The formats the response body may come in; every body path used by this action must be given for each.",
    }),
    success: Type.Array(ref("SuccessRule", SuccessRuleSchema), { minItems: 1, description: "The responses that mean success, checked in order after the action's error rules." }),
    errors: Type.Optional(Type.Array(ref("ErrorRule", ErrorRuleSchema), { description: "This action's error rules, checked first, in order." })),
    pagination: Type.Optional(PaginationSchema),
    outputs: Type.Array(ConnectorOutputSchema, {
      description: "The action's outputs. Every connector action also has the output HTTP Status (the last response's status code), added by the engine.",
    }),
  },
  { additionalProperties: false, description: "One action: inputs, the request they make, and how the response becomes outputs or an error." },
);

export const AuthRequirementSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal("basic", d("HTTP Basic, from the connection's username and password.")) }, { additionalProperties: false, description: "HTTP Basic authentication." }),
    Type.Object({ type: Type.Literal("bearer", d("A fixed bearer token from the connection.")) }, { additionalProperties: false, description: "A bearer token." }),
    Type.Object({ type: Type.Literal("oauth2", d("OAuth 2.0 (client credentials or password grant), sent as a bearer token.")) }, { additionalProperties: false, description: "OAuth 2.0." }),
    Type.Object(
      {
        type: Type.Literal("apiKey", d("An API key from the connection's value.")),
        in: Type.Union([Type.Literal("header"), Type.Literal("query")], d("Where the vendor wants the key: a header or a query parameter.")),
        name: Name("The header or query parameter name the vendor wants, for example integrationkey."),
      },
      { additionalProperties: false, description: "An API key, placed as the vendor documents (the connection's own in/name are not used)." },
    ),
  ],
  d("An auth type the connection may use."),
);

export const ConnectorConnectionSchema = Type.Object(
  {
    defaultName: Type.Optional(Name("The pipeline connection used when an action's Connection input is not given, for example iqmetrix.")),
    auth: Type.Array(AuthRequirementSchema, {
      minItems: 1,
      description: "The auth types the vendor accepts; the connection's auth must be one of them.",
    }),
    baseUrlExample: Type.Optional(Type.String({ description: "The vendor's documented base URL, for docs and examples; a pipeline's connection gives the real one." })),
  },
  { additionalProperties: false, description: "What the connection named by an action's Connection input must provide." },
);

export const ConnectorSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: "The JSON Schema of this file, for editors." })),
    id: Type.String({ pattern: "^[a-z][a-z0-9-]*$", description: "The connector's id, the prefix of its actions' ids, for example iqmetrix." }),
    displayName: Name("The prefix of its actions' display names, for example iQmetrix."),
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+$", description: "The connector's version (semver)." }),
    description: Type.String({ minLength: 1, description: "What the connector connects to." }),
    documentation: Type.Optional(Type.String({ description: "Where the vendor documents the API." })),
    connection: ConnectorConnectionSchema,
    errorBody: Type.Optional(ErrorBodySchema),
    errors: Type.Optional(
      Type.Array(ref("ErrorRule", ErrorRuleSchema), { description: "Error rules for every action, checked after the action's own error and success rules, in order." }),
    ),
    actions: Type.Array(ConnectorActionSchema, { minItems: 1, description: "The connector's actions." }),
  },
  {
    $id: "https://siq-actions.dev/schemas/connector.schema.json",
    additionalProperties: false,
    description: "A declarative connector: REST actions for one vendor API, written as data alone.",
    $defs: {
      InputValue: InputValueSchema,
      TemplateValue: TemplateValueSchema,
      CredentialValue: CredentialValueSchema,
      ValueSource: ValueSourceSchema,
      BodyNode: BodyNodeSchema,
      ValuePath: ValuePathSchema,
      Condition: ConditionSchema,
      StatusMatch: StatusMatchSchema,
      ErrorRule: ErrorRuleSchema,
      SuccessRule: SuccessRuleSchema,
      Count: CountSchema,
    } satisfies Record<DefName, TSchema>,
  },
);

export type Connector = Static<typeof ConnectorSchema>;
export type ConnectorAction = Static<typeof ConnectorActionSchema>;
export type ConnectorOutput = Static<typeof ConnectorOutputSchema>;
export type ConnectorRequest = Static<typeof RequestSchema>;
export type ConnectorBody = Static<typeof BodySchema>;
export type ValueSource = Static<typeof ValueSourceSchema>;
export type InputValue = Static<typeof InputValueSchema>;
export type TemplateValue = Static<typeof TemplateValueSchema>;
export type ValuePath = Static<typeof ValuePathSchema>;
export type Condition = Static<typeof ConditionSchema>;
export type ErrorRule = Static<typeof ErrorRuleSchema>;
export type SuccessRule = Static<typeof SuccessRuleSchema>;
export type Pagination = Static<typeof PaginationSchema>;
export type AuthRequirement = Static<typeof AuthRequirementSchema>;
