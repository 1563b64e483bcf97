/**
 * The JSON Schema of action specs (`*.spec.json`), SPEC section 10: a unit test of one action or
 * a whole pipeline, written as data. TypeScript types derive from it (runtime/spec/types.ts);
 * `npm run schemas` writes schemas/spec.schema.json, which editors use when a spec sets "$schema".
 *
 * Wherever a spec states an expected value (request bodies, outputs, audit records, directory
 * fields), a matcher object may stand in for it: `{ "$any": "string" }`, `{ "$regex": "^j" }`,
 * `{ "$absent": true }`, `{ "$json": ... }`, `{ "$partial": { ... } }`, `{ "$literal": ... }`,
 * `{ "$userGuid": "jdoe" }`.
 * The schema leaves those values open; the spec loader checks each matcher.
 */
import { Type, type Static } from "@sinclair/typebox";
import { PipelineSchema, QuestionIdSchema } from "./pipeline";

const d = (description: string) => ({ description });

const MATCHABLE = "A JSON value compared by deep equality; a matcher object such as { \"$any\": \"string\" } or { \"$regex\": \"...\" } may stand in for any part.";

/** A JSON value or a matcher, wherever a spec states what it expects. */
const Expected = (description: string) => Type.Optional(Type.Unknown({ description: `${description} ${MATCHABLE}` }));

export const PermissionSchema = Type.Union([Type.Literal("Impersonate"), Type.Literal("ManageUsers")], d("A permission: Impersonate or ManageUsers."));

export const SpecRoleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: "The role's name." }),
    permissions: Type.Optional(Type.Array(PermissionSchema, d("The permissions the role grants."))),
  },
  { additionalProperties: false, description: "A role to create." },
);

export const SpecGroupSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: "The group's name (unique ignoring case). Naming the built-in Administrators group changes it." }),
    administrators: Type.Optional(Type.Boolean(d("True flags an administrators group: its members are administrators."))),
    roles: Type.Optional(Type.Array(Type.String(), d("Names of roles (built-in or listed under roles) that the group's members get."))),
  },
  { additionalProperties: false, description: "A group to create." },
);

const userField = (label: string) => Type.Optional(Type.String(d(`The user's ${label}.`)));

const USER_FIELDS = {
  firstName: userField("first name"),
  lastName: userField("last name"),
  email: userField("email address"),
  jobTitle: userField("job title"),
  organisation: userField("organisation"),
  phone: userField("phone number"),
  addressLine1: userField("address line 1"),
  addressLine2: userField("address line 2"),
  city: userField("city"),
  state: userField("state"),
  postcode: userField("postcode"),
  country: userField("country"),
  theme: userField("theme (skin file name)"),
};

export const SpecUserSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, description: "The username (unique ignoring case). Naming the built-in admin changes it." }),
    ...USER_FIELDS,
    disabled: Type.Optional(Type.Boolean(d("True creates the account disabled."))),
    mustChangePassword: Type.Optional(Type.Boolean(d("True makes the user change the password at the next login."))),
    customFields: Type.Optional(Type.Record(Type.String(), Type.String(), d("Custom fields by name."))),
    groups: Type.Optional(Type.Array(Type.String(), d("Names of the groups the user is in."))),
  },
  { additionalProperties: false, description: "A user to create." },
);

export const SpecDirectorySchema = Type.Object(
  {
    roles: Type.Optional(Type.Array(SpecRoleSchema, d("Roles to create, before the groups."))),
    groups: Type.Optional(Type.Array(SpecGroupSchema, d("Groups to create, before the users."))),
    users: Type.Optional(Type.Array(SpecUserSchema, d("Users to create."))),
  },
  {
    additionalProperties: false,
    description:
      "The user directory before the run: a new in-memory directory (the Administrator role, the Administrators group and the user admin in it) plus these roles, groups and users.",
  },
);

