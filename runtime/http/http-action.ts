/**
 * The one request pipeline of the HTTP actions: Send to REST Service runs it as it is; SmartIQ
 * API runs it with a hook that adds the token and impersonation; declarative connectors run it
 * with their own request mapping. Every step that can refuse (Request Schema, origin lock,
 * impersonation) runs before anything is sent.
 */
import { cancellationSignal, type ActionContext } from "../context";
import type { ActionOutcome, BoundDocument, BoundInputs } from "../definition";
import { SiqError } from "../errors";
import { ParsedResponse, compileOutputPath, shapeOutput, type OutputPath } from "../extract/output-path";
import { JsonData, type JsonValue, type Value } from "../values";
import { noAuth, readAuthInputs, resolveAuth, type ConnectionInfo, type ResolvedAuth } from "./auth/resolve-auth";
import { remoteSmartiq, remoteSmartiqToken } from "./auth/smartiq-connection";
import { fetchPages, parsePagination } from "./pagination";
import { prepareRequest } from "./prepare-request";
import type { HttpRequest, HttpResponse } from "./request";
import { compileRequestSchema, requestSchemaRequiredError } from "./request-schema";
import { sendRequest, type SendOptions } from "./send-request";
import { errorForStatus } from "./status-error";
import { statusName } from "./status-names";
import { originOf } from "./url";

/** What SmartIQ API (or a connector) adds to the plain REST pipeline. */
export interface HttpActionHooks {
  /** The connection to use instead of the `Connection` input. */
  connection?: ConnectionInfo;
  /** Credentials that replace auth inputs and the connection's auth (SmartIQ API: the token). */
  auth?: () => Promise<ResolvedAuth>;
  /** More credential headers (X-As-User): sent only to the request's origin. */
  credentials?: ReadonlyArray<readonly [string, string]>;
  /** Refuse any URL outside this origin, before sending (the token never leaves SmartIQ). */
  lockOrigin?: { origin: string; code: string; message: (origin: string) => string };
  /** Called once the request is ready and allowed, before it is sent (audit before the call). */
  beforeSend?: (request: HttpRequest) => void | Promise<void>;
  /** Called with the final status, or the error, after the call (audit after the call). */
  afterSend?: (outcome: { response?: HttpResponse; error?: SiqError }) => void | Promise<void>;
}

