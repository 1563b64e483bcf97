/**
 * The run's signal is linked to each request by hand (not AbortSignal.any): nothing may stay
 * attached to it once a request is over, whatever way it ended, or a long run would grow.
 */
import { getEventListeners } from "node:events";
import type { Dispatcher } from "undici";
import { createDispatcher } from "../../runtime/http/dispatcher";
import { buildRequestHeaders } from "../../runtime/http/headers";
import { sendRequest } from "../../runtime/http/send-request";
import { caught, sendJson, startServer, type Loopback } from "./helpers/loopback";

let dispatcher: Dispatcher;
let api: Loopback;

beforeAll(async () => {
  dispatcher = createDispatcher();
  api = await startServer((request, response) => {
    if (request.url === "/slow") setTimeout(() => sendJson(response, 200, { late: true }), 2000).unref();
    else if (request.url === "/redirect") {
      response.writeHead(302, { location: "/ok" });
      response.end();
    } else sendJson(response, 200, { ok: true });
  });
});
afterAll(async () => {
  await api.close();
  await dispatcher.close();
});

const get = (path: string) => ({ method: "GET", url: `${api.origin}${path}`, headers: buildRequestHeaders({}) });

test.each(["/ok", "/redirect"])("no abort listener is left on the run's signal after %s", async (path) => {
  const run = new AbortController();
  for (let i = 0; i < 3; i++) {
    const response = await sendRequest(get(path), { dispatcher, signal: run.signal });
    expect(response.status).toBe(200);
  }
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
});

test("none is left after a timeout either, and the run's signal still cancels the next request", async () => {
  const run = new AbortController();
  const timedOut = await caught(() => sendRequest(get("/slow"), { dispatcher, signal: run.signal, timeoutMs: 100 }));
  expect(timedOut.code).toBe("TIMEOUT");
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);

  setTimeout(() => run.abort(new Error("stop")), 50);
  const cancelled = await caught(() => sendRequest(get("/slow"), { dispatcher, signal: run.signal, timeoutMs: 5000 }));
  expect(cancelled.code).toBe("CANCELLED");
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
});

test("a signal aborted before the request is sent cancels it without sending", async () => {
  const run = new AbortController();
  run.abort(new Error("stop"));
  const before = api.requests.length;
  const error = await caught(() => sendRequest(get("/ok"), { dispatcher, signal: run.signal }));
  expect(error.code).toBe("CANCELLED");
  expect(api.requests.length).toBe(before);
});
