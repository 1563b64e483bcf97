/**
 * Runs one connector action: request mapping, then the one request pipeline of Send to REST
 * Service (credentials from the connection and the runtime's token cache, redirects, limits,
 * Retry-After, pagination, dry runs), then the response rules and the outputs.
 */
import { cancellationSignal, type ActionContext } from "../context";
import type { ActionOutcome, BoundInputs, InputDefinition } from "../definition";
import { SiqError } from "../errors";
import { resolveAuth } from "../http/auth/resolve-auth";
import { fetchPages, MAX_PAGES_LIMIT, DEFAULT_MAX_PAGES, type PaginationSpec } from "../http/pagination";
import { prepareRequest } from "../http/prepare-request";
import type { HttpRequest, HttpResponse } from "../http/request";
import { DEFAULT_TIMEOUT_MS, sendRequest, type SendOptions } from "../http/send-request";
import { displayUrl, withQueryParams } from "../http/url";
import { maskedExcerpt } from "../redact";
import type { Value } from "../values";
import type { Connector, ConnectorAction, ErrorRule, Pagination } from "../../schemas/connector";
import { mapRequest } from "./build-request";
import { chooseConnection, type ChosenConnection } from "./connection";
import { collectOutputs, placeholderOutputs } from "./outputs";
import { CONNECTION_INPUT, HTTP_STATUS_OUTPUT, placeholdersOf } from "./placeholders";
import { decide } from "./response-rules";
import { ResponseView } from "./response-view";
import { inputText, OMIT, resolveSource, type MappingScope } from "./value-sources";

/** Characters of an unexpected response's body quoted in the error, to say what the service complained about. */
const BODY_EXCERPT = 300;

export interface ConnectorActionPlan {
  connector: Connector;
  action: ConnectorAction;
  /** The action's display name, for messages. */
  displayName: string;
  definitions: ReadonlyMap<string, InputDefinition>;
}

export async function runConnectorAction(plan: ConnectorActionPlan, inputs: BoundInputs, context: ActionContext): Promise<ActionOutcome> {
  const { connector, action } = plan;
  const actionName = context.action.name;
  const connectionName = connectionNameOf(plan, inputs);
  const connection = chooseConnection(connector, connectionName, context.pipeline.connections, actionName);
  const scope: MappingScope = {
    action: actionName,
    inputs,
    definitions: plan.definitions,
    credential: () => apiKeyOf(connection, plan, actionName),
  };
  if (connection.auth.type === "apiKey") context.redactor.addSecret(connection.auth.value);

  const paging = action.pagination === undefined ? undefined : pagingOf(action.pagination, scope);
  const mapped = mapRequest(action, scope, paging?.extraQuery);
  const http = sendOptions(context);
  const auth =
    action.request.sendAuth === false
      ? undefined
      : await resolveAuth({}, {
          connection: { name: connection.name, baseUrl: connection.baseUrl, auth: connection.auth },
          tokenCache: context.shared.tokenCache,
          http,
          redactor: context.redactor,
          signal: cancellationSignal(context),
        });
  const request = prepareRequest({
    url: mapped.url,
    baseUrl: connection.baseUrl,
    method: mapped.method,
    customHeaders: mapped.headers,
    body: mapped.body === undefined ? undefined : { documents: [{ name: "body", contentType: mapped.body.contentType, content: mapped.body.content }] },
    auth,
    credentials: mapped.credentialHeaders,
  });

  if (context.dryRun) {
    // Recorded, not sent: no response to read, so outputs are their defaults.
    await sendRequest(request, http);
    context.message(`Dry run: ${request.method} ${displayUrl(request.url, context.redactor)} was recorded, not sent.`);
    return { outputs: { ...placeholderOutputs(action.outputs), [HTTP_STATUS_OUTPUT]: 0 } };
  }

  // A Map, not a WeakMap: it lives for this run only, and weak entries cost the garbage
  // collector noticeably more per run.
  const views = new Map<HttpResponse, ResponseView>();
  const viewOf = (response: HttpResponse): ResponseView => {
    let view = views.get(response);
    if (!view) {
      view = new ResponseView(response, connector.errorBody, context.redactor);
      views.set(response, view);
    }
    return view;
  };
  let firstSet: Readonly<Record<string, unknown>> | undefined;
  let decided = 0;
  const send = async (next: HttpRequest): Promise<HttpResponse> => {
    const response = await sendRequest(paging ? paging.adjust(next) : next, http);
    const view = viewOf(response);
    const decision = decide(connector, action, view, { inputs, definitions: plan.definitions });
    if (decision.kind === "error") throw ruleError(decision.rule, view, plan, { connection: connection.name, inputs, context });
    if (decision.kind === "unexpected") throw unexpectedStatus(view, plan, context);
    if (decided++ === 0) firstSet = decision.set;
    return response;
  };

  const paged = await fetchPages(
    request,
    paging?.spec,
    send,
    action.pagination === undefined
      ? {}
      : {
          items: (page) => viewOf(page).select(action.pagination!.items),
          select: (page) => nextLinks(viewOf(page), action.pagination!),
        },
  );
  const pages = paged.pages.map(viewOf);
  const outputs: Record<string, Value> = collectOutputs(action.outputs, pages, firstSet, { action: actionName, redactor: context.redactor });
  outputs[HTTP_STATUS_OUTPUT] = paged.pages[paged.pages.length - 1]?.status ?? 0;
  if (paged.stop === "maxPages") {
    context.message(`Stopped after ${paged.pages.length} page${paged.pages.length === 1 ? "" : "s"} (the page limit); more may exist. Raise Max Pages to read further.`);
  }
  return { outputs };
}

