/**
 * SmartIQ API (SPEC 5.2): the definition, as data. It is Send to REST Service with the running
 * user's SmartIQ token added and As-User impersonation; it offers no auth inputs of its own and
 * no Connection (it always uses connections.smartiq, or the embedded host).
 */
import type { ActionDefinition, InputDefinition } from "../../runtime/definition";
import { HTTP_OUTPUTS, SHARED_HTTP_INPUTS } from "../rest-service/definition";

const SHARED_NAMES = [
  "URL",
  "HTTP Method",
  "Custom Headers",
  "Action Documents",
  "Send as Multipart",
  "Request Body",
  "Request Schema",
  "Output Path",
  "Pagination",
  "Timeout (Seconds)",
  "Fail On Error Status",
];

function shared(name: string): InputDefinition {
  const input = SHARED_HTTP_INPUTS[name];
  if (input === undefined) throw new Error(`no shared HTTP input "${name}"`);
  return name === "URL"
    ? { ...input, description: "The SmartIQ endpoint: a path relative to the SmartIQ connection (/api/v1/admin/users), or an absolute URL on that same origin; any other origin is refused before sending." }
    : input;
}

export const smartiqApiDefinition: ActionDefinition = {
  id: "smartiq-api",
  displayName: "SmartIQ API",
  version: "1.0.0",
  description:
    "Calls the SmartIQ API as the running user (their token is added as Authorization: Bearer), or as another user with As-User (Impersonate). Outputs as Send to REST Service.",
  inputs: [
    {
      name: "As-User (Impersonate)",
      type: "text",
      description: "A username or user GUID: the request is handled as that user. The running user needs the Impersonate permission, and the user must exist and be enabled.",
    },
    ...SHARED_NAMES.map(shared),
  ],
  outputs: HTTP_OUTPUTS,
};
