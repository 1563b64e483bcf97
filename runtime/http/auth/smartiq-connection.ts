/**
 * The SmartIQ token of a run, shared by SmartIQ API and Send Access Token (SPEC 5.1, 5.2, 11.2):
 * with a remote `connections.smartiq`, its `auth` (login or bearer) gives the token; otherwise
 * the host's token provider gives the running user's.
 */
import { cancellationSignal, type ActionContext } from "../../context";
import { resolveAuth, type ConnectionInfo, type ResolvedAuth } from "./resolve-auth";

/** The pipeline's remote SmartIQ connection, when it has one. */
export function remoteSmartiq(context: ActionContext): ConnectionInfo | undefined {
  const remote = context.pipeline.connections.smartiq as { baseUrl?: string; auth?: unknown } | undefined;
  return remote?.baseUrl ? { name: "smartiq", baseUrl: remote.baseUrl, auth: remote.auth } : undefined;
}

/** The remote SmartIQ connection's credentials (a bearer token, logged in for when it is `login`). */
export function remoteSmartiqAuth(connection: ConnectionInfo, context: ActionContext): Promise<ResolvedAuth> {
  const dryRun = context.dryRun;
  return resolveAuth(
    {},
    {
      connection,
      tokenCache: context.shared.tokenCache,
      http: {
        dispatcher: context.dispatcher,
        signal: cancellationSignal(context),
        clock: context.clock,
        redactor: context.redactor,
        logger: context.logger,
        onHop: context.egress,
        action: context.action.name,
        // A dry run shows the login request instead of sending it.
        dryRun: dryRun ? (request) => dryRun(request) : undefined,
      },
      redactor: context.redactor,
      signal: cancellationSignal(context),
    },
  );
}

/**
 * The token itself, from a remote connection's Authorization header. Undefined when its auth
 * gives no bearer token (the pipeline checks say a remote SmartIQ takes login or bearer auth).
 */
export async function remoteSmartiqToken(connection: ConnectionInfo, context: ActionContext): Promise<string | undefined> {
  const auth = await remoteSmartiqAuth(connection, context);
  const header = auth.headers.find(([name]) => name.toLowerCase() === "authorization")?.[1];
  const match = header === undefined ? null : /^Bearer (.+)$/.exec(header);
  return match?.[1];
}
