/**
 * The form pages over real HTTP: the pages and their files (strict CSP, nothing inline, nothing
 * from elsewhere), the session cookie (HttpOnly, SameSite=Strict), and where it is honoured:
 * only on the pages' own API routes, only with the CSRF token and from this site, and never in
 * place of a bearer token.
 */
import { readFileSync } from "node:fs";
import type { DirectoryUserSummary } from "../../../runtime/context";
import { join } from "node:path";
import { csrfTokenFor } from "../../../runtime/host/pages/page-session";
import { PAGE_ASSET_FILES, assetsDir } from "../../../runtime/host/pages/page-assets";
import { PAGE_CSP } from "../../../runtime/host/pages/page-routes";
import { TEST_ADMIN_PASSWORD } from "../../helpers/test-directory";
import { startTestHost, type TestHost } from "../helpers/test-host";

let t: TestHost;
let token: string;
let cookie: string;
let csrf: string;

beforeEach(async () => {
  t = await startTestHost({ pipelinesDir: join(__dirname, "..", "..", "..", "examples"), login: { perUsername: { freeFailures: 2 } } });
  token = t.host.tokens.issue(t.directory.findUser("admin") as DirectoryUserSummary, "session").token;
  cookie = `siq_session=${token}`;
  csrf = csrfTokenFor(t.host.tokens, token);
});
afterEach(() => t.close());

