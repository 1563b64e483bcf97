/**
 * Pagination (SPEC 5.1 and rule 4): fetching further pages, one after the other, with the
 * same credentials, until a missing or null next link, an empty page, or `maxPages`.
 *
 * - `{ nextLink: "$._links.next" }`: the link (text, or an object with `href` as in HAL) is
 *   resolved as an RFC 3986 reference against the URL of the page that holds it, and fetched
 *   with GET. A link to another origin is fetched without credentials or Custom Headers, as a
 *   cross-origin redirect would be.
 * - `{ skipParam, topParam, pageSize }`: the same request with skip = 0, pageSize, 2*pageSize...
 * - `{ pageParam, firstPage }`: the same request with page = firstPage, firstPage + 1, ...
 *
 * Paging also stops at a page whose status is not 2xx (it is returned, the caller decides),
 * and at a next link that repeats a URL already fetched (a server bug would otherwise loop).
 */
import { SiqError } from "../errors";
import { JsonData, isPlainObject } from "../values";
import { crossOriginHeaders, withoutBodyHeaders } from "./headers";
import type { HttpRequest, HttpResponse } from "./request";
import { originOf, resolveReference, withQueryParams } from "./url";

export const DEFAULT_MAX_PAGES = 100;
/** A Pagination input cannot ask for more than this many pages. */
export const MAX_PAGES_LIMIT = 10_000;

export type PaginationSpec =
  | { kind: "nextLink"; nextLink: string; maxPages: number }
  | { kind: "skipTop"; skipParam: string; topParam: string; pageSize: number; maxPages: number }
  | { kind: "page"; pageParam: string; firstPage: number; maxPages: number };

const SHAPES = 'Pagination must be { "nextLink": "$._links.next" }, { "skipParam": "$skip", "topParam": "$top", "pageSize": 30 } or { "pageParam": "page", "firstPage": 1 }, each with an optional "maxPages" (default 100)';

/**
 * Checks a Pagination input (an object, or JSON text) into a typed spec; undefined when blank.
 * Fails with `PAGINATION_INVALID` naming what is wrong.
 */
export function parsePagination(value: unknown): PaginationSpec | undefined {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return undefined;
  let spec: unknown = value;
  if (typeof spec === "string") {
    try {
      spec = JSON.parse(spec) as unknown;
    } catch {
      throw invalid(`Pagination is text that is not JSON. ${SHAPES}.`);
    }
  }
  if (!isPlainObject(spec)) throw invalid(`${SHAPES}.`);
  const maxPages = spec["maxPages"] === undefined ? DEFAULT_MAX_PAGES : spec["maxPages"];
  if (typeof maxPages !== "number" || !Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_PAGES_LIMIT) {
    throw invalid(`Pagination maxPages must be a whole number from 1 to ${MAX_PAGES_LIMIT}.`);
  }
  const keys = Object.keys(spec).filter((key) => key !== "maxPages");
  const allow = (allowed: string[]): void => {
    const extra = keys.filter((key) => !allowed.includes(key));
    if (extra.length > 0) throw invalid(`Pagination has ${extra.map((key) => `"${key}"`).join(", ")}, which does not go with ${allowed.map((key) => `"${key}"`).join(", ")}. ${SHAPES}.`);
  };
  if ("nextLink" in spec) {
    allow(["nextLink"]);
    const nextLink = spec["nextLink"];
    if (typeof nextLink !== "string" || nextLink.trim() === "") throw invalid("Pagination nextLink must be a JSONPath such as \"$._links.next\".");
    return { kind: "nextLink", nextLink: nextLink.trim(), maxPages };
  }
  if ("skipParam" in spec || "topParam" in spec || "pageSize" in spec) {
    allow(["skipParam", "topParam", "pageSize"]);
    const { skipParam, topParam, pageSize } = spec;
    if (typeof skipParam !== "string" || skipParam === "" || typeof topParam !== "string" || topParam === "") {
      throw invalid("Pagination skipParam and topParam must both be query parameter names, such as \"$skip\" and \"$top\".");
    }
    if (typeof pageSize !== "number" || !Number.isInteger(pageSize) || pageSize < 1) throw invalid("Pagination pageSize must be a whole number of at least 1.");
    return { kind: "skipTop", skipParam, topParam, pageSize, maxPages };
  }
  if ("pageParam" in spec) {
    allow(["pageParam", "firstPage"]);
    const { pageParam } = spec;
    const firstPage = spec["firstPage"] === undefined ? 1 : spec["firstPage"];
    if (typeof pageParam !== "string" || pageParam === "") throw invalid("Pagination pageParam must be a query parameter name, such as \"page\".");
    if (typeof firstPage !== "number" || !Number.isInteger(firstPage) || firstPage < 0) throw invalid("Pagination firstPage must be a whole number (0 or more).");
    return { kind: "page", pageParam, firstPage, maxPages };
  }
  throw invalid(`${SHAPES}.`);
}

