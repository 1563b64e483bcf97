/**
 * A stand-in for the fictional Acme People API of test/connectors/fixtures/acme-people.connector.json,
 * the connector a user adds as one data file. It records what it receives, so tests can check
 * the request exactly as it was sent.
 *
 * - `X-Acme-Key` must be the key, else 401;
 * - `GET /people/{id}`: 200 with an ETag, 404 `not_found`, 410 with `X-Acme-State: archived`;
 *   the id `old-{id}` answers 308 to the person (a redirect the pipeline follows);
 * - `POST /people`: 201 with a Location; 422 `invalid` naming the fields; 409 `email ... is taken`;
 * - `GET /people?page&per_page` (1-based; per_page at most 50) and `GET /people/offset?offset&limit`;
 * - `busy` answers 429 (with `Retry-After: 0` when `retryAfter` is set) that many times first;
 *   `failures` answers 500 that many times first.
 */
import type { Route, StandIn, StandInReply, StandInRequest } from "./stand-in-kit";
import { isRecord, json, parseJsonBody, serve } from "./stand-in-kit";

export const ACME_TEST_KEY = "acme-test-key-0001";

export interface AcmePersonRecord {
  id: string;
  body: Record<string, unknown>;
  archived?: boolean;
}

export interface AcmeState {
  people: AcmePersonRecord[];
  /** Every request received: method, path with query, headers, body text. */
  received: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }>;
  busy: number;
  retryAfter: boolean;
  failures: number;
  addPerson(body: Record<string, unknown>, archived?: boolean): AcmePersonRecord;
}

export async function startAcmeStandIn(): Promise<StandIn<AcmeState>> {
  const state: AcmeState = {
    people: [],
    received: [],
    busy: 0,
    retryAfter: false,
    failures: 0,
    addPerson(body, archived = false) {
      const person = { id: `p${state.people.length + 1}`, body, archived };
      state.people.push(person);
      return person;
    },
  };

  const routes: Route[] = [
    { method: "GET", pattern: /^\/people$/, handle: listPage },
    { method: "GET", pattern: /^\/people\/offset$/, handle: listOffset },
    { method: "GET", pattern: /^\/people\/([^/]+)$/, handle: getPerson },
    { method: "POST", pattern: /^\/people$/, handle: createPerson },
  ];
  const guarded = routes.map((route): Route => ({ ...route, handle: (request) => guard(request) ?? route.handle(request) }));
  return serve(state, guarded, { prefix: "/api", notFound: () => error(404, "not_found", "No such route.") });

  function guard(request: StandInRequest): StandInReply | undefined {
    state.received.push({ method: request.method, url: request.url.pathname + request.url.search, headers: request.headers, body: request.body.toString("utf8") });
    if (request.headers["x-acme-key"] !== ACME_TEST_KEY) return error(401, "unauthorized", "The API key is not valid.");
    if (state.busy > 0) {
      state.busy--;
      return { ...error(429, "busy", "Too many requests"), ...(state.retryAfter ? { headers: { "content-type": "application/json", "retry-after": "0" } } : {}) };
    }
    if (state.failures > 0) {
      state.failures--;
      return error(500, "oops", "Something broke.");
    }
    return undefined;
  }

  function getPerson(request: StandInRequest): StandInReply {
    const id = request.params[0] ?? "";
    if (id.startsWith("old-")) return { status: 308, headers: { location: `/api/people/${encodeURIComponent(id.slice(4))}` } };
    const person = state.people.find((candidate) => candidate.id === id);
    if (!person) return error(404, "not_found", `No person ${id}.`);
    if (person.archived) return { ...error(410, "gone", "Archived."), headers: { "content-type": "application/json", "x-acme-state": "archived" } };
    if (person.body.broken === true) return { status: 200, headers: { "content-type": "application/json" }, body: "{ not json" };
    return json(200, { id: person.id, ...person.body }, { etag: `"v-${person.id}"` });
  }

  function createPerson(request: StandInRequest): StandInReply {
    const parsed = parseJsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return error(400, "malformed", "The body must be a JSON object.");
    const body = parsed.value;
    const missing = ["name"].filter((name) => typeof body[name] !== "string" || body[name] === "");
    if (missing.length > 0) return error(422, "invalid", "Some fields are missing.", missing);
    if (typeof body.email === "string" && state.people.some((person) => person.body.email === body.email)) {
      return error(409, "conflict", `email ${body.email} is taken`);
    }
    const person = state.addPerson(body);
    return json(201, { id: person.id }, { location: `/api/people/${person.id}` });
  }

  function listPage(request: StandInRequest): StandInReply {
    const page = Number(request.query.get("page") ?? "1");
    const size = Number(request.query.get("per_page") ?? "10");
    if (size > 50) return error(422, "invalid", "per_page must be at most 50.", ["per_page"]);
    return json(200, { data: state.people.slice((page - 1) * size, page * size).map(summary), total: state.people.length });
  }

  function listOffset(request: StandInRequest): StandInReply {
    const offset = Number(request.query.get("offset") ?? "0");
    const limit = Number(request.query.get("limit") ?? "10");
    return json(200, { data: state.people.slice(offset, offset + limit).map(summary) });
  }
}

function summary(person: AcmePersonRecord): Record<string, unknown> {
  return { id: person.id, name: person.body.name };
}

function error(status: number, code: string, message: string, fields: string[] = []): StandInReply {
  return json(status, { error: { code, message, fields: fields.map((name) => ({ name })) } });
}
