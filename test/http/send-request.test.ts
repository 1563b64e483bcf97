import type { Dispatcher } from "undici";
import { Redactor } from "../../runtime/redact";
import { createDispatcher } from "../../runtime/http/dispatcher";
import { buildRequestHeaders } from "../../runtime/http/headers";
import type { HttpRequest } from "../../runtime/http/request";
import { MAX_REDIRECTS, sendRequest, type SendOptions } from "../../runtime/http/send-request";
import { CapturingLogger, caught, FakeClock, sendJson, startServer, type Loopback } from "./helpers/loopback";

let dispatcher: Dispatcher;
const servers: Loopback[] = [];

beforeAll(() => {
  dispatcher = createDispatcher();
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

function request(method: string, url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method, url, headers: buildRequestHeaders({}), ...extra };
}

function options(extra: Partial<SendOptions> = {}): SendOptions {
  return { dispatcher, ...extra };
}

describe("responses", () => {
  test("status, lower-case headers with repeats joined, decoded body and final URL", async () => {
    const api = await server((_req, res) => {
      res.setHeader("X-Multi", ["a", "b"]);
      res.setHeader("Set-Cookie", ["s=1", "t=2"]);
      res.setHeader("Content-Type", "text/plain; charset=iso-8859-1");
      res.statusCode = 201;
      res.statusMessage = "Created";
      res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
    });
    const response = await sendRequest(request("GET", `${api.origin}/things?x=1`), options());
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(response.headers["x-multi"]).toBe("a, b");
    expect(response.headers["set-cookie"]).toBe("s=1, t=2");
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(response.body).toBe("café");
    expect(response.bodyBytes.length).toBe(4);
    expect(response.url).toBe(`${api.origin}/things?x=1`);
    expect(response.redirects).toEqual([]);
  });

  test("4xx and 5xx are responses, not errors", async () => {
    const api = await server((_req, res) => sendJson(res, 500, { error: "boom" }));
    const response = await sendRequest(request("GET", `${api.origin}/`), options());
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: "boom" });
  });

  test("headers go in order, repeated custom headers all arrive, the body is sent", async () => {
    const api = await server((_req, res) => res.end("ok"));
    const headers = buildRequestHeaders({
      custom: [["X-One", "1"], ["X-Two", "2"], ["X-One", "again"]],
      contentType: "application/json; charset=utf-8",
    });
    await sendRequest(request("PUT", `${api.origin}/x`, { headers, body: '{"a":1}' }), options());
    const received = api.requests[0];
    expect(received?.method).toBe("PUT");
    expect(received?.headers["x-one"]).toBe("1, again");
    expect(received?.headers["x-two"]).toBe("2");
    expect(received?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(received?.headers["user-agent"]).toBe("siq-actions");
    expect(received?.body.toString()).toBe('{"a":1}');
  });
});