describe("pages and their files", () => {
  test.each([
    ["/", "/login"],
    ["/pipelines/onboard", "/login?next=%2Fpipelines%2Fonboard"],
  ])("GET %s without a session goes to %s", async (path, location) => {
    const answer = await fetch(`${t.host.url}${path}`, { redirect: "manual" });
    expect([answer.status, answer.headers.get("location")]).toEqual([303, location]);
  });

  test.each(["/", "/pipelines/onboard", "/login"])("GET %s with a session is HTML with the page's security headers", async (path) => {
    const answer = await t.call("GET", path, { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(answer.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
    expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.text).toMatch(/^<!doctype html>/);
  });

  test("the policy allows this origin only, nothing inline, no framing", () => {
    const directives = Object.fromEntries(PAGE_CSP.split("; ").map((part) => [part.split(" ")[0], part.split(" ").slice(1).join(" ")]));
    expect(directives).toMatchObject({
      "default-src": "'self'",
      "script-src": "'self'",
      "style-src": "'self'",
      "object-src": "'none'",
      "base-uri": "'none'",
      "frame-ancestors": "'none'",
      "require-trusted-types-for": "'script'",
    });
    expect(PAGE_CSP).not.toMatch(/unsafe|data:|https?:|\*/);
  });

  test("an expired session is no session: back to sign in", async () => {
    t.clock.advance(3601 * 1000);
    expect((await fetch(`${t.host.url}/`, { headers: { cookie }, redirect: "manual" })).status).toBe(303);
  });

  test("the pages hold no inline script, style or handler, and load nothing from elsewhere", () => {
    for (const file of PAGE_ASSET_FILES) {
      const text = readFileSync(join(assetsDir(), file), "utf8");
      const where = `${file}: `;
      if (file.endsWith(".html")) {
        expect(where + String(text.match(/<script(?![^>]*\bsrc=)[^>]*>/g))).toBe(`${where}null`);
        expect(where + String(text.match(/<style|\sstyle=|\son[a-z]+=/gi))).toBe(`${where}null`);
        for (const match of text.matchAll(/\s(?:src|href)="([^"]*)"/g)) expect(where + match[1]).toMatch(new RegExp(`^${where}(/assets/[a-z-]+\\.[a-z]+|/|#main)$`));
      }
      if (file.endsWith(".js")) {
        // HTML sinks, code from text, and storage the session must not touch.
        expect(where + String(text.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|localStorage|sessionStorage|\.style\b/g))).toBe(`${where}null`);
      }
      const urls = (text.match(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi) ?? []).filter((url) => url !== "http://www.w3.org/2000/svg");
      expect(where + urls.join(" ")).toBe(where);
    }
  });

  test("every script and style the pages name is served", async () => {
    const named = new Set<string>();
    for (const page of ["sign-in.html", "pipelines.html", "form.html"]) {
      for (const match of readFileSync(join(assetsDir(), page), "utf8").matchAll(/\/assets\/([a-z-]+\.[a-z]+)/g)) named.add(match[1] as string);
    }
    expect([...named].sort()).toEqual(PAGE_ASSET_FILES.filter((file) => !file.endsWith(".html")).sort());
    const types: Record<string, string> = { css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8", svg: "image/svg+xml" };
    for (const file of named) {
      const answer = await t.call("GET", `/assets/${file}`);
      expect([file, answer.status, answer.headers.get("content-type"), answer.headers.get("content-security-policy")]).toEqual([file, 200, types[file.split(".")[1] as string], PAGE_CSP]);
    }
  });

  test.each(["nope.js", "form.html", "..%2Fpage-routes.ts", "%2E%2E%2Fpage-assets.ts"])("GET /assets/%s is 404", async (file) => {
    const answer = await t.call("GET", `/assets/${file}`);
    expect([answer.status, answer.json?.error.code]).toEqual([404, "NOT_FOUND"]);
  });

  test("the pages' files are not in the audit log; the pages are, naming the user", async () => {
    await t.call("GET", "/assets/forms.css");
    await t.call("GET", "/pipelines/onboard", { headers: { cookie } });
    const urls = t.directory.listAudit({ top: 1000 }).items.map((record) => [record.url, record.user]);
    expect(urls).toContainEqual(["/pipelines/onboard", "admin"]);
    expect(urls.some(([url]) => url?.startsWith("/assets/"))).toBe(false);
    expect(t.logs.map((entry) => entry.url)).toContain("/assets/forms.css");
  });
});

describe("the session", () => {
  test("a session token is no bearer token, and an API token is no session (cookies ignore ports)", async () => {
    const asBearer = await t.call("GET", "/api/v1/admin/users", { token });
    expect([asBearer.status, asBearer.json.error.code]).toEqual([401, "TOKEN_INVALID"]);
    const apiToken = t.tokenFor("admin");
    const asCookie = await t.call("GET", "/api/v1/pipelines", { headers: { cookie: `siq_session=${apiToken}` } });
    expect(asCookie.status).toBe(401);
    expect((await t.call("GET", "/api/v1/pipelines", { headers: { cookie } })).status).toBe(200);
  });

  test("signing in sets an HttpOnly, SameSite=Strict cookie and answers the CSRF token, never the session token", async () => {
    const answer = await t.call("POST", "/ui/session", { body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    expect(answer.status).toBe(200);
    const setCookie = answer.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^siq_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/);
    const issued = /^siq_session=([^;]+)/.exec(setCookie)?.[1] as string;
    expect(t.host.tokens.verify(issued, "session").username).toBe("admin");
    expect(answer.json).toEqual({ username: "admin", expiresAt: expect.any(String), csrfToken: csrfTokenFor(t.host.tokens, issued) });
    expect(answer.text).not.toContain(issued);
  });

  test("a wrong password is 401 and sets no cookie; failures count with the API's login", async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await t.call("POST", "/ui/session", { body: { username: "admin", password: "wrong" } });
      expect([answer.status, answer.json.error.code, answer.headers.get("set-cookie")]).toEqual([401, "CREDENTIALS_INVALID", null]);
    }
    const locked = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    expect([locked.status, locked.json.error.code]).toEqual([429, "LOGIN_LOCKED"]);
  });

  test.each([
    ["another site's Origin", { origin: "https://evil.example" }],
    ["a cross-site fetch", { "sec-fetch-site": "cross-site" }],
    ["a same-site (other origin) fetch", { "sec-fetch-site": "same-site" }],
  ])("signing in from %s is refused before the password is checked", async (_name, headers) => {
    const answer = await t.call("POST", "/ui/session", { headers, body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    expect([answer.status, answer.json.error.code, answer.headers.get("set-cookie")]).toEqual([403, "CSRF_INVALID", null]);
  });

  test("signing in from this origin (as the browser addressed it) works", async () => {
    const origin = t.host.url;
    const answer = await t.call("POST", "/ui/session", { headers: { origin, "sec-fetch-site": "same-origin" }, body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    expect(answer.status).toBe(200);
  });

  test("GET /ui/session says who is signed in, with the CSRF token; without a session it is 401", async () => {
    const answer = await t.call("GET", "/ui/session", { headers: { cookie: `other=1; ${cookie}; more=2` } });
    expect(answer.json).toEqual({ username: "admin", expiresAt: expect.any(String), csrfToken: csrf });
    expect((await t.call("GET", "/ui/session")).status).toBe(401);
    expect((await t.call("GET", "/ui/session", { headers: { cookie: "siq_session=forged.token.value" } })).status).toBe(401);
  });

  test("signing out needs the CSRF token, then clears the cookie", async () => {
    const refused = await t.call("DELETE", "/ui/session", { headers: { cookie } });
    expect([refused.status, refused.json.error.code]).toEqual([403, "CSRF_INVALID"]);
    const answer = await t.call("DELETE", "/ui/session", { headers: { cookie, "x-csrf-token": csrf } });
    expect(answer.status).toBe(204);
    expect(answer.headers.get("set-cookie")).toBe("siq_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    // The session itself is revoked: a copy of the cookie kept elsewhere opens nothing any more.
    expect((await t.call("GET", "/ui/session", { headers: { cookie } })).status).toBe(401);
    expect((await t.call("GET", "/api/v1/pipelines", { headers: { cookie } })).json.error.code).toBe("TOKEN_REVOKED");
  });
});

describe("where the cookie is honoured", () => {
  const run = { answers: { q1: "jdoe" } };

  test("the pages' routes take it: the pipelines list, and a run stream with the CSRF token", async () => {
    const list = await t.call("GET", "/api/v1/pipelines", { headers: { cookie } });
    expect(list.status).toBe(200);
    const stream = await t.call("POST", "/api/v1/pipelines/onboard/run/stream", { headers: { cookie, "x-csrf-token": csrf, origin: t.host.url, "sec-fetch-site": "same-origin" }, body: run });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
  });

  test.each<[string, Record<string, string>]>([
    ["no CSRF token", {}],
    ["another session's CSRF token", { "x-csrf-token": "x".repeat(43) }],
    ["a cross-site fetch", { "sec-fetch-site": "cross-site" }],
    ["another Origin", { origin: "http://evil.example" }],
  ])("a run stream by cookie with %s is 403 CSRF_INVALID, and nothing runs", async (name, headers) => {
    const withToken = name === "no CSRF token" || name.startsWith("another session") ? headers : { "x-csrf-token": csrf, ...headers };
    const answer = await t.call("POST", "/api/v1/pipelines/onboard/run/stream", { headers: { cookie, ...withToken }, body: run });
    expect([answer.status, answer.json.error.code]).toEqual([403, "CSRF_INVALID"]);
    expect(t.directory.getUser("jdoe")).toBeUndefined();
  });

  test.each([
    ["GET", "/api/v1/admin/users"],
    ["GET", "/api/v1/admin/audit"],
    ["POST", "/api/v1/pipelines/onboard/run"],
    ["POST", "/api/v1/admin/groups"],
  ])("%s %s does not take the cookie, even with the CSRF token", async (method, path) => {
    const answer = await t.call(method, path, { headers: { cookie, "x-csrf-token": csrf }, ...(method === "POST" ? { body: { name: "X" } } : {}) });
    expect([answer.status, answer.json.error.code]).toEqual([401, "AUTH_REQUIRED"]);
  });

  test("a bearer token decides when there is one: the cookie is not looked at", async () => {
    const withBearer = await t.call("GET", "/api/v1/pipelines", { token: t.tokenFor("admin"), headers: { cookie: "siq_session=forged.token.value" } });
    expect(withBearer.status).toBe(200);
    const badBearer = await t.call("GET", "/api/v1/pipelines", { token: "forged.token.value", headers: { cookie } });
    expect([badBearer.status, badBearer.json.error.code]).toEqual([401, "TOKEN_INVALID"]);
  });
});
