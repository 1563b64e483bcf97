import type { Dispatcher } from "undici";
import { createDispatcher } from "../../runtime/http/dispatcher";
import { buildRequestHeaders } from "../../runtime/http/headers";
import { DEFAULT_MAX_PAGES, fetchPages, parsePagination, type PageSelectors } from "../../runtime/http/pagination";
import type { HttpRequest, HttpResponse } from "../../runtime/http/request";
import { sendRequest } from "../../runtime/http/send-request";
import { sendJson, startServer, type Loopback } from "./helpers/loopback";

const USERS = ["ann", "bob", "cat", "dan", "eve", "fay", "gus"];

/** Output Path stand-in for these tests: a dotted path from `$` (the real one is JSONPath). */
function select(page: HttpResponse, path: string): unknown[] {
  let value: unknown = JSON.parse(page.body);
  for (const key of path.replace(/^\$\.?/, "").split(".").filter((part) => part !== "")) {
    if (value === null || typeof value !== "object") return [];
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined ? [] : [value];
}

const selectors = (outputPath: string): PageSelectors => ({ items: (page) => select(page, outputPath), select });

let dispatcher: Dispatcher;
let api: Loopback;
let other: Loopback;

beforeAll(async () => {
  dispatcher = createDispatcher();
  other = await startServer((req, res) => sendJson(res, 200, { value: ["zed"], seenAuth: req.headers["authorization"] ?? null }));
  api = await startServer((req, res) => {
    const url = new URL(req.url, api.origin);
    const skip = Number(url.searchParams.get("$skip") ?? 0);
    const top = Number(url.searchParams.get("$top") ?? 3);
    if (url.pathname === "/v1/users") return sendJson(res, 200, { value: USERS.slice(skip, skip + top) });
    if (url.pathname === "/v1/pages") {
      const page = Number(url.searchParams.get("page"));
      return sendJson(res, 200, { items: USERS.slice((page - 1) * 2, page * 2) });
    }
    if (url.pathname === "/v1/Entities(1)/Users") {
      const next = skip + 3 < USERS.length ? `/v1/Entities(1)/Users?$skip=${skip + 3}` : null;
      return sendJson(res, 200, { value: USERS.slice(skip, skip + 3), "@odata": { nextLink: next } });
    }
    if (url.pathname === "/v1/hal") {
      const n = Number(url.searchParams.get("n") ?? 0);
      return sendJson(res, 200, { items: [USERS[n]], _links: n < 2 ? { next: { href: `hal?n=${n + 1}` } } : {} });
    }
    if (url.pathname === "/v1/loop") return sendJson(res, 200, { items: [1], next: "/v1/loop" });
    if (url.pathname === "/v1/away") return sendJson(res, 200, { items: [1], next: `${other.origin}/elsewhere` });
    if (url.pathname === "/v1/broken") return sendJson(res, url.searchParams.get("page") === "2" ? 500 : 200, { items: [1] });
    if (url.pathname === "/v1/endless") return sendJson(res, 200, { items: [1] });
    sendJson(res, 404, {});
  });
});
afterAll(async () => {
  await api.close();
  await other.close();
  await dispatcher.close();
});

function first(path: string): HttpRequest {
  return { method: "GET", url: `${api.origin}${path}`, headers: buildRequestHeaders({ auth: { source: "connection", type: "bearer", headers: [["Authorization", "Bearer page-token"]], query: [] } }) };
}

const send = (request: HttpRequest): Promise<HttpResponse> => sendRequest(request, { dispatcher });

function items(pages: HttpResponse[], path: string): unknown[] {
  return pages.flatMap((page) => select(page, path).flat());
}

test("skip/top pages until an empty page", async () => {
  const spec = parsePagination({ skipParam: "$skip", topParam: "$top", pageSize: 3 });
  const result = await fetchPages(first("/v1/users"), spec, send, selectors("$.value"));
  expect(result.stop).toBe("emptyPage");
  expect(result.pages.map((page) => new URL(page.url).search)).toEqual(["?$skip=0&$top=3", "?$skip=3&$top=3", "?$skip=6&$top=3", "?$skip=9&$top=3"]);
  expect(items(result.pages, "$.value")).toEqual(USERS);
});

test("page parameter from firstPage until an empty page, with the same credentials on every page", async () => {
  const before = api.requests.length;
  const result = await fetchPages(first("/v1/pages"), parsePagination('{ "pageParam": "page", "firstPage": 1 }'), send, selectors("$.items"));
  expect(items(result.pages, "$.items")).toEqual(USERS);
  const sent = api.requests.slice(before);
  expect(sent.map((r) => r.url)).toEqual(["/v1/pages?page=1", "/v1/pages?page=2", "/v1/pages?page=3", "/v1/pages?page=4", "/v1/pages?page=5"]);
  expect(sent.every((r) => r.headers["authorization"] === "Bearer page-token")).toBe(true);
});

test("next links are resolved against the URL of the page that holds them (SPEC rule 3)", async () => {
  const result = await fetchPages(first("/v1/Entities(1)/Users"), parsePagination({ nextLink: "$.@odata.nextLink" }), send, selectors("$.value"));
  expect(result.stop).toBe("noNextLink");
  expect(result.pages.map((page) => page.url)).toEqual([
    `${api.origin}/v1/Entities(1)/Users`,
    `${api.origin}/v1/Entities(1)/Users?$skip=3`,
    `${api.origin}/v1/Entities(1)/Users?$skip=6`,
  ]);
  expect(items(result.pages, "$.value")).toEqual(USERS);
});

test("a HAL link object's href is followed, relative to the page", async () => {
  const result = await fetchPages(first("/v1/hal"), parsePagination({ nextLink: "$._links.next" }), send, selectors("$.items"));
  expect(result.pages.map((page) => new URL(page.url).pathname + new URL(page.url).search)).toEqual(["/v1/hal", "/v1/hal?n=1", "/v1/hal?n=2"]);
  expect(result.stop).toBe("noNextLink");
});

test("maxPages stops paging and says so", async () => {
  const result = await fetchPages(first("/v1/endless"), parsePagination({ pageParam: "p", maxPages: 4 }), send, selectors("$.items"));
  expect(result.pages).toHaveLength(4);
  expect(result.stop).toBe("maxPages");
});

test(`maxPages defaults to ${DEFAULT_MAX_PAGES}`, () => {
  expect(parsePagination({ nextLink: "$.next" })).toEqual({ kind: "nextLink", nextLink: "$.next", maxPages: DEFAULT_MAX_PAGES });
});

test("a next link repeating a fetched URL stops paging", async () => {
  const result = await fetchPages(first("/v1/loop"), parsePagination({ nextLink: "$.next" }), send, selectors("$.items"));
  expect(result.pages).toHaveLength(1);
  expect(result.stop).toBe("repeatedLink");
});

test("a next link to another origin is fetched without credentials", async () => {
  const result = await fetchPages(first("/v1/away"), parsePagination({ nextLink: "$.next", maxPages: 2 }), send, selectors("$.items"));
  expect(result.pages).toHaveLength(2);
  expect(JSON.parse(result.pages[1]?.body ?? "{}")).toEqual({ value: ["zed"], seenAuth: null });
});

test("an API key in the query goes to every page of its own origin", async () => {
  const before = api.requests.length;
  const request = { ...first("/v1/pages"), credentialQuery: [["key", "k-1"]] as Array<[string, string]> };
  await fetchPages(request, parsePagination({ pageParam: "page", maxPages: 2 }), send, selectors("$.items"));
  expect(api.requests.slice(before).map((r) => r.url)).toEqual(["/v1/pages?page=1&key=k-1", "/v1/pages?page=2&key=k-1"]);
});

test("a page with an error status stops paging and is returned", async () => {
  const result = await fetchPages(first("/v1/broken"), parsePagination({ pageParam: "page" }), send, selectors("$.items"));
  expect(result.pages.map((page) => page.status)).toEqual([200, 500]);
  expect(result.stop).toBe("status");
});

test("without an Output Path selector, an empty JSON array is an empty page", async () => {
  const server = await startServer((req, res) => sendJson(res, 200, new URL(req.url, "http://x").searchParams.get("page") === "3" ? [] : [1]));
  try {
    const result = await fetchPages({ method: "GET", url: `${server.origin}/`, headers: [] }, parsePagination({ pageParam: "page" }), send);
    expect(result.pages).toHaveLength(3);
    expect(result.stop).toBe("emptyPage");
  } finally {
    await server.close();
  }
});

test("no Pagination: one request", async () => {
  const result = await fetchPages(first("/v1/users"), parsePagination(undefined), send);
  expect(result).toMatchObject({ stop: "single", pages: [{ status: 200 }] });
});

test.each([
  ["not an object", [1]],
  ["not JSON", "{nextLink"],
  ["unknown shape", { cursor: "x" }],
  ["mixed shapes", { nextLink: "$.n", pageParam: "p" }],
  ["blank nextLink", { nextLink: " " }],
  ["skip without top", { skipParam: "$skip", pageSize: 10 }],
  ["pageSize 0", { skipParam: "$skip", topParam: "$top", pageSize: 0 }],
  ["fractional maxPages", { pageParam: "p", maxPages: 1.5 }],
  ["maxPages 0", { pageParam: "p", maxPages: 0 }],
  ["negative firstPage", { pageParam: "p", firstPage: -1 }],
])("Pagination %s is PAGINATION_INVALID", (_name, value) => {
  expect(() => parsePagination(value)).toThrow(expect.objectContaining({ code: "PAGINATION_INVALID", input: "Pagination" }));
});
