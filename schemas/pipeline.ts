/**
 * The JSON Schema of pipeline files (`*.pipeline.json`), SPEC section 2.
 * TypeScript types derive from it (runtime/pipeline/types.ts); `npm run schemas` writes
 * schemas/pipeline.schema.json, which editors use when a pipeline sets "$schema".
 */
import { Type } from "@sinclair/typebox";

const d = (description: string) => ({ description });

export const QuestionIdSchema = Type.String({
  pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
  description: "A question id such as q1: letters, digits and _, starting with a letter or _.",
});

export const FieldTypeSchema = Type.Union(
  [Type.Literal("text"), Type.Literal("number"), Type.Literal("boolean"), Type.Literal("date")],
  d("The type of a repeat field's values."),
);

export const QuestionTypeSchema = Type.Union(
  [
    Type.Literal("text"),
    Type.Literal("number"),
    Type.Literal("boolean"),
    Type.Literal("date"),
    Type.Literal("choice"),
    Type.Literal("multichoice"),
    Type.Literal("repeat"),
  ],
  d("text, number, boolean, date, choice (one of options), multichoice (several of options), or repeat (a repeating section or multi-row data source, with fields)."),
);

export const QuestionSchema = Type.Object(
  {
    label: Type.String(d("The question's label, shown on the form and in messages.")),
    type: QuestionTypeSchema,
    required: Type.Optional(Type.Boolean(d("True when the form must answer this question."))),
    description: Type.Optional(Type.String(d("Help text shown under the question."))),
    format: Type.Optional(
      Type.Literal("email", {
        description:
          "text questions only: \"email\" makes the answer a valid email address (the rule browsers use for <input type=email>, and the user directory's), checked on the form and again when the answers arrive.",
      }),
    ),
    options: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: "The allowed answers of a choice or multichoice question." })),
    fields: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_ ]*$" }), FieldTypeSchema, {
        description: "The fields of each row of a repeat question, by name, with their types: { \"GroupName\": \"text\" }.",
      }),
    ),
  },
  { additionalProperties: false, description: "One question of the form." },
);

const SecretString = (description: string) => Type.String({ description: `${description} Write \${NAME} to read it from an environment variable.` });

export const BasicAuthSchema = Type.Object(
  {
    type: Type.Literal("basic", d("HTTP Basic authentication.")),
    username: SecretString("The user name."),
    password: SecretString("The password."),
  },
  { additionalProperties: false, description: "HTTP Basic authentication." },
);

export const BearerAuthSchema = Type.Object(
  {
    type: Type.Literal("bearer", d("A fixed bearer token.")),
    token: SecretString("The token, sent as Authorization: Bearer <token>."),
  },
  { additionalProperties: false, description: "A fixed bearer token." },
);

export const ApiKeyAuthSchema = Type.Object(
  {
    type: Type.Literal("apiKey", d("An API key in a header or a query parameter.")),
    in: Type.Union([Type.Literal("header"), Type.Literal("query")], d("Where the key goes: a header or a query parameter.")),
    name: Type.String({ minLength: 1, description: "The header or query parameter name, for example X-Api-Key." }),
    value: SecretString("The key."),
  },
  { additionalProperties: false, description: "An API key in a header or a query parameter." },
);

export const OAuth2AuthSchema = Type.Object(
  {
    type: Type.Literal("oauth2", d("OAuth 2.0: client credentials, or password grant when username is set.")),
    tokenUrl: Type.String(d("The token endpoint URL.")),
    clientId: SecretString("The client id."),
    clientSecret: SecretString("The client secret."),
    scope: Type.Optional(Type.String(d("The scope to request, space-separated."))),
    username: Type.Optional(SecretString("The resource owner's user name (password grant).")),
    password: Type.Optional(SecretString("The resource owner's password (password grant).")),
  },
  { additionalProperties: false, description: "OAuth 2.0 client credentials or password grant; the token is cached until it expires and refreshed before." },
);

