/**
 * SmartIQ API (SPEC 5.2): the REST request pipeline plus a hook that adds the running user's
 * SmartIQ token, locks the URL to the SmartIQ origin, and handles As-User impersonation (the
 * permission check, the audit records before and after, the X-As-User header).
 */
import { cancellationSignal, type ActionContext, type AuditRecord } from "../../runtime/context";
import type { ActionOutcome, BoundInputs } from "../../runtime/definition";
import { SiqError } from "../../runtime/errors";
import type { ConnectionInfo, ResolvedAuth } from "../../runtime/http/auth/resolve-auth";
import { remoteSmartiq, remoteSmartiqAuth } from "../../runtime/http/auth/smartiq-connection";
import { runHttpAction, type HttpActionHooks } from "../../runtime/http/http-action";
import { displayUrl, originOf } from "../../runtime/http/url";

const AS_USER = "As-User (Impersonate)";

/** Where SmartIQ is and how the running user's token is obtained. */
interface SmartiqTarget {
  connection: ConnectionInfo;
  /** True for a remote `connections.smartiq`: its server checks impersonation itself. */
  remote: boolean;
  token: () => Promise<ResolvedAuth>;
}

export async function smartiqApiHandler(inputs: BoundInputs, context: ActionContext): Promise<ActionOutcome> {
  refuseCustomAsUser(inputs, context);
  const target = smartiqTarget(context);
  const origin = originOf(target.connection.baseUrl as string);
  const asUser = asUserOf(inputs);
  let impersonated: { username: string; header: string } | undefined;
  if (asUser !== undefined) {
    try {
      impersonated = impersonation(asUser, target, context);
    } catch (error) {
      // A refused impersonation is audited too: who tried to act as whom, and why not (a dry
      // run changes nothing, the audit log included).
      if (!context.dryRun) await context.audit.record({
        time: context.clock.now().toISOString(),
        event: "smartiq-api.impersonation-denied",
        user: context.user.username,
        asUser,
        detail: error instanceof SiqError ? error.code : "ERROR",
      });
      throw error;
    }
  }

  const record = (entry: Omit<AuditRecord, "time" | "user">) =>
    context.audit.record({
      time: context.clock.now().toISOString(),
      user: context.user.username,
      ...(impersonated ? { asUser: impersonated.username } : {}),
      ...entry,
    });

  const hooks: HttpActionHooks = {
    connection: target.connection,
    auth: target.token,
    credentials: impersonated ? [["X-As-User", impersonated.header]] : [],
    lockOrigin: {
      origin,
      code: "SMARTIQ_FOREIGN_ORIGIN",
      message: (other) =>
        `SmartIQ API sends the user's SmartIQ token, so it only calls SmartIQ (${origin}); the URL of action "${context.action.name}" is on ${other}. Use a path such as /api/v1/admin/users, or Send to REST Service for other services.`,
    },
    beforeSend: async (request) => {
      if (context.dryRun) return;
      await record({ event: impersonated ? "smartiq-api.impersonated-call" : "smartiq-api.call", method: request.method, url: displayUrl(request.url, context.redactor) });
    },
    afterSend: async ({ response, error }) => {
      if (context.dryRun) return;
      await record({
        event: "smartiq-api.response",
        ...(response ? { status: response.status, url: displayUrl(response.url, context.redactor) } : { status: error?.code ?? "ERROR" }),
      });
    },
  };
  return runHttpAction(inputs, context, hooks);
}

/**
 * X-As-User comes only from As-User (Impersonate), after its checks and with its audit records:
 * a Custom Header of that name would act as another user with the audit log showing none.
 */
