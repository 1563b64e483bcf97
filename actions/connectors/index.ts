/**
 * The connectors shipped with siq-actions (SPEC 5.5), one data file each, as built-in actions.
 *
 * The files are imported as JSON modules, so the compiler copies them next to the compiled code
 * and start-up is a JSON parse. They are not schema-checked here: their tests check every file
 * against the connector schema and `checkConnector`, and a host's own files go through
 * `loadConnector`, which checks them.
 */
import type { ActionPlugin } from "../../runtime/definition";
import { connectorActions } from "../../runtime/connectors/connector-actions";
import type { Connector } from "../../schemas/connector";
import insightIq from "./insightiq.connector.json";
import iqmetrix from "./iqmetrix-user-manager.connector.json";
import usersApiV1 from "./users-api-v1.connector.json";
import usersApiV2 from "./users-api-v2.connector.json";

/** The shipped connector files' data, in the order their actions are listed. */
export const shippedConnectors: readonly Connector[] = [iqmetrix, usersApiV1, usersApiV2, insightIq] as unknown as Connector[];

export const connectorBuiltIns: readonly ActionPlugin[] = shippedConnectors.flatMap(connectorActions);
