/**
 * The hop exchange (a dispatch handler that collects the response) behaves as the request
 * stream it replaced: bodies thrown away are bounded, interim responses ignored, headers kept
 * exactly, odd methods refused as before, and an abort before the request reaches a connection
 * still takes effect.
 */
import { Agent, type Dispatcher } from "undici";
import { Exchange, responseHeaders, type ExchangePlan } from "../../runtime/http/exchange";
import { buildRequestHeaders } from "../../runtime/http/headers";
import { sendRequest } from "../../runtime/http/send-request";
import { caught, startServer, type Loopback } from "./helpers/loopback";

let dispatcher: Agent;
const servers: Loopback[] = [];

beforeAll(() => {
  dispatcher = new Agent({ keepAliveTimeout: 4_000, connections: 1 });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await dispatcher.close();
});

async function server(handler: Parameters<typeof startServer>[0]): Promise<Loopback> {
  const started = await startServer(handler);
  servers.push(started);
  return started;
}

const get = (url: string, method = "GET") => ({ method, url, headers: buildRequestHeaders({}) });

test("a redirect whose body is larger than what is thrown away is still followed (the connection is dropped instead)", async () => {
  let closedEarly = false;
  const api = await server((request, response, raw) => {
    if (request.url === "/final") {
      response.end("done");
      return;
    }
    response.writeHead(302, { location: "/final", "content-type": "text/plain" });
    raw.socket.once("close", () => (closedEarly = true));
    // No Content-Length: the body is streamed until the client hangs up.
    const chunk = Buffer.alloc(32 * 1024, 0x61);
    const pump = (): void => {
      for (let i = 0; i < 64; i++) if (!response.write(chunk)) return void response.once("drain", pump);
      response.end();
    };
    pump();
  });
  const answer = await sendRequest(get(`${api.origin}/start`), { dispatcher });
  expect(answer.status).toBe(200);
  expect(answer.body).toBe("done");
  expect(answer.redirects).toEqual([`${api.origin}/final`]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(closedEarly).toBe(true);
});

test("a 429 body is thrown away, and a 429 without Retry-After is the response with its body", async () => {
  let calls = 0;
  const api = await server((request, response) => {
    calls++;
    if (request.url === "/wait" && calls === 1) {
      response.writeHead(429, { "retry-after": "0", "content-type": "text/plain" });
      response.end("slow down");
      return;
    }
    if (request.url === "/no-header") {
      response.writeHead(429, { "content-type": "text/plain" });
      response.end("go away");
      return;
    }
    response.end("ok");
  });
  const waited = await sendRequest(get(`${api.origin}/wait`), { dispatcher });
  expect([waited.status, waited.body]).toEqual([200, "ok"]);
  const refused = await sendRequest(get(`${api.origin}/no-header`), { dispatcher });
  expect([refused.status, refused.body]).toEqual([429, "go away"]);
});

test("a HEAD answer declaring a Content-Length is read as no body", async () => {
  const api = await server((_request, response) => {
    response.writeHead(200, { "content-length": "500" });
    response.end();
  });
  const head = await sendRequest(get(`${api.origin}/`, "HEAD"), { dispatcher });
  expect([head.status, head.bodyBytes.length, head.headers["content-length"]]).toEqual([200, 0, "500"]);
});

test("CONNECT is refused before anything is sent, as undici's request() refuses it", async () => {
  const api = await server((_request, response) => response.end("no"));
  const error = await caught(() => sendRequest(get(`${api.origin}/`, "CONNECT"), { dispatcher }));
  expect(error.code).toBe("INTERNAL");
  expect(error.message).toContain("invalid method");
  expect(api.requests).toHaveLength(0);
});

test("an abort before the request reaches a connection fails it once it does, and it is never sent", async () => {
  // One connection: the second request waits in the queue behind the first.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const api = await server(async (request, response) => {
    if (request.url === "/hold") await held;
    response.end(request.url);
  });
  const first = sendRequest(get(`${api.origin}/hold`), { dispatcher });
  const plan: ExchangePlan = { method: "GET", maxBytes: 1024, discardBytes: 1024, discard: () => false };
  const queued = new Exchange(plan);
  queued.send(dispatcher as Dispatcher, { origin: api.origin, path: "/queued", method: "GET", headers: [] });
  const reason = new Error("stop");
  queued.abort(reason);
  release();
  await expect(queued.done).rejects.toBe(reason);
  expect((await first).body).toBe("/hold");
  expect(api.requests.map((request) => request.url)).toEqual(["/hold"]);
});

describe("response headers", () => {
  test.each([
    ["names lower-cased, values as Latin-1", [Buffer.from("Content-Type"), Buffer.from("text/plain"), Buffer.from("X-Name"), Buffer.from([0x63, 0x61, 0x66, 0xe9])], [["content-type", "text/plain"], ["x-name", "café"]]],
    ["repeats joined with a comma, in order received", ["Set-Cookie", "a=1", "set-cookie", "b=2", "X", ["c", "d"]], [["set-cookie", "a=1, b=2"], ["x", "c, d"]]],
    ["names of Object.prototype members kept as headers", ["constructor", "c", "__proto__", "p", "toString", "t", "TOSTRING", "u"], [["constructor", "c"], ["__proto__", "p"], ["tostring", "t, u"]]],
  ])("%s", (_name, raw, expected) => {
    const headers = responseHeaders(raw as never);
    expect(Object.keys(headers).map((key) => [key, Object.getOwnPropertyDescriptor(headers, key)?.value as unknown])).toEqual(expected);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });
});
