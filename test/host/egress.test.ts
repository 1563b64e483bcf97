/** Egress from the host's runs: the URL check on every hop and the DNS check when connecting, through the real request pipeline. */
import { sendRequest } from "../../runtime/http/send-request";
import { EgressPolicy, parseAllowHosts } from "../../runtime/host";
import { caught, startServer, type Loopback } from "../http/helpers/loopback";

let target: Loopback;
beforeEach(async () => {
  target = await startServer((_request, response) => response.end("reached"));
});
afterEach(async () => {
  await target.close();
});

const port = () => Number(new URL(target.origin).port);

function get(policy: EgressPolicy, url: string) {
  const dispatcher = policy.createDispatcher();
  return sendRequest({ method: "GET", url, headers: [] }, { dispatcher, onHop: policy.checkUrl }).finally(() => dispatcher.close());
}

describe("parseAllowHosts", () => {
  test("reads names, addresses and ports, comma or space separated", () => {
    expect(parseAllowHosts(["api.internal:8443, 10.0.0.5", "[::1]:9000 Localhost"])).toEqual([
      { host: "api.internal", port: 8443 },
      { host: "10.0.0.5", port: undefined },
      { host: "::1", port: 9000 },
      { host: "localhost", port: undefined },
    ]);
  });

  test.each([["http://x"], ["a/b"], ["user@host"]])("refuses %s", (entry) => {
    expect(() => parseAllowHosts(entry)).toThrow(expect.objectContaining({ code: "USAGE" }));
  });
});

describe("the URL check (every hop)", () => {
  test.each([
    ["http://127.0.0.1:{port}/"],
    ["http://[::1]:{port}/"],
    ["http://[::ffff:127.0.0.1]:{port}/"],
    ["http://0x7f.1:{port}/"],
    ["http://2130706433:{port}/"],
    ["http://localhost:{port}/"],
    ["http://app.localhost:{port}/"],
    ["http://169.254.169.254/latest/meta-data"],
    ["http://0.0.0.0:{port}/"],
  ])("refuses %s and sends nothing", async (url) => {
    const error = await caught(() => get(new EgressPolicy(), url.replace("{port}", String(port()))));
    expect(error.code).toBe("EGRESS_DENIED");
    expect(error.retryable).toBe(false);
    expect(target.requests).toHaveLength(0);
  });

  test("allows the host's own origin and --allow-hosts entries (with their port only)", async () => {
    const own = new EgressPolicy({ ownOrigin: target.origin });
    expect((await get(own, `${target.origin}/x`)).body).toBe("reached");
    const allowed = new EgressPolicy({ allowHosts: parseAllowHosts(`127.0.0.1:${port()}`) });
    expect((await get(allowed, `${target.origin}/y`)).body).toBe("reached");
    const otherPort = new EgressPolicy({ allowHosts: parseAllowHosts(`127.0.0.1:${port() === 1 ? 2 : 1}`) });
    expect((await caught(() => get(otherPort, `${target.origin}/z`))).code).toBe("EGRESS_DENIED");
    expect(target.requests.map((r) => r.url)).toEqual(["/x", "/y"]);
  });

  test("holds on a redirect hop: an allowed server redirecting to a private one is refused there", async () => {
    const redirector = await startServer((_request, response) => {
      response.writeHead(302, { location: `${target.origin}/secret` });
      response.end();
    });
    try {
      const policy = new EgressPolicy({ allowHosts: parseAllowHosts(new URL(redirector.origin).host) });
      const error = await caught(() => get(policy, `${redirector.origin}/start`));
      expect(error.code).toBe("EGRESS_DENIED");
      expect(error.message).toContain(target.origin);
      expect(redirector.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    } finally {
      await redirector.close();
    }
  });
});

describe("the URL check, asked again and again", () => {
  test("gives the same answer every time: allowed URLs stay allowed, refused ones are refused each time", () => {
    const policy = new EgressPolicy({ ownOrigin: "http://127.0.0.1:8080", allowHosts: parseAllowHosts("10.0.0.5:8443") });
    for (let round = 0; round < 3; round++) {
      expect(() => policy.checkUrl("https://api.example.com/users?page=2")).not.toThrow();
      expect(() => policy.checkUrl("http://127.0.0.1:8080/api/v1/admin/users")).not.toThrow();
      expect(() => policy.checkUrl("https://10.0.0.5:8443/x")).not.toThrow();
      expect(() => policy.checkUrl("https://10.0.0.5:9443/x")).toThrow(expect.objectContaining({ code: "EGRESS_DENIED" }));
      expect(() => policy.checkUrl("http://127.0.0.1:8081/")).toThrow(expect.objectContaining({ code: "EGRESS_DENIED" }));
      expect(() => policy.checkUrl("http://localhost/")).toThrow(expect.objectContaining({ code: "EGRESS_DENIED" }));
    }
    // Many different URLs (past what is remembered) are each judged the same way.
    for (let i = 0; i < 2500; i++) {
      expect(() => policy.checkUrl(`https://api.example.com/users/${i}`)).not.toThrow();
      if (i % 250 === 0) expect(() => policy.checkUrl(`http://192.168.1.${i % 200}/`)).toThrow(expect.objectContaining({ code: "EGRESS_DENIED" }));
    }
  });
});

describe("the DNS check (when connecting)", () => {
  const resolvesToLoopback = async () => [{ address: "127.0.0.1", family: 4 }];

  test("refuses a name that resolves to a loopback address, though its URL looks public", async () => {
    const policy = new EgressPolicy({ resolver: resolvesToLoopback });
    expect(() => policy.checkUrl(`http://api.example.test:${port()}/`)).not.toThrow();
    const error = await caught(() => get(policy, `http://api.example.test:${port()}/`));
    expect(error.code).toBe("EGRESS_DENIED");
    expect(error.message).toContain("api.example.test (127.0.0.1) is a loopback address");
    expect(target.requests).toHaveLength(0);
  });

  test("refuses a name when any of its addresses is private (no picking the public one)", async () => {
    const policy = new EgressPolicy({ resolver: async () => [{ address: "93.184.215.14", family: 4 }, { address: "::ffff:10.0.0.1", family: 6 }] });
    expect((await caught(() => get(policy, "http://mixed.example.test/"))).code).toBe("EGRESS_DENIED");
  });

  test("connects to an allowed name after resolving it", async () => {
    const policy = new EgressPolicy({ resolver: resolvesToLoopback, allowHosts: parseAllowHosts("api.example.test") });
    const response = await get(policy, `http://api.example.test:${port()}/ok`);
    expect(response.body).toBe("reached");
    expect(target.requests[0]?.headers.host).toBe(`api.example.test:${port()}`);
  });

  test("the real resolver refuses localhost when the URL check is bypassed", async () => {
    const policy = new EgressPolicy();
    const dispatcher = policy.createDispatcher();
    try {
      const error = await caught(() => sendRequest({ method: "GET", url: `http://localhost:${port()}/`, headers: [] }, { dispatcher }));
      expect(error.code).toBe("EGRESS_DENIED");
      expect(target.requests).toHaveLength(0);
    } finally {
      await dispatcher.close();
    }
  });

  test("a name that does not resolve is a connection failure", async () => {
    const policy = new EgressPolicy({ resolver: async () => [] });
    expect((await caught(() => get(policy, "http://nothing.example.test/"))).code).toBe("CONNECTION_FAILED");
  });
});
