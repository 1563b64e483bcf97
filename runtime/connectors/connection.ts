/**
 * The pipeline connection a connector action uses: named by its Connection input, else the
 * connector's default. Its auth type must be one the connector accepts; for an API key, the
 * vendor's placement (query or header, and the name) comes from the connector, the value from
 * the connection.
 */
import type { ConnectionAuth } from "../http/auth/connection-auth";
import { parseConnectionAuth } from "../http/auth/connection-auth";
import { SiqError } from "../errors";
import { isPlainObject, type JsonValue } from "../values";
import type { AuthRequirement, Connector } from "../../schemas/connector";

export interface ChosenConnection {
  name: string;
  baseUrl: string;
  /** The connection's auth, with an API key placed as the connector says. */
  auth: ConnectionAuth;
}

/** How the accepted auth types read in messages: "bearer or oauth2", "apiKey (query integrationkey)". */
export function describeAuth(requirements: readonly AuthRequirement[]): string {
  const names = requirements.map((r) => (r.type === "apiKey" ? `apiKey (${r.in} ${r.name})` : r.type));
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1] ?? ""}`;
}

/** A problem with the connection, as a code and a message without the action's name. */
export interface ConnectionProblem {
  code: "CONNECTION_UNKNOWN" | "URL_INVALID" | "CONNECTOR_AUTH_MISMATCH";
  message: string;
}

/**
 * What validation can tell about a connection before running: that the pipeline has it, and
 * that its auth type suits the connector. Its values may come from `${NAME}` variables that are
 * not set while validating, so they are checked when the action runs. Messages name fields,
 * never credential values.
 */
export function connectionProblem(connector: Connector, name: string, connections: Readonly<Record<string, JsonValue>>): ConnectionProblem | undefined {
  const accepted = describeAuth(connector.connection.auth);
  const raw = Object.hasOwn(connections, name) ? connections[name] : undefined;
  if (!isPlainObject(raw)) {
    return {
      code: "CONNECTION_UNKNOWN",
      message: `the pipeline has no connection "${name}"; add connections.${name} with a baseUrl and ${accepted} auth, or set Connection to a connection it has`,
    };
  }
  const auth = raw["auth"];
  if (auth === undefined || auth === null) {
    return { code: "CONNECTOR_AUTH_MISMATCH", message: `the connection "${name}" has no auth; ${connector.displayName} needs ${accepted}` };
  }
  const type = isPlainObject(auth) ? auth["type"] : undefined;
  if (typeof type === "string" && !connector.connection.auth.some((candidate) => candidate.type === type)) {
    return { code: "CONNECTOR_AUTH_MISMATCH", message: `the connection "${name}" uses ${type} auth; ${connector.displayName} accepts ${accepted}` };
  }
  return undefined;
}

/** The connection for a run, with an API key placed as the connector says; or a `SiqError` naming the action. */
export function chooseConnection(connector: Connector, name: string, connections: Readonly<Record<string, JsonValue>>, action: string): ChosenConnection {
  const fail = (code: ConnectionProblem["code"], message: string): SiqError =>
    new SiqError(code, `Action "${action}": ${message.charAt(0).toUpperCase()}${message.slice(1)}.`, { action, input: "Connection" });
  const problem = connectionProblem(connector, name, connections);
  if (problem) throw fail(problem.code, problem.message);
  const raw = connections[name] as Record<string, unknown>;
  const baseUrl = raw["baseUrl"];
  if (typeof baseUrl !== "string" || baseUrl.trim() === "") {
    throw fail("URL_INVALID", `the connection "${name}" has no baseUrl; give it the ${connector.displayName} API's base URL`);
  }
  let auth = parseConnectionAuth(raw["auth"], name, { allowLogin: name === "smartiq" }) as ConnectionAuth;
  const requirement = connector.connection.auth.find((candidate) => candidate.type === auth.type);
  if (requirement?.type === "apiKey" && auth.type === "apiKey") auth = { ...auth, in: requirement.in, name: requirement.name };
  return { name, baseUrl, auth };
}
