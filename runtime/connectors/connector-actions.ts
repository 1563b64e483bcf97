/**
 * A connector's actions as action plugins: each definition is data built from the connector
 * (inputs plus Connection, outputs plus HTTP Status), the handler runs the action through the
 * request pipeline, and the static check reports a missing or unsuitable connection before
 * anything runs (SPEC 11.9).
 *
 * Building plugins is cheap and loads nothing heavy: the engine that runs them (JSONPath, XPath,
 * XML and RE2 libraries) is loaded on the first run, so `siq validate` and `siq actions` do not
 * pay for it.
 */
import type { ActionContext } from "../context";
import type { ActionDefinition, ActionPlugin, BoundInputs, InputDefinition, InputProblem, OutputDefinition, RawInput, StaticCheckContext } from "../definition";
import type { ConnectorOutput, Connector, ConnectorAction } from "../../schemas/connector";
import { connectionProblem, describeAuth } from "./connection";
import { CONNECTION_INPUT, HTTP_STATUS_OUTPUT } from "./placeholders";
import type * as RunAction from "./run-action";

/** Every action of a connector, as plugins to register (`createRuntime({ actions })`). */
export function connectorActions(connector: Connector): ActionPlugin[] {
  return connector.actions.map((action) => connectorAction(connector, action));
}

function connectorAction(connector: Connector, action: ConnectorAction): ActionPlugin {
  const definition = connectorActionDefinition(connector, action);
  const plan: RunAction.ConnectorActionPlan = {
    connector,
    action,
    displayName: definition.displayName,
    definitions: new Map(action.inputs.map((input) => [input.name, input])),
  };
  return {
    definition,
    handler: (inputs: BoundInputs, context: ActionContext) => engine().runConnectorAction(plan, inputs, context),
    check: (inputs: ReadonlyMap<string, RawInput>, context: StaticCheckContext) => checkConnection(connector, inputs, context),
  };
}

let loaded: typeof RunAction | undefined;

function engine(): typeof RunAction {
  // Loaded on first use (see the module comment); CommonJS require keeps this synchronous.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require("./run-action") as typeof RunAction;
  return loaded;
}

export function connectorActionDefinition(connector: Connector, action: ConnectorAction): ActionDefinition {
  return {
    id: `${connector.id}-${action.id}`,
    displayName: `${connector.displayName} ${action.displayName}`,
    version: action.version ?? connector.version,
    description: action.description,
    inputs: [...action.inputs, connectionInput(connector)],
    outputs: [...action.outputs.map(outputDefinition), { name: HTTP_STATUS_OUTPUT, type: "number", description: "The status code of the last response (0 in a dry run)." }],
  };
}

function connectionInput(connector: Connector): InputDefinition {
  const defaultName = connector.connection.defaultName;
  const input: InputDefinition = {
    name: CONNECTION_INPUT,
    type: "text",
    description:
      `The pipeline connection to ${connector.displayName}: its baseUrl and its ${describeAuth(connector.connection.auth)} auth.` +
      (defaultName === undefined ? "" : ` Default: the connection "${defaultName}".`),
  };
  if (defaultName === undefined) input.mandatory = true;
  else input.default = defaultName;
  return input;
}

function outputDefinition(output: ConnectorOutput): OutputDefinition {
  const definition: OutputDefinition = {
    name: output.name,
    // A list is a list of values (text form joined by "|"), not one JSON document.
    type: output.many ? "any" : output.type,
    description: output.many ? `A list (${output.type} items): ${output.description}` : output.description,
  };
  if (output.secret) definition.secret = true;
  return definition;
}

/** The connection named by a literal Connection input (or the default) must exist and suit the connector. */
function checkConnection(connector: Connector, inputs: ReadonlyMap<string, RawInput>, context: StaticCheckContext): InputProblem[] {
  const written = inputs.get(CONNECTION_INPUT);
  let name: string | undefined;
  if (written === undefined) name = connector.connection.defaultName;
  else if (written.literal && typeof written.value === "string") name = written.value.trim();
  if (name === undefined || name === "") return [];
  const problem = connectionProblem(connector, name, context.connections);
  return problem ? [{ input: CONNECTION_INPUT, code: problem.code, message: problem.message }] : [];
}