function connectionNameOf(plan: ConnectorActionPlan, inputs: BoundInputs): string {
  const given = inputs.get(CONNECTION_INPUT);
  const name = typeof given === "string" && given.trim() !== "" ? given.trim() : plan.connector.connection.defaultName;
  if (name === undefined) {
    throw new SiqError("MANDATORY_INPUT_MISSING", `The action "${plan.displayName}" needs the input "${CONNECTION_INPUT}": the name of a pipeline connection.`, { input: CONNECTION_INPUT });
  }
  return name;
}

function apiKeyOf(connection: ChosenConnection, plan: ConnectorActionPlan, action: string): string {
  if (connection.auth.type !== "apiKey") {
    throw new SiqError(
      "CONNECTOR_AUTH_MISMATCH",
      `Action "${action}": ${plan.displayName} sends the connection's API key inside the request, so the connection "${connection.name}" must use apiKey auth; it uses ${connection.auth.type}.`,
      { action, input: CONNECTION_INPUT },
    );
  }
  return connection.auth.value;
}

function sendOptions(context: ActionContext): SendOptions {
  return {
    dispatcher: context.dispatcher,
    signal: cancellationSignal(context),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    maxResponseBytes: context.settings.maxResponseBytes,
    clock: context.clock,
    redactor: context.redactor,
    logger: context.logger,
    dryRun: context.dryRun,
    action: context.action.name,
    onHop: context.egress,
  };
}

interface Paging {
  spec: PaginationSpec;
  /** Query parameters every page carries (the page size of page-number paging). */
  extraQuery: Array<[string, string]>;
  /** Shifts skip/top pages by `start`. */
  adjust(request: HttpRequest): HttpRequest;
}

