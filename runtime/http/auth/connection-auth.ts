/**
 * The `auth` of a pipeline connection (SPEC section 2 and rule 2), checked into a typed shape.
 */
import { SiqError } from "../../errors";
import { isPlainObject } from "../../values";

export type ConnectionAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string }
  | { type: "apiKey"; in: "header" | "query"; name: string; value: string }
  | { type: "oauth2"; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; username?: string; password?: string }
  | { type: "login"; username: string; password: string };

const FIELDS: Record<ConnectionAuth["type"], { required: string[]; optional: string[] }> = {
  basic: { required: ["username", "password"], optional: [] },
  bearer: { required: ["token"], optional: [] },
  apiKey: { required: ["in", "name", "value"], optional: [] },
  oauth2: { required: ["tokenUrl", "clientId", "clientSecret"], optional: ["scope", "username", "password"] },
  login: { required: ["username", "password"], optional: [] },
};

/**
 * Checks a connection's `auth` (undefined when the connection has none). `allowLogin` is true
 * only for the `smartiq` connection, the one place the `login` type means something.
 * Unknown fields are refused, so a typo such as `clientID` is reported instead of ignored.
 * Messages name fields, never values.
 */
export function parseConnectionAuth(value: unknown, connection: string, options: { allowLogin?: boolean } = {}): ConnectionAuth | undefined {
  if (value === undefined || value === null) return undefined;
  const where = `connections.${connection}.auth`;
  if (!isPlainObject(value)) throw invalid(`${where} must be an object with a "type".`);
  const type = value["type"];
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(FIELDS, type)) {
    throw invalid(`${where}.type must be one of basic, bearer, apiKey, oauth2${options.allowLogin ? ", login" : ""}.`);
  }
  if (type === "login" && !options.allowLogin) {
    throw invalid(`${where}.type "login" is only for the smartiq connection; use basic, bearer, apiKey or oauth2.`);
  }
  const fields = FIELDS[type as ConnectionAuth["type"]];
  for (const key of Object.keys(value)) {
    if (key !== "type" && !fields.required.includes(key) && !fields.optional.includes(key)) {
      throw invalid(`${where} has the field "${key}", which auth type "${type}" does not use (it takes ${[...fields.required, ...fields.optional].join(", ")}).`);
    }
  }
  for (const key of fields.required) {
    const field = value[key];
    // A blank password is allowed (some Basic services use one); other fields must have text.
    if (typeof field !== "string" || (field === "" && key !== "password")) {
      throw invalid(`${where}.${key} is missing or not text; auth type "${type}" needs ${fields.required.join(", ")}.`);
    }
  }
  for (const key of fields.optional) {
    if (value[key] !== undefined && typeof value[key] !== "string") throw invalid(`${where}.${key} must be text.`);
  }
  if (type === "apiKey" && value["in"] !== "header" && value["in"] !== "query") {
    throw invalid(`${where}.in must be "header" or "query".`);
  }
  return value as unknown as ConnectionAuth;
}

function invalid(message: string): SiqError {
  return new SiqError("AUTH_INVALID", message);
}
