/**
 * The SmartIQ token never leaves SmartIQ (SPEC 5.2): for random URL inputs (templates, raw
 * templates, formulas, absolute URLs) and random hostile answers, a second loopback server on
 * another port never sees an Authorization or X-As-User header, including when the SmartIQ
 * stand-in redirects there with any redirect status; and the token never shows in the result,
 * the logs or the audit log.
 */
import fc from "fast-check";
import type { SqliteDirectory } from "../../runtime/directory";
import { createRuntime } from "../../runtime/runtime";
import { pipelineOf } from "../helpers/pipelines";
import { json, startRecordingServer, type RecordedRequest, type RecordingServer } from "../helpers/recording-server";
import { openTestDirectory } from "../helpers/test-directory";
import { findLeak, headerSafeSecret, hostileText } from "./hostile";

const RUNS = 200;

let smartiq: RecordingServer;
let other: RecordingServer;
let directory: SqliteDirectory;

function echo(request: RecordedRequest, response: Parameters<typeof json>[0]): void {
  json(response, 200, { url: request.url, headers: request.headers, body: request.body });
}

beforeAll(async () => {
  other = await startRecordingServer(echo, { maxHeaderSize: 1024 * 1024 });
  smartiq = await startRecordingServer(
    (request, response) => {
      // /go/<status>/<anything>: a redirect to the other origin, keeping the rest of the path.
      const match = /^\/go\/(\d{3})\/?(.*)$/s.exec(request.url);
      if (match) {
        response.writeHead(Number(match[1]), { location: `${other.url}/landed/${match[2] ?? ""}` });
        response.end();
        return;
      }
      // /page?next=...: a page whose next link is whatever the query says (pagination to anywhere).
      if (request.url.startsWith("/page")) {
        const next = new URLSearchParams(request.url.split("?")[1] ?? "").get("next");
        json(response, 200, { items: [1], _links: { next: next === null || next === "" ? null : next } });
        return;
      }
      // /hop: a redirect within SmartIQ first, then to the other origin.
      if (request.url.startsWith("/hop")) {
        response.writeHead(302, { location: "/go/307/after-hop" });
        response.end();
        return;
      }
      echo(request, response);
    },
    { maxHeaderSize: 1024 * 1024 },
  );
  directory = openTestDirectory();
});
afterAll(async () => {
  directory.close();
  await smartiq.close();
  await other.close();
});

/** URLs that point at the other origin, written the ways an answer might write them. */
function towardsOther(): string[] {
  const port = new URL(other.url).port;
  return [
    other.url,
    `${other.url}/api/v1/admin/users`,
    `//127.0.0.1:${port}/x`,
    `\\\\127.0.0.1:${port}\\x`,
    `http:127.0.0.1:${port}/x`,
    `@127.0.0.1:${port}`,
    `${smartiq.url}@127.0.0.1:${port}/x`,
    `http://localhost:${port}/x`,
    `http://[::ffff:127.0.0.1]:${port}/x`,
    `:${port}/x`,
    "/../../x",
    "go/307/x",
    "/go/308/x",
    "hop",
  ];
}

describe("the SmartIQ token and X-As-User never reach another origin", () => {
  test("whatever the URL input and the answers, and whatever SmartIQ redirects to", async () => {
    const urls = fc.constantFrom(
      "{{q1}}",
      "/api/{{q1}}",
      "{{{q1}}}",
      "=[q1]",
      '="/api/" & [q1]',
      "SMARTIQ/api/{{q1}}",
      "/go/{{q2}}/{{q1}}",
      '="/go/" & [q2] & "/" & [q1]',
      "{{{q1}}}/{{q2}}",
      "/hop",
      "/page?next={{q1}}",
    );
    const answer = fc.oneof(hostileText, fc.constantFrom(...towardsOther()));
    const status = fc.constantFrom("301", "302", "303", "307", "308");
    // So the property cannot pass by never calling anything: redirects must have reached the other origin.
    let reachedOther = 0;
    await fc.assert(
      fc.asyncProperty(urls, answer, status, fc.constantFrom("GET", "POST", "PUT"), fc.boolean(), headerSafeSecret, async (url, q1, q2, method, impersonate, token) => {
        smartiq.requests.length = 0;
        other.requests.length = 0;
        const logs: unknown[] = [];
        const runtime = createRuntime({
          directory,
          tokens: { tokenFor: async () => token },
          settings: { smartiqBaseUrl: smartiq.url },
          logger: { log: (level, event, fields) => logs.push({ level, event, fields }) },
        });
        try {
          const pipeline = pipelineOf({
            name: "Token",
            questions: { q1: { label: "Path", type: "text" }, q2: { label: "Status", type: "text" } },
            actions: [
              {
                name: "Call",
                type: "SmartIQ API",
                inputs: {
                  URL: url.replace("SMARTIQ", smartiq.url),
                  "HTTP Method": method,
                  ...(impersonate ? { "As-User (Impersonate)": "admin" } : {}),
                  ...(url.startsWith("/page") ? { Pagination: { nextLink: "$._links.next", maxPages: 3 }, "Output Path": "$.items" } : {}),
                  ...(method === "GET" ? {} : { "Action Documents": [{ name: "body.json", template: '{"q": "{{q1}}"}' }] }),
                },
              },
            ],
          });
          const result = await runtime.run(pipeline, { answers: { q1, q2 }, user: "admin" });
          reachedOther += other.requests.length;
          for (const request of other.requests) {
            // A link may carry its own userinfo (http://u:p@host/), which becomes Basic auth as in
            // browsers and curl: those are the link's credentials, never SmartIQ's.
            const authorization = request.headers.authorization;
            if (authorization !== undefined) expect(authorization).toMatch(/^Basic /);
            expect(authorization ?? "").not.toContain(token);
            expect(request.headers["x-as-user"]).toBeUndefined();
          }
          // Every request on SmartIQ but a next page reached through another origin carries the token.
          for (const request of smartiq.requests) if (!request.url.startsWith("/landed")) expect([`Bearer ${token}`, undefined]).toContain(request.headers.authorization);
          const leak = findLeak([token], { result, logs, audit: directory.listAudit({ top: 1000 }).items });
          if (leak) throw new Error(leak);
        } finally {
          await runtime.close();
        }
      }),
      { numRuns: RUNS },
    );
    expect(reachedOther).toBeGreaterThan(0);
  });

  test("an absolute URL on another origin is refused before anything is sent", async () => {
    const runtime = createRuntime({ tokens: { tokenFor: async () => "token-abcdef" }, settings: { smartiqBaseUrl: smartiq.url } });
    try {
      other.requests.length = 0;
      smartiq.requests.length = 0;
      const pipeline = pipelineOf({
        name: "Token",
        questions: { q1: { label: "URL", type: "text" } },
        actions: [{ name: "Call", type: "SmartIQ API", inputs: { URL: "=[q1]", "HTTP Method": "GET" } }],
      });
      const result = await runtime.run(pipeline, { answers: { q1: `${other.url}/api/v1/admin/users` } });
      expect(result.actions[0]?.error?.code).toBe("SMARTIQ_FOREIGN_ORIGIN");
      expect([...other.requests, ...smartiq.requests]).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});
