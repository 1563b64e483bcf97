/**
 * Actions are plugins: a definition (data) plus a handler (a plain async function).
 *
 * The definition is the single source for `siq actions`, static checks, input binding and the
 * docs; the handler never sees raw pipeline text, only inputs already bound and converted to
 * the declared types.
 */
import type { Static } from "@sinclair/typebox";
import type { ActionDefinitionSchema, InputDefinitionSchema, InputTypeSchema, OutputDefinitionSchema } from "../schemas/action-definition";
import type { ActionContext } from "./context";
import type { JsonValue, Value } from "./values";

/** The declared type of an input; binding converts every value to it. */
export type InputType = Static<typeof InputTypeSchema>;
export type InputDefinition = Static<typeof InputDefinitionSchema>;
export type OutputDefinition = Static<typeof OutputDefinitionSchema>;
export type ActionDefinition = Static<typeof ActionDefinitionSchema>;

/** One Action Documents entry after binding: its rendered text and content type. */
export interface BoundDocument {
  name: string;
  contentType: string;
  content: string;
}

/**
 * What a handler receives for one input, by declared type:
 * text/multiline/url → string; number → number; boolean → boolean; json → JsonValue
 * (an object or array stays structured; template text stays a string for the handler to parse);
 * keyValueList → ordered [name, value] pairs; documents → BoundDocument[].
 */
export type BoundInput = string | number | boolean | JsonValue | Array<[string, string]> | BoundDocument[];

/** Inputs by name. An input with no value and no default is absent. */
export type BoundInputs = ReadonlyMap<string, BoundInput>;

/** What a handler returns: its outputs by name (typed values) and optional messages. */
export interface ActionOutcome {
  outputs: Record<string, Value>;
  messages?: string[];
}

export type ActionHandler = (inputs: BoundInputs, context: ActionContext) => Promise<ActionOutcome>;

/** A static problem an action reports about its raw inputs before anything runs (SPEC 11.9). */
export interface InputProblem {
  /** The input the problem is about (its JSON path is added by the checker). */
  input: string;
  code: string;
  message: string;
  /** Optional path below the input, for example `["properties", "name"]`. */
  subPath?: Array<string | number>;
}

/**
 * An input as written in the pipeline, for static checks: `literal` is true when the value
 * contains no formula or template anywhere, so the check may rely on its exact value.
 */
export interface RawInput {
  value: JsonValue;
  literal: boolean;
}

export interface StaticCheckContext {
  /** The pipeline's connections, after `${NAME}` substitution (secrets included: never echo them). */
  connections: Readonly<Record<string, JsonValue>>;
  /** The folder of the pipeline file, for inputs that name files. */
  baseDir: string;
}

export interface ActionPlugin {
  definition: ActionDefinition;
  handler: ActionHandler;
  /** Problems decidable without answers (a Request Body without schema, a foreign URL...). */
  check?: (inputs: ReadonlyMap<string, RawInput>, context: StaticCheckContext) => InputProblem[];
}

/** Typed identity helper so plugin files get checking and completion. */
export function defineAction(plugin: ActionPlugin): ActionPlugin {
  return plugin;
}

/** Finds an input definition by exact name. */
export function findInput(definition: ActionDefinition, name: string): InputDefinition | undefined {
  return definition.inputs.find((input) => input.name === name);
}