/** The HTTP pipeline's pagination spec for the connector's, with counts read from inputs. */
function pagingOf(pagination: Pagination, scope: MappingScope): Paging {
  const maxPages = count(pagination.maxPages, "maxPages", scope, 1, MAX_PAGES_LIMIT) ?? DEFAULT_MAX_PAGES;
  const same = (request: HttpRequest): HttpRequest => request;
  if ("nextLink" in pagination) {
    // The link is read by the connector's own value path (selectors.select), not by this text.
    return { spec: { kind: "nextLink", nextLink: "connector nextLink", maxPages }, extraQuery: [], adjust: same };
  }
  if ("skipParam" in pagination) {
    const pageSize = count(pagination.pageSize, "pageSize", scope, 1, Number.MAX_SAFE_INTEGER) ?? 1;
    const start = count(pagination.start, "start", scope, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const { skipParam } = pagination;
    const adjust = (request: HttpRequest): HttpRequest => {
      if (start === 0) return request;
      const skip = Number(new URL(request.url).searchParams.get(skipParam) ?? "0");
      return { ...request, url: withQueryParams(request.url, [[skipParam, String(start + skip)]]) };
    };
    return { spec: { kind: "skipTop", skipParam, topParam: pagination.topParam, pageSize, maxPages }, extraQuery: [], adjust };
  }
  const pageSize = count(pagination.pageSize, "pageSize", scope, 1, Number.MAX_SAFE_INTEGER);
  const extraQuery: Array<[string, string]> = pagination.sizeParam !== undefined && pageSize !== undefined ? [[pagination.sizeParam, String(pageSize)]] : [];
  return { spec: { kind: "page", pageParam: pagination.pageParam, firstPage: pagination.firstPage ?? 1, maxPages }, extraQuery, adjust: same };
}

/** A paging count, fixed or from a number input; undefined when not given (or the input is blank). */
function count(source: Pagination["maxPages"], what: string, scope: MappingScope, min: number, max: number): number | undefined {
  if (source === undefined) return undefined;
  const value = typeof source === "number" ? source : resolveSource(source, scope);
  if (value === OMIT) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const input = typeof source === "object" ? source.$input : what;
    throw new SiqError("INPUT_CONVERSION", `The input "${input}" of action "${scope.action}" gives the paging ${what}, so it must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}.`, {
      action: scope.action,
      input,
    });
  }
  return value;
}

/** The next link of a page; the text "null" (as iQmetrix's examples write it) is no link. */
function nextLinks(view: ResponseView, pagination: Pagination): Value[] {
  if (!("nextLink" in pagination)) return [];
  return view.select(pagination.nextLink).filter((value) => !(typeof value === "string" && value.trim().toLowerCase() === "null"));
}

interface MessageScope {
  connection: string;
  inputs: BoundInputs;
  context: ActionContext;
}

function ruleError(rule: ErrorRule, view: ResponseView, plan: ConnectorActionPlan, scope: MessageScope): SiqError {
  const { context } = scope;
  const response = view.response;
  const variables: Record<string, string> = {
    $status: String(response.status),
    $method: response.method,
    $path: pathOf(response.url),
    $connection: scope.connection,
    $action: context.action.name,
    "$error.code": view.errorDetail("code"),
    "$error.message": view.errorDetail("message"),
    "$error.fields": view.errorDetail("fields"),
  };
  let message = "";
  let last = 0;
  for (const placeholder of placeholdersOf(rule.message)) {
    const name = placeholder.name;
    const text = name.startsWith("$") ? (variables[name] ?? "") : inputText(scope.inputs.get(name), plan.definitions.get(name));
    message += rule.message.slice(last, placeholder.start) + text;
    last = placeholder.end;
  }
  message += rule.message.slice(last);
  const vendorCode = view.errorDetail("code");
  return new SiqError(rule.code, context.redactor.maskText(message), {
    retryable: rule.retryable ?? false,
    action: context.action.name,
    details: {
      status: response.status,
      method: response.method,
      url: displayUrl(response.url, context.redactor),
      ...(vendorCode === "" ? {} : { vendorCode: context.redactor.maskText(vendorCode) }),
    },
  });
}

function unexpectedStatus(view: ResponseView, plan: ConnectorActionPlan, context: ActionContext): SiqError {
  const response = view.response;
  const url = displayUrl(response.url, context.redactor);
  const vendor = view.errorDetail("message") || maskedExcerpt(response.body, BODY_EXCERPT, context.redactor);
  const said = vendor === "" ? "" : ` The service said: ${vendor}`;
  const message =
    `${plan.displayName}: ${response.method} ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}, which the connector does not expect.${said}` +
    (response.status === 429 || response.status >= 500 ? " The service may be busy or failing: try again later." : " Check the inputs and the connection.");
  return new SiqError("CONNECTOR_UNEXPECTED_STATUS", context.redactor.maskText(message), {
    retryable: response.status === 429 || response.status >= 500,
    action: context.action.name,
    details: { status: response.status, method: response.method, url },
  });
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