describe("timeouts", () => {
  test("a server that does not answer fails with TIMEOUT, retryable, naming method and URL", async () => {
    const api = await server(() => undefined); // never answers
    const started = Date.now();
    const error = await caught(() => sendRequest(request("POST", `${api.origin}/slow`, { body: "x" }), options({ timeoutMs: 200 })));
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`POST ${api.origin}/slow`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("a body that trickles past the deadline fails with TIMEOUT", async () => {
    const api = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("start");
      const timer = setInterval(() => res.write("."), 50);
      res.on("close", () => clearInterval(timer));
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options({ timeoutMs: 300 })));
    expect(error.code).toBe("TIMEOUT");
  });

  test("the timeout covers every redirect hop, not each one", async () => {
    const api = await server(async (req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      const n = Number(req.url.slice(1));
      if (n < 5) {
        res.writeHead(302, { location: `/${n + 1}` });
        res.end();
      } else res.end("done");
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/0`), options({ timeoutMs: 350 })));
    expect(error.code).toBe("TIMEOUT");
    expect(api.requests.length).toBeLessThan(5);
  });

  test("a cancelled run fails with CANCELLED", async () => {
    const api = await server(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 50);
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options({ signal: controller.signal, timeoutMs: 5000 })));
    expect(error.code).toBe("CANCELLED");
  });
});

describe("Retry-After", () => {
  test("429 with Retry-After is waited out and retried; the wait is not an attempt and the body is sent again", async () => {
    const api = await server((_req, res) => {
      if (api.requests.length === 1) {
        res.writeHead(429, { "retry-after": "3" });
        res.end("slow down");
      } else sendJson(res, 200, { ok: true });
    });
    const clock = new FakeClock();
    const response = await sendRequest(request("POST", `${api.origin}/items`, { body: "payload" }), options({ clock, timeoutMs: 10_000 }));
    expect(response.status).toBe(200);
    expect(clock.sleeps).toEqual([3000]);
    expect(api.requests.map((r) => r.body.toString())).toEqual(["payload", "payload"]);
  });

  test("503 with an HTTP-date Retry-After waits until that date", async () => {
    const clock = new FakeClock();
    const api = await server((_req, res) => {
      if (api.requests.length === 1) {
        res.writeHead(503, { "retry-after": new Date(clock.now().getTime() + 5000).toUTCString() });
        res.end();
      } else res.end("back");
    });
    const response = await sendRequest(request("GET", `${api.origin}/`), options({ clock }));
    expect(response.body).toBe("back");
    expect(clock.sleeps).toEqual([5000]);
  });

  test("a Retry-After longer than the time left fails at once with RATE_LIMITED, giving the wait", async () => {
    const api = await server((_req, res) => {
      res.writeHead(429, { "retry-after": "120" });
      res.end();
    });
    const clock = new FakeClock();
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options({ clock, timeoutMs: 30_000 })));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("120 s");
    expect(error.details).toMatchObject({ retryAfterSeconds: 120, status: 429 });
    expect(clock.sleeps).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  test("waits use up the timeout: the second Retry-After no longer fits", async () => {
    const api = await server((_req, res) => {
      res.writeHead(429, { "retry-after": "6" });
      res.end();
    });
    const clock = new FakeClock();
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options({ clock, timeoutMs: 10_000 })));
    expect(error.code).toBe("RATE_LIMITED");
    expect(clock.sleeps).toEqual([6000]);
    expect(api.requests).toHaveLength(2);
  });

  test.each([
    [429, undefined],
    [503, undefined],
    [429, "soon"],
  ])("%i with Retry-After %p is just a response", async (status, retryAfter) => {
    const api = await server((_req, res) => {
      res.writeHead(status, retryAfter === undefined ? {} : { "retry-after": retryAfter });
      res.end("busy");
    });
    const clock = new FakeClock();
    const response = await sendRequest(request("GET", `${api.origin}/`), options({ clock }));
    expect(response.status).toBe(status);
    expect(api.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});

describe("redirects", () => {
  test("a cross-origin redirect arrives without Authorization, Proxy-Authorization, Cookie or Custom Headers", async () => {
    const other = await server((_req, res) => res.end("landed"));
    const api = await server((req, res) => {
      if (req.url === "/same") {
        res.writeHead(302, { location: "/next" });
        res.end();
      } else if (req.url === "/next") {
        res.writeHead(307, { location: `${other.origin}/elsewhere?q=1` });
        res.end();
      }
    });
    const headers = buildRequestHeaders({
      custom: [["X-Custom", "c"], ["Cookie", "session=abc"], ["Proxy-Authorization", "Basic cHJveHk6cHc="]],
      auth: { source: "action", type: "bearer", headers: [["Authorization", "Bearer tok-123456"]], query: [] },
    });
    const response = await sendRequest(request("GET", `${api.origin}/same`, { headers }), options());
    expect(response.body).toBe("landed");
    expect(response.url).toBe(`${other.origin}/elsewhere?q=1`);
    expect(response.redirects).toEqual([`${api.origin}/next`, `${other.origin}/elsewhere?q=1`]);
    // The same-origin hop kept everything.
    expect(api.requests[1]?.headers["authorization"]).toBe("Bearer tok-123456");
    expect(api.requests[1]?.headers["x-custom"]).toBe("c");
    const landed = other.requests[0]?.headers ?? {};
    expect(landed["authorization"]).toBeUndefined();
    expect(landed["proxy-authorization"]).toBeUndefined();
    expect(landed["cookie"]).toBeUndefined();
    expect(landed["x-custom"]).toBeUndefined();
    expect(landed["user-agent"]).toBe("siq-actions");
  });

  test("credentials dropped on a cross-origin hop are not restored when a later hop comes back", async () => {
    const home = { origin: "" };
    const other = await server((_req, res) => {
      res.writeHead(302, { location: `${home.origin}/back` });
      res.end();
    });
    const api = await server((req, res) => {
      if (req.url === "/start") {
        res.writeHead(302, { location: `${other.origin}/away` });
        res.end();
      } else res.end("home");
    });
    home.origin = api.origin;
    const headers = buildRequestHeaders({ auth: { source: "connection", type: "bearer", headers: [["Authorization", "Bearer secret-token"]], query: [] } });
    await sendRequest(request("GET", `${api.origin}/start`, { headers }), options());
    expect(api.requests[1]?.url).toBe("/back");
    expect(api.requests[1]?.headers["authorization"]).toBeUndefined();
  });

  test.each([
    [301, "POST", "GET", false],
    [302, "POST", "GET", false],
    [303, "POST", "GET", false],
    [303, "PUT", "GET", false],
    [303, "DELETE", "GET", false],
    [302, "PUT", "PUT", true],
    [307, "POST", "POST", true],
    [307, "PATCH", "PATCH", true],
    [308, "POST", "POST", true],
    [308, "PUT", "PUT", true],
  ])("%i after %s continues as %s (body kept: %p)", async (status, method, expectedMethod, bodyKept) => {
    const api = await server((req, res) => {
      if (req.url === "/from") {
        res.writeHead(status, { location: "/to" });
        res.end();
      } else res.end("ok");
    });
    const headers = buildRequestHeaders({ contentType: "application/json; charset=utf-8" });
    const response = await sendRequest(request(method, `${api.origin}/from`, { headers, body: '{"keep":true}' }), options());
    const hop = api.requests[1];
    expect(response.method).toBe(expectedMethod);
    expect(hop?.method).toBe(expectedMethod);
    expect(hop?.body.toString()).toBe(bodyKept ? '{"keep":true}' : "");
    expect(hop?.headers["content-type"]).toBe(bodyKept ? "application/json; charset=utf-8" : undefined);
  });

  test(`exactly ${MAX_REDIRECTS} redirects are followed; one more fails with TOO_MANY_REDIRECTS`, async () => {
    const api = await server((req, res) => {
      const n = Number(req.url.split("/")[2]);
      const limit = Number(req.url.split("/")[1]);
      if (n < limit) {
        res.writeHead(302, { location: `/${limit}/${n + 1}` });
        res.end();
      } else res.end(`after ${n}`);
    });
    const ok = await sendRequest(request("GET", `${api.origin}/${MAX_REDIRECTS}/0`), options());
    expect(ok.body).toBe(`after ${MAX_REDIRECTS}`);
    expect(ok.redirects).toHaveLength(MAX_REDIRECTS);
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/${MAX_REDIRECTS + 1}/0`), options()));
    expect(error.code).toBe("TOO_MANY_REDIRECTS");
  });

  test("a redirect loop fails with TOO_MANY_REDIRECTS", async () => {
    const api = await server((req, res) => {
      res.writeHead(301, { location: req.url === "/a" ? "/b" : "/a" });
      res.end();
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/a`), options()));
    expect(error.code).toBe("TOO_MANY_REDIRECTS");
    expect(api.requests).toHaveLength(MAX_REDIRECTS + 1);
  });

  test("a relative Location is resolved per RFC 3986 against the hop's URL", async () => {
    const api = await server((req, res) => {
      if (req.url === "/v1/a/b") {
        res.writeHead(302, { location: "../c?x=1" });
        res.end();
      } else res.end(req.url);
    });
    const response = await sendRequest(request("GET", `${api.origin}/v1/a/b`), options());
    expect(response.body).toBe("/v1/c?x=1");
  });

  test("a redirect to another scheme fails with REDIRECT_INVALID", async () => {
    const api = await server((_req, res) => {
      res.writeHead(302, { location: "ftp://example.com/file" });
      res.end();
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options()));
    expect(error.code).toBe("REDIRECT_INVALID");
  });

  test("onHop sees every hop, and can refuse one before it is sent", async () => {
    const api = await server((req, res) => {
      if (req.url === "/1") {
        res.writeHead(302, { location: "/2" });
        res.end();
      } else res.end("two");
    });
    const hops: string[] = [];
    await sendRequest(request("GET", `${api.origin}/1`), options({ onHop: (url) => void hops.push(url) }));
    expect(hops).toEqual([`${api.origin}/1`, `${api.origin}/2`]);
    const refused = await caught(() =>
      sendRequest(
        request("GET", `${api.origin}/1`),
        options({
          onHop: (url) => {
            if (url.endsWith("/2")) throw new Error("egress refused");
          },
        }),
      ),
    );
    expect(refused.message).toBe("egress refused");
    expect(api.requests.filter((r) => r.url === "/2")).toHaveLength(1);
  });

  test("with followRedirects false, a 3xx is the response", async () => {
    const api = await server((_req, res) => {
      res.writeHead(302, { location: "/elsewhere" });
      res.end();
    });
    const response = await sendRequest(request("GET", `${api.origin}/`), options({ followRedirects: false }));
    expect(response.status).toBe(302);
    expect(response.headers["location"]).toBe("/elsewhere");
  });
});

describe("response size limit", () => {
  test("a declared Content-Length over the limit fails before reading", async () => {
    const api = await server((_req, res) => {
      res.writeHead(200, { "content-length": 2048 });
      res.end(Buffer.alloc(2048, 0x61));
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options({ maxResponseBytes: 1024 })));
    expect(error.code).toBe("RESPONSE_TOO_LARGE");
    expect(error.message).toContain("1 KB");
  });

  test("a streamed body stops being read at the limit, not after", async () => {
    let written = 0;
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const api = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      const pump = (): void => {
        while (written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      res.on("close", closed);
      pump();
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options({ maxResponseBytes: 1024 * 1024 })));
    expect(error.code).toBe("RESPONSE_TOO_LARGE");
    await done;
    // 1 MB limit: the server could only push the limit plus socket buffers before the client hung up.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  test("a body at the limit is read whole", async () => {
    const api = await server((_req, res) => res.end(Buffer.alloc(1024, 0x63)));
    const response = await sendRequest(request("GET", `${api.origin}/`), options({ maxResponseBytes: 1024 }));
    expect(response.bodyBytes.length).toBe(1024);
  });
});

describe("connection failures and secrets", () => {
  async function closedPort(): Promise<string> {
    const api = await startServer(() => undefined);
    const origin = api.origin;
    await api.close();
    return origin;
  }

  test("connection refused is CONNECTION_FAILED, retryable, with method and masked URL", async () => {
    const origin = await closedPort();
    const url = `${origin.replace("http://", "http://user:pa55word-x@")}/users?api_key=KEY-123456&keep=1`;
    const redactor = new Redactor();
    const error = await caught(() => sendRequest(request("DELETE", url), options({ redactor })));
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("DELETE http://user:***@127.0.0.1");
    expect(error.message).toContain("api_key=***");
    expect(error.message).toContain("keep=1");
    expect(error.message).toContain("ECONNREFUSED");
    const everything = `${error.message} ${JSON.stringify(error.details)}`;
    expect(everything).not.toContain("pa55word-x");
    expect(everything).not.toContain("KEY-123456");
  });

  test("an unknown host is CONNECTION_FAILED", async () => {
    const error = await caught(() => sendRequest(request("GET", "http://no-such-host.invalid/"), options({ timeoutMs: 5000 })));
    expect(error.code).toBe("CONNECTION_FAILED");
  });

  test("a TLS failure (https to a plain HTTP server) is CONNECTION_FAILED naming TLS", async () => {
    const api = await server((_req, res) => res.end("plain"));
    const error = await caught(() => sendRequest(request("GET", api.origin.replace("http:", "https:")), options({ timeoutMs: 5000 })));
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("TLS");
  });

  test("a connection reset mid-response is CONNECTION_FAILED", async () => {
    const api = await server((_req, res, raw) => {
      res.writeHead(200, { "content-length": 1000 });
      res.write("partial");
      setTimeout(() => raw.socket.destroy(), 20);
    });
    const error = await caught(() => sendRequest(request("GET", `${api.origin}/`), options()));
    expect(error.code).toBe("CONNECTION_FAILED");
  });

  test("an API key in the query is sent to its origin, masked in errors and logs, and not sent across origins", async () => {
    const other = await server((_req, res) => res.end("other"));
    const api = await server((req, res) => {
      if (req.url.startsWith("/first")) {
        res.writeHead(302, { location: "/second" });
        res.end();
      } else if (req.url.startsWith("/second")) {
        res.writeHead(302, { location: `${other.origin}/third` });
        res.end();
      }
    });
    const redactor = new Redactor();
    redactor.addSecret("QUERY-KEY-9876");
    const logger = new CapturingLogger();
    await sendRequest(request("GET", `${api.origin}/first`, { credentialQuery: [["key", "QUERY-KEY-9876"]] }), options({ redactor, logger }));
    expect(api.requests.map((r) => r.url)).toEqual(["/first?key=QUERY-KEY-9876", "/second?key=QUERY-KEY-9876"]);
    expect(other.requests[0]?.url).toBe("/third");
    expect(logger.lines.length).toBeGreaterThanOrEqual(6);
    expect(logger.text()).not.toContain("QUERY-KEY-9876");
    expect(logger.text()).toContain("key=***");
  });

  test("log lines: one per request and per response, with status, duration and bytes, and no secret", async () => {
    const api = await server((_req, res) => sendJson(res, 200, { token: "RESPONSE-SECRET-1" }));
    const logger = new CapturingLogger();
    const redactor = new Redactor();
    const headers = buildRequestHeaders({ auth: { source: "action", type: "basic", headers: [["Authorization", "Basic dXNlcjpodW50ZXIy"]], query: [] } });
    await sendRequest(request("POST", `${api.origin}/x`, { headers, body: '{"password":"hunter2-long"}' }), options({ logger, redactor, action: "Tell CRM" }));
    expect(logger.lines.map((line) => line.event)).toEqual(["http.request", "http.response"]);
    expect(logger.lines[1]?.fields).toMatchObject({ action: "Tell CRM", method: "POST", url: `${api.origin}/x`, status: 200, bytes: 29 });
    expect(typeof logger.lines[1]?.fields?.["durationMs"]).toBe("number");
    const text = logger.text();
    for (const secret of ["hunter2", "dXNlcjpodW50ZXIy", "RESPONSE-SECRET-1"]) expect(text).not.toContain(secret);
  });
});

describe("dry run", () => {
  test("records the masked request and sends nothing", async () => {
    const api = await server((_req, res) => res.end("should not be called"));
    const recorded: unknown[] = [];
    const redactor = new Redactor();
    redactor.addSecret("s3cret-pw");
    const headers = buildRequestHeaders({
      contentType: "application/json; charset=utf-8",
      custom: [["X-Trace", "t1"]],
      auth: { source: "connection", type: "apiKey", headers: [["X-Api-Key", "HEADER-KEY-1"]], query: [] },
    });
    const response = await sendRequest(
      request("POST", `${api.origin}/users`, { headers, body: '{"name":"jdoe","password":"s3cret-pw"}', credentialQuery: [["code", "Q-KEY-22"]] }),
      options({ dryRun: (entry) => void recorded.push(entry), redactor, action: "Tell CRM" }),
    );
    expect(response.dryRun).toBe(true);
    expect(api.requests).toHaveLength(0);
    expect(recorded).toEqual([
      {
        action: "Tell CRM",
        method: "POST",
        url: `${api.origin}/users?code=***`,
        headers: { Accept: "*/*", "User-Agent": "siq-actions", "Content-Type": "application/json; charset=utf-8", "X-Trace": "t1", "X-Api-Key": "***" },
        body: '{"name":"jdoe","password":"***"}',
      },
    ]);
  });
});
