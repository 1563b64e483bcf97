/**
 * Declarative connectors (SPEC 5.5): REST actions written as data alone. A connector file
 * becomes action plugins that run through the same request pipeline as Send to REST Service.
 *
 * ```ts
 * const runtime = createRuntime({ actions: await loadConnectorActions("acme.connector.json") });
 * ```
 */
export { connectorActions, connectorActionDefinition } from "./connector-actions";
export { loadConnector, loadConnectorActions, parseConnector, validateConnector, type ConnectorFileProblem } from "./load-connector";
export { CONNECTION_INPUT, HTTP_STATUS_OUTPUT } from "./placeholders";
export type { Connector, ConnectorAction } from "../../schemas/connector";