export const SpecRequestSchema = Type.Object(
  {
    method: Type.String({ minLength: 1, description: "The HTTP method, for example POST (ignoring case)." }),
    url: Type.Unknown({
      description: "The absolute URL with its query, for example https://crm.example.com/v1/users?active=true; or a matcher such as { \"$regex\": \"^https://crm\\\\.example\\\\.com/\" }.",
    }),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "Headers the request must carry (names ignore case; others may be present): a value, a matcher, or { \"$absent\": true } for a header that must not be sent.",
      }),
    ),
    json: Expected("The request body, parsed as JSON, must equal this."),
    body: Expected("The request body as text must equal this (or match a matcher such as $regex)."),
    form: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          "The fields of a form body (application/x-www-form-urlencoded, or multipart/form-data with each part's text) must be exactly these: a value, a list for a repeated field, or a matcher.",
      }),
    ),
  },
  { additionalProperties: false, description: "What the request must be: method, URL, a subset of headers, and optionally the body (json, body or form)." },
);

export const SpecResponseSchema = Type.Object(
  {
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: "The status code (default 200)." })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), d("Response headers. Content-Type defaults to application/json for json, and for body to XML when it starts with < and text otherwise."))),
    json: Type.Optional(Type.Unknown(d("The response body as JSON."))),
    body: Type.Optional(Type.String(d("The response body as text."))),
    error: Type.Optional(
      Type.Union([Type.Literal("ECONNREFUSED"), Type.Literal("ECONNRESET"), Type.Literal("ENOTFOUND"), Type.Literal("TIMEOUT")], {
        description:
          "Instead of answering, fail the request as the network would: ECONNREFUSED, ECONNRESET or ENOTFOUND (CONNECTION_FAILED), or TIMEOUT. To test retries and continueOnError.",
      }),
    ),
  },
  { additionalProperties: false, description: "The canned response: status, headers and a json or text body, or an error." },
);

export const SpecHttpEntrySchema = Type.Object(
  {
    description: Type.Optional(Type.String(d("What this exchange stands for."))),
    request: SpecRequestSchema,
    response: SpecResponseSchema,
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: "How many requests this entry answers (default 1); it must answer exactly that many." })),
  },
  { additionalProperties: false, description: "One expected request and the response it gets." },
);

export const ExpectedErrorSchema = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, description: "The error's stable code, for example UNKNOWN_GROUP." })),
    message: Expected("The error's message (secrets masked)."),
  },
  { additionalProperties: false, description: "The error the action must fail with." },
);

export const ExpectedActionSchema = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal("succeeded"), Type.Literal("failed"), Type.Literal("skipped"), Type.Literal("not-run")], d("The action's status: succeeded, failed, skipped or not-run.")),
    ),
    outputs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), d(`The outputs listed here must have these values; outputs not listed are not checked. ${MATCHABLE}`))),
    error: Type.Optional(ExpectedErrorSchema),
    attempts: Type.Optional(Type.Integer({ minimum: 1, description: "How many times the action ran, the first run included." })),
    messages: Expected("The action's messages (a list of text)."),
  },
  { additionalProperties: false, description: "What one action's result must be." },
);

export const ExpectedUserSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, description: "The user to check (ignoring case)." }),
    exists: Type.Optional(Type.Boolean(d("False: the user must not exist. Default true."))),
    groups: Type.Optional(Type.Array(Type.String(), d("The exact set of the user's groups (names ignore case; order does not matter)."))),
    firstName: Expected("The first name."),
    lastName: Expected("The last name."),
    email: Expected("The email address."),
    jobTitle: Expected("The job title."),
    organisation: Expected("The organisation."),
    phone: Expected("The phone number."),
    addressLine1: Expected("Address line 1."),
    addressLine2: Expected("Address line 2."),
    city: Expected("The city."),
    state: Expected("The state."),
    postcode: Expected("The postcode."),
    country: Expected("The country."),
    theme: Expected("The theme."),
    disabled: Expected("Whether the account is disabled."),
    mustChangePassword: Expected("Whether the user must change the password at the next login."),
    hasPassword: Expected("Whether a password is set."),
    customFields: Expected("The custom fields, all of them, by name (use $partial to check some)."),
    guid: Expected("The user's GUID."),
    id: Expected("The user's numeric id."),
  },
  { additionalProperties: false, description: "One user's expected state; fields not listed are not checked." },
);