function invalid(message: string): SiqError {
  return new SiqError("PAGINATION_INVALID", message, { input: "Pagination" });
}

export interface PageSelectors {
  /**
   * What Output Path selects on a page (for the empty-page rule). Without it, a page is empty
   * when its body is blank or a JSON empty array.
   */
  items?: ((page: HttpResponse) => readonly unknown[]) | undefined;
  /** The value at a JSONPath on a page (needed for `nextLink` pagination). */
  select?: ((page: HttpResponse, path: string) => readonly unknown[]) | undefined;
}

export type PagingStop = "single" | "noNextLink" | "emptyPage" | "maxPages" | "status" | "repeatedLink";

export interface PagedResult {
  /** Every page's response, in order (the first request's included). */
  pages: HttpResponse[];
  /** Why paging stopped; `maxPages` means more pages may exist. */
  stop: PagingStop;
}

/** Sends the first request and, with a spec, the pages after it. */
export async function fetchPages(
  first: HttpRequest,
  spec: PaginationSpec | undefined,
  send: (request: HttpRequest) => Promise<HttpResponse>,
  selectors: PageSelectors = {},
): Promise<PagedResult> {
  if (spec === undefined) return { pages: [await send(first)], stop: "single" };
  if (spec.kind === "nextLink" && selectors.select === undefined) {
    throw new SiqError("INTERNAL", "nextLink pagination needs a JSONPath selector.");
  }
  const pages: HttpResponse[] = [];
  const seen = new Set<string>();
  let request = pageRequest(first, spec, 0);
  for (let index = 0; ; index++) {
    seen.add(request.url);
    const page = await send(request);
    pages.push(page);
    if (page.status < 200 || page.status >= 300) return { pages, stop: "status" };
    if (isEmptyPage(page, selectors)) return { pages, stop: "emptyPage" };
    if (index + 1 >= spec.maxPages) return { pages, stop: "maxPages" };
    if (spec.kind === "nextLink") {
      const link = nextLinkOf(selectors.select?.(page, spec.nextLink) ?? []);
      if (link === undefined) return { pages, stop: "noNextLink" };
      const url = resolveReference(link, page.url, "next-page link");
      if (seen.has(url)) return { pages, stop: "repeatedLink" };
      request = linkRequest(first, url);
    } else {
      request = pageRequest(first, spec, index + 1);
    }
  }
}

function pageRequest(first: HttpRequest, spec: PaginationSpec, index: number): HttpRequest {
  switch (spec.kind) {
    case "nextLink":
      return first;
    case "skipTop":
      return { ...first, url: withQueryParams(first.url, [[spec.skipParam, String(index * spec.pageSize)], [spec.topParam, String(spec.pageSize)]]) };
    case "page":
      return { ...first, url: withQueryParams(first.url, [[spec.pageParam, String(spec.firstPage + index)]]) };
  }
}

/** A next-link page: a GET with the first request's headers, credentials only on its origin. */
function linkRequest(first: HttpRequest, url: string): HttpRequest {
  const headers = withoutBodyHeaders(first.headers);
  if (originOf(url) === originOf(first.url)) return { method: "GET", url, headers, credentialQuery: first.credentialQuery };
  return { method: "GET", url, headers: crossOriginHeaders(headers) };
}

/** The link among the selected values: text, or an object's `href` (HAL); none for null or "". */
function nextLinkOf(selected: readonly unknown[]): string | undefined {
  for (const raw of selected) {
    const value = raw instanceof JsonData ? raw.data : raw;
    if (typeof value === "string" && value.trim() !== "") return value;
    if (isPlainObject(value) && typeof value["href"] === "string" && value["href"].trim() !== "") return value["href"];
  }
  return undefined;
}

function isEmptyPage(page: HttpResponse, selectors: PageSelectors): boolean {
  if (selectors.items) return selectors.items(page).every(isEmptyList);
  const body = page.body.trim();
  return body === "" || /^\[\s*\]$/.test(body);
}

function isEmptyList(value: unknown): boolean {
  const data = value instanceof JsonData ? value.data : value;
  return Array.isArray(data) && data.length === 0;
}