export async function runHttpAction(inputs: BoundInputs, context: ActionContext, hooks: HttpActionHooks = {}): Promise<ActionOutcome> {
  const action = context.action.name;
  const connection = hooks.connection ?? namedConnection(inputs, context);
  const sendOptions = baseSendOptions(inputs, context);

  const requestBody = inputs.get("Request Body") as JsonValue | undefined;
  const hasBody = requestBody !== undefined && requestBody !== null && !(typeof requestBody === "string" && requestBody.trim() === "");
  let validateBody: ((body: unknown) => void) | undefined;
  if (hasBody) {
    const schema = inputs.get("Request Schema");
    if (schema === undefined || schema === null || (typeof schema === "string" && schema.trim() === "")) throw requestSchemaRequiredError({ action });
    const exact = compileRequestSchema(typeof schema === "string" ? parseSchemaText(schema, action) : schema);
    validateBody = (body) => exact.check(body);
  }

  let auth: ResolvedAuth;
  if (hooks.auth) auth = await hooks.auth();
  else {
    const authInputs = readAuthInputs(inputs);
    auth =
      noAuth(authInputs, connection) ??
      (await resolveAuth(authInputs, {
        connection,
        tokenCache: context.shared.tokenCache,
        http: sendOptions,
        redactor: context.redactor,
        accessToken: () => accessToken(context),
        signal: cancellationSignal(context),
      }));
  }

  const request = prepareRequest(
    {
      url: inputs.get("URL") as string,
      baseUrl: connection?.baseUrl,
      method: inputs.get("HTTP Method") as string | undefined,
      customHeaders: inputs.get("Custom Headers") as Array<[string, string]> | undefined,
      body: {
        requestBody: hasBody ? requestBody : undefined,
        documents: inputs.get("Action Documents") as BoundDocument[] | undefined,
        multipart: inputs.get("Send as Multipart") === true,
      },
      auth,
      credentials: hooks.credentials,
    },
    validateBody ? { validateBody } : {},
  );
  // A connection's credentials go only to its own origin: an absolute URL elsewhere (which a
  // formula over answers can make) would hand them to whoever runs that server.
  if (!hooks.auth && auth.source === "connection" && connection?.baseUrl !== undefined && originOf(request.url) !== originOf(connection.baseUrl)) {
    throw new SiqError(
      "CONNECTION_ORIGIN_MISMATCH",
      `Action "${action}" would send the credentials of connection "${connection.name}" (${originOf(connection.baseUrl)}) to ${originOf(request.url)}: a connection's credentials go only to its own origin. Make the URL relative to the connection, or leave Connection empty for another service. Nothing was sent.`,
      { action, input: "URL" },
    );
  }

  if (hooks.lockOrigin && originOf(request.url) !== hooks.lockOrigin.origin) {
    throw new SiqError(hooks.lockOrigin.code, hooks.lockOrigin.message(originOf(request.url)), { action, input: "URL" });
  }

  const outputPath = compileOptionalOutputPath(inputs.get("Output Path") as string | undefined, action);
  const pagination = parsePagination(inputs.get("Pagination"));
  // Hooks are awaited only when there are some: an await costs a turn of the microtask queue.
  if (hooks.beforeSend) await hooks.beforeSend(request);

  let pages: HttpResponse[];
  const parsed = pageParser();
  try {
    const send = (next: HttpRequest) => sendRequest(next, sendOptions);
    pages = (
      await fetchPages(request, pagination, send, {
        items: outputPath ? (page) => outputPath.select(parsed(page)) : undefined,
        select: (page, path) => compileOutputPath(path).select(parsed(page)),
      })
    ).pages;
  } catch (error) {
    const failure = error instanceof SiqError ? error : new SiqError("INTERNAL", String(error), { cause: error });
    if (hooks.afterSend) await hooks.afterSend({ error: failure });
    throw failure;
  }
  const last = pages[pages.length - 1] as HttpResponse;
  if (hooks.afterSend) await hooks.afterSend({ response: last });

  if (inputs.get("Fail On Error Status") === true) {
    const error = errorForStatus(last, { redactor: context.redactor, statusName: statusName(last.status), action });
    if (error) throw error;
  }
  return { outputs: httpOutputs(pages, outputPath, parsed) };
}

/** Status, HTTP Status, Response, Response Headers and Output Path Data (SPEC 5.1). */
export function httpOutputs(pages: readonly HttpResponse[], outputPath: OutputPath | undefined, parsed: (page: HttpResponse) => ParsedResponse = pageParser()): Record<string, Value> {
  const last = pages[pages.length - 1] as HttpResponse;
  const matches: Value[] = [];
  if (outputPath) for (const page of pages) matches.push(...selectFrom(page, outputPath, parsed));
  return {
    Status: last.dryRun ? "DryRun" : statusName(last.status),
    "HTTP Status": last.status,
    Response: last.body,
    "Response Headers": new JsonData(last.headers),
    "Output Path Data": outputPath ? shapeOutput(matches) : "",
  };
}

/**
 * Output Path's matches in one page. An error status's body (a 404's "Not Found" text, a 502's
 * HTML page) is rarely the document the path was written for, and the action succeeded all the
 * same (SPEC 5.1: branch on Status); so there a body the path cannot read gives no match
 * instead of failing the action. A 2xx body that does not fit the path still fails: that is a
 * mistake in the path.
 */
function selectFrom(page: HttpResponse, outputPath: OutputPath, parsed: (page: HttpResponse) => ParsedResponse): Value[] {
  if (page.status < 400) return outputPath.select(parsed(page));
  try {
    return outputPath.select(parsed(page));
  } catch (error) {
    if (error instanceof SiqError && (error.code === "OUTPUT_PATH_MISMATCH" || error.code === "OUTPUT_PATH_RESPONSE_INVALID")) return [];
    throw error;
  }
}

