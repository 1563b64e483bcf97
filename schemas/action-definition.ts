/**
 * The JSON Schema of action definitions (data: id, display name, inputs, outputs).
 * TypeScript types are derived from it (runtime/definition.ts), so the two cannot drift;
 * `npm run schemas` writes schemas/action-definition.schema.json from it.
 */
import { Type } from "@sinclair/typebox";

export const InputTypeSchema = Type.Union(
  [
    Type.Literal("text"),
    Type.Literal("multiline"),
    Type.Literal("boolean"),
    Type.Literal("number"),
    Type.Literal("url"),
    Type.Literal("json"),
    Type.Literal("keyValueList"),
    Type.Literal("documents"),
  ],
  {
    description:
      "How the input's value is converted before the handler sees it: text, multiline (text with lines), boolean, number, url, json (structured JSON, or JSON text), keyValueList (an object, or lines 'name: value' / 'name=value'), documents (Action Documents).",
  },
);

export const OutputTypeSchema = Type.Union(
  [Type.Literal("text"), Type.Literal("number"), Type.Literal("boolean"), Type.Literal("json"), Type.Literal("any")],
  { description: "The type of the output's value: text, number, boolean, json (object or array), or any." },
);

const JsonLiteral = Type.Unknown({ description: "A JSON value." });

export const InputDefinitionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: "The exact input name used in pipelines, for example \"Preferred Username\"." }),
    type: InputTypeSchema,
    mandatory: Type.Optional(Type.Boolean({ description: "True when the pipeline must give this input a value." })),
    default: Type.Optional(JsonLiteral),
    description: Type.String({ description: "What the input does, shown by `siq actions NAME` and in editors." }),
    secret: Type.Optional(
      Type.Boolean({ description: "True for passwords, client secrets and tokens: the value is masked as *** everywhere but the result's outputs." }),
    ),
    separator: Type.Optional(
      Type.Union([Type.Literal(":"), Type.Literal("=")], {
        description: "For keyValueList inputs written as lines: the character between name and value.",
      }),
    ),
    options: Type.Optional(
      Type.Array(Type.String(), { description: "The allowed values (compared ignoring case), for example HTTP methods." }),
    ),
  },
  { additionalProperties: false, description: "One input of an action." },
);

export const OutputDefinitionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: "The exact output name, referenced as [Action Name.Output Name]." }),
    type: OutputTypeSchema,
    description: Type.String({ description: "What the output holds." }),
    secret: Type.Optional(
      Type.Boolean({ description: "True when the output deliberately carries a secret (a generated password): it is shown only in the result." }),
    ),
  },
  { additionalProperties: false, description: "One output of an action." },
);

export const ActionDefinitionSchema = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z][a-z0-9-]*$", description: "The stable id, kebab-case, for example \"smartiq-user\"." }),
    displayName: Type.String({ minLength: 1, description: "The name users see and may write as the action type, for example \"SmartIQ User\"." }),
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+$", description: "The definition's version (semver)." }),
    description: Type.String({ description: "What the action does." }),
    inputs: Type.Array(InputDefinitionSchema, { description: "The action's inputs, in the order they are shown." }),
    outputs: Type.Array(OutputDefinitionSchema, { description: "The action's outputs." }),
  },
  {
    $id: "https://siq-actions.dev/schemas/action-definition.schema.json",
    additionalProperties: false,
    description: "An action definition: the data that describes an action's inputs and outputs.",
  },
);