export const ExpectedAuditSchema = Type.Object(
  {
    event: Expected("The event, for example user.created or api.impersonate."),
    user: Expected("The running user."),
    asUser: Expected("The impersonated user."),
    method: Expected("The HTTP method."),
    url: Expected("The URL (secrets masked)."),
    status: Expected("The status recorded after the call."),
    detail: Expected("The detail text."),
    time: Expected("The time, ISO 8601."),
  },
  { additionalProperties: false, description: "An audit record; the fields listed must match, others are not checked." },
);

export const SpecExpectSchema = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal("succeeded"), Type.Literal("failed")], d("The run's status; default succeeded."))),
    actions: Type.Optional(Type.Record(Type.String(), ExpectedActionSchema, d("Expected results by action name; actions not listed are not checked."))),
    directory: Type.Optional(
      Type.Object(
        { users: Type.Optional(Type.Array(ExpectedUserSchema, d("Users to check; users not listed are not checked."))) },
        { additionalProperties: false, description: "The user directory after the run." },
      ),
    ),
    audit: Type.Optional(Type.Array(ExpectedAuditSchema, d("Audit records that must have been written, in this order (others may come between)."))),
    requests: Type.Optional(Type.Array(SpecRequestSchema, d("Every request sent, in the order sent: exactly these many, each matching its entry here."))),
  },
  { additionalProperties: false, description: "What the run must give. Only what is listed is checked, except the run's status (default succeeded)." },
);

/** The inline pipeline: the pipeline schema's fields, without its $id (it is embedded here). */
export const InlinePipelineSchema = Type.Object(PipelineSchema.properties, {
  additionalProperties: false,
  description: "The pipeline itself, inline, as in a *.pipeline.json file.",
});

export const SpecSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String(d("The JSON Schema of this file, for editor help."))),
    name: Type.String({ minLength: 1, description: "What the spec checks, shown on its result line." }),
    description: Type.Optional(Type.String(d("More about what the spec checks."))),
    pipeline: Type.Union([Type.String({ minLength: 1, description: "The pipeline file, relative to this spec file." }), InlinePipelineSchema], {
      description: "The pipeline to run: a file path relative to this spec file, or the pipeline inline.",
    }),
    env: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }), Type.String(), {
        description: "Values for ${NAME} in the pipeline's connections. The process environment is not read, so a spec runs the same everywhere.",
      }),
    ),
    user: Type.Optional(Type.String({ minLength: 1, description: "The running user (default admin); must be in the directory." })),
    answers: Type.Optional(Type.Record(QuestionIdSchema, Type.Unknown(), d("Form answers keyed by question id, as in an answers file."))),
    now: Type.Optional(Type.String({ minLength: 1, description: "The clock's time during the run, ISO 8601 (default 2026-01-01T00:00:00Z); waits pass at once." })),
    directory: Type.Optional(SpecDirectorySchema),
    http: Type.Optional(
      Type.Array(SpecHttpEntrySchema, {
        description:
          "The only HTTP exchanges allowed. Each request takes the first entry (in order) that matches and still has uses left; a request no entry matches fails the spec, and so does an entry left unused.",
      }),
    ),
    expect: SpecExpectSchema,
  },
  {
    $id: "https://siq-actions.dev/schemas/spec.schema.json",
    additionalProperties: false,
    description: "A siq-actions action spec: a unit test of a pipeline written as data, run by `siq test` or runSpec.",
  },
);

export type SpecFile = Static<typeof SpecSchema>;
export type SpecRequest = Static<typeof SpecRequestSchema>;
export type SpecResponse = Static<typeof SpecResponseSchema>;
export type SpecHttpEntry = Static<typeof SpecHttpEntrySchema>;
export type SpecDirectory = Static<typeof SpecDirectorySchema>;
export type SpecExpect = Static<typeof SpecExpectSchema>;
export type ExpectedAction = Static<typeof ExpectedActionSchema>;
export type ExpectedUser = Static<typeof ExpectedUserSchema>;
export type ExpectedAudit = Static<typeof ExpectedAuditSchema>;