/**
 * Each page's body parsed once, however many paths (Output Path, next link) read it: one
 * parser per action run, remembering the pages it parsed (most runs have one page).
 */
function pageParser(): (page: HttpResponse) => ParsedResponse {
  let first: HttpResponse | undefined;
  let firstParsed: ParsedResponse | undefined;
  let others: Map<HttpResponse, ParsedResponse> | undefined;
  const parse = (page: HttpResponse) => new ParsedResponse({ contentType: page.headers["content-type"] ?? "", body: page.body, headers: page.headers });
  return (page) => {
    if (page === first) return firstParsed as ParsedResponse;
    if (first === undefined) {
      first = page;
      return (firstParsed = parse(page));
    }
    let result = (others ??= new Map()).get(page);
    if (!result) others.set(page, (result = parse(page)));
    return result;
  };
}

function baseSendOptions(inputs: BoundInputs, context: ActionContext): SendOptions {
  const timeoutSeconds = (inputs.get("Timeout (Seconds)") as number | undefined) ?? 100;
  if (!(timeoutSeconds > 0)) {
    throw new SiqError("INPUT_CONVERSION", `Timeout (Seconds) of action "${context.action.name}" must be more than 0.`, { action: context.action.name, input: "Timeout (Seconds)" });
  }
  const dryRun = context.dryRun;
  return {
    dispatcher: context.dispatcher,
    signal: cancellationSignal(context),
    timeoutMs: timeoutSeconds * 1000,
    maxResponseBytes: context.settings.maxResponseBytes,
    clock: context.clock,
    redactor: context.redactor,
    logger: context.logger,
    action: context.action.name,
    dryRun: dryRun ? (request) => dryRun(request) : undefined,
    onHop: context.egress,
  };
}

function namedConnection(inputs: BoundInputs, context: ActionContext): ConnectionInfo | undefined {
  const name = inputs.get("Connection");
  if (typeof name !== "string" || name.trim() === "") return undefined;
  // Own names only: a Connection from an answer such as "constructor" must not find Object's members.
  const connection = (Object.hasOwn(context.pipeline.connections, name.trim()) ? context.pipeline.connections[name.trim()] : undefined) as { baseUrl?: string; auth?: unknown } | undefined;
  if (!connection) {
    const known = Object.keys(context.pipeline.connections);
    throw new SiqError(
      "CONNECTION_UNKNOWN",
      `Action "${context.action.name}" uses the connection "${name}", which the pipeline does not define${known.length ? `; it has ${known.map((k) => `"${k}"`).join(", ")}` : ""}.`,
      { action: context.action.name, input: "Connection" },
    );
  }
  return { name: name.trim(), baseUrl: connection.baseUrl, auth: connection.auth };
}

/** The run's SmartIQ token: a remote `connections.smartiq`'s, else the token provider's for the running user. */
async function accessToken(context: ActionContext): Promise<string> {
  const remote = remoteSmartiq(context);
  if (remote) {
    const token = await remoteSmartiqToken(remote, context);
    if (token !== undefined) return token;
  }
  if (!context.tokens) {
    throw new SiqError("TOKEN_UNAVAILABLE", `Action "${context.action.name}" sends the running user's access token, but this host has no token provider.`, {
      action: context.action.name,
    });
  }
  const token = await context.tokens.tokenFor(context.user, cancellationSignal(context));
  context.redactor.addSecret(token);
  return token;
}

function compileOptionalOutputPath(path: string | undefined, action: string): OutputPath | undefined {
  if (path === undefined || path.trim() === "") return undefined;
  try {
    return compileOutputPath(path.trim());
  } catch (error) {
    if (error instanceof SiqError) throw new SiqError(error.code, error.message, { action, input: "Output Path", cause: error });
    throw error;
  }
}

function parseSchemaText(text: string, action: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SiqError("REQUEST_SCHEMA_INVALID", `The Request Schema of action "${action}" is not valid JSON.`, { action, input: "Request Schema" });
  }
}