function refuseCustomAsUser(inputs: BoundInputs, context: ActionContext): void {
  const headers = inputs.get("Custom Headers");
  if (!Array.isArray(headers) || !headers.some((header) => Array.isArray(header) && String(header[0]).trim().toLowerCase() === "x-as-user")) return;
  throw new SiqError(
    "HEADER_INVALID",
    `Custom Headers of action "${context.action.name}" set X-As-User; SmartIQ API sets that header itself from "${AS_USER}", after checking the Impersonate permission and recording it in the audit log. Use that input instead.`,
    { action: context.action.name, input: "Custom Headers" },
  );
}

function asUserOf(inputs: BoundInputs): string | undefined {
  const value = inputs.get(AS_USER);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function smartiqTarget(context: ActionContext): SmartiqTarget {
  const remote = remoteSmartiq(context);
  if (remote) return { connection: remote, remote: true, token: () => remoteSmartiqAuth(remote, context) };
  const baseUrl = context.settings.smartiqBaseUrl;
  const tokens = context.tokens;
  if (!baseUrl || !tokens) {
    throw new SiqError(
      "SMARTIQ_UNAVAILABLE",
      `Action "${context.action.name}" calls the SmartIQ API, but there is no SmartIQ to call: add connections.smartiq (baseUrl and auth) to the pipeline, or run it on the embedded host (siq run starts one).`,
      { action: context.action.name },
    );
  }
  return {
    connection: { name: "smartiq", baseUrl },
    remote: false,
    token: async () => {
      const token = await tokens.tokenFor(context.user, cancellationSignal(context));
      context.redactor.addSecret(token);
      return { source: "connection", type: "bearer", headers: [["Authorization", `Bearer ${token}`]], query: [] };
    },
  };
}

/**
 * SPEC 5.2: the running user must hold Impersonate, and the impersonated user must exist and be
 * enabled; otherwise nothing is sent. A remote SmartIQ checks this itself (SPEC 11.19).
 */
function impersonation(asUser: string, target: SmartiqTarget, context: ActionContext): { username: string; header: string } {
  if (target.remote) return { username: asUser, header: asUser };
  const directory = context.directory;
  const action = context.action.name;
  if (!directory) {
    throw new SiqError("IMPERSONATION_DENIED", `Action "${action}" impersonates "${asUser}", but this host has no user directory to check the Impersonate permission.`, { action, input: AS_USER });
  }
  const runningGuid = context.user.guid ?? directory.findUser(context.user.username)?.guid;
  if (!runningGuid || !directory.hasPermission(runningGuid, "Impersonate")) {
    throw new SiqError(
      "IMPERSONATION_DENIED",
      `The running user "${context.user.username}" may not impersonate: action "${action}" needs the Impersonate permission, given by a role of one of the user's groups.`,
      { action, input: AS_USER },
    );
  }
  const user = directory.findUser(asUser);
  if (!user && context.dryRun) {
    // An earlier action of this dry run may create the user (it changed nothing, so the
    // directory cannot say): show the request, and say why it names the user as given.
    context.message(`Dry run: no user "${asUser}" is in the directory yet (an earlier action may create it); a real run fails with IMPERSONATED_USER_NOT_FOUND unless one does.`);
    return { username: asUser, header: asUser };
  }
  if (!user) {
    throw new SiqError("IMPERSONATED_USER_NOT_FOUND", `Action "${action}" impersonates "${asUser}", but no user has that username or GUID.`, { action, input: AS_USER });
  }
  if (user.disabled) {
    throw new SiqError("IMPERSONATED_USER_DISABLED", `Action "${action}" impersonates "${user.username}", whose account is disabled.`, { action, input: AS_USER });
  }
  // Impersonate must not be a way up: only an administrator may act as an administrator.
  if (directory.isAdministrator(user.guid) && !directory.isAdministrator(runningGuid)) {
    throw new SiqError(
      "IMPERSONATION_DENIED",
      `Action "${action}" impersonates the administrator "${user.username}", but the running user "${context.user.username}" is not an administrator: only administrators may act as administrators.`,
      { action, input: AS_USER },
    );
  }
  return { username: user.username, header: user.guid };
}
