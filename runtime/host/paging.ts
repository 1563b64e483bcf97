/**
 * Pagination of list endpoints: `?skip=N&top=N` (top 1 to 1000, default 100) and a body
 * `{ items, total, skip, top, _links: { self, next } }`. `next` is a relative URL (an
 * absolute path with the same query, skip moved on), present only while items remain, so a
 * client follows `$._links.next` until it is missing, as Send to REST Service's Pagination does.
 */
import { ApiError } from "./api-error";

export const DEFAULT_TOP = 100;
export const MAX_TOP = 1000;

export interface PageQuery {
  skip: number;
  top: number;
}

export interface PageBody<T> {
  items: T[];
  total: number;
  skip: number;
  top: number;
  _links: { self: string; next?: string };
}

/** Query strings of list endpoints: validated by the route schema as digit strings. */
export const PAGE_QUERY_PROPERTIES = {
  skip: { type: "string", pattern: "^[0-9]{1,9}$" },
  top: { type: "string", pattern: "^[0-9]{1,4}$" },
} as const;

export function pageQuery(query: { skip?: string; top?: string }): PageQuery {
  const skip = query.skip === undefined ? 0 : Number(query.skip);
  const top = query.top === undefined ? DEFAULT_TOP : Number(query.top);
  if (top < 1 || top > MAX_TOP) throw new ApiError(400, "QUERY_INVALID", `top must be between 1 and ${MAX_TOP} (got ${top}).`);
  return { skip, top };
}

/**
 * The page body for items [skip, skip + items.length) of total. `path` is the request's path
 * and `query` its query parameters, kept in the links (format=xml stays xml).
 */
export function pageBody<T>(items: T[], total: number, page: PageQuery, path: string, query: Readonly<Record<string, string | undefined>>): PageBody<T> {
  const link = (skip: number) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && name !== "skip" && name !== "top") params.set(name, value);
    params.set("skip", String(skip));
    params.set("top", String(page.top));
    return `${path}?${params.toString()}`;
  };
  const links: PageBody<T>["_links"] = { self: link(page.skip) };
  if (items.length > 0 && page.skip + items.length < total) links.next = link(page.skip + items.length);
  return { items, total, skip: page.skip, top: page.top, _links: links };
}

/** A page of an in-memory list. */
export function slicePage<T>(all: readonly T[], page: PageQuery): T[] {
  return all.slice(page.skip, page.skip + page.top);
}