export const LoginAuthSchema = Type.Object(
  {
    type: Type.Literal("login", d("SmartIQ only: a token from POST /api/v1/admin/login/forms.")),
    username: SecretString("The SmartIQ user name; the pipeline runs as this account."),
    password: SecretString("The SmartIQ password."),
  },
  { additionalProperties: false, description: "SmartIQ only: log in with a user name and password to get a token." },
);

export const ConnectionAuthSchema = Type.Union([BasicAuthSchema, BearerAuthSchema, ApiKeyAuthSchema, OAuth2AuthSchema, LoginAuthSchema], {
  description: "How requests on this connection authenticate: basic, bearer, apiKey, oauth2, or (for smartiq) login.",
});

export const ConnectionSchema = Type.Object(
  {
    baseUrl: Type.String(d("The base URL that relative action URLs are joined to, for example https://crm.example.com/v1.")),
    auth: Type.Optional(ConnectionAuthSchema),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), d("Headers sent with every request on this connection."))),
  },
  { additionalProperties: false, description: "A named, reusable endpoint with its credentials." },
);

export const RetrySchema = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, maximum: 20, description: "How many times the action may run in all, the first run included." }),
    waitSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, description: "Seconds to wait before the second run (default 1)." })),
    backoff: Type.Optional(Type.Number({ minimum: 1, maximum: 10, description: "Each further wait is the previous one times this factor (default 1)." })),
  },
  { additionalProperties: false, description: "Re-run the action when it fails with a retryable error (connection errors, timeouts, 429, 5xx when Fail On Error Status is set)." },
);

export const PipelineActionSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      pattern: "^[^.\\[\\]{}]+$",
      description: "The action's unique name, used in references such as [Create User.User Guid]; no '.', brackets or braces.",
    }),
    type: Type.String({ minLength: 1, description: "The action: its display name (\"SmartIQ User\") or id (\"smartiq-user\"). `siq actions` lists them." }),
    description: Type.Optional(Type.String(d("What this step is for."))),
    when: Type.Optional(Type.String({ pattern: "^=", description: "A formula; the action runs only when it is true, and is skipped otherwise." })),
    retry: Type.Optional(RetrySchema),
    continueOnError: Type.Optional(Type.Boolean(d("True lets the pipeline go on after this action fails."))),
    inputs: Type.Record(Type.String(), Type.Unknown(), {
      description: "Input values by input name: a literal, a formula (\"=...\"), a template (\"{{q1}}\"), or an object/array whose string leaves are any of these.",
    }),
  },
  { additionalProperties: false, description: "One step of the pipeline." },
);

export const PipelineSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String(d("The JSON Schema of this file, for editor help."))),
    name: Type.String({ minLength: 1, description: "The pipeline's name, shown in results." }),
    description: Type.Optional(Type.String(d("What the pipeline does."))),
    culture: Type.Optional(Type.String({ pattern: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description: "The culture for Format(), for example en-AU; default invariant." })),
    timeZone: Type.Optional(Type.String(d("The IANA time zone for Today() and Now(), for example Australia/Sydney; default the process's."))),
    questions: Type.Optional(Type.Record(QuestionIdSchema, QuestionSchema, d("The form's questions by id."))),
    connections: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" }), ConnectionSchema, {
        description: "Named endpoints and credentials. `${NAME}` reads an environment variable here, and only here.",
      }),
    ),
    actions: Type.Array(PipelineActionSchema, { description: "The steps, run in file order." }),
  },
  {
    $id: "https://siq-actions.dev/schemas/pipeline.schema.json",
    additionalProperties: false,
    description: "A siq-actions pipeline: questions, connections and the actions a submitted form runs.",
  },
);

export const AnswersSchema = Type.Record(
  QuestionIdSchema,
  Type.Union([
    Type.String(),
    Type.Number(),
    Type.Boolean(),
    Type.Null(),
    Type.Array(Type.String(), d("A multichoice answer.")),
    Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])), d("The rows of a repeat question.")),
  ]),
  {
    $id: "https://siq-actions.dev/schemas/answers.schema.json",
    description: "Form answers keyed by question id: text, numbers, booleans, dates as yyyy-MM-dd text, lists for multichoice, row objects for repeats.",
  },
);
