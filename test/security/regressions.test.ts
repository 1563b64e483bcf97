/**
 * Regression tests of the security review: each describe block is named after what it guards.
 */
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertAnswers } from "../../runtime/answers";
import { convertInput } from "../../runtime/binding/convert";
import { ResultsWriter } from "../../runtime/bulk/results-file";
import { openDirectory } from "../../runtime/directory";
import { isActionError } from "../../runtime/errors";
import { compileOutputPath, ParsedResponse } from "../../runtime/extract/output-path";
import { xmlEscape } from "../../runtime/formula/functions/encoding";
import { compileRequestSchema, MAX_URL_FORMAT_LENGTH } from "../../runtime/http/request-schema";
import { parseJsonText } from "../../runtime/pipeline/json-source";
import { maskedExcerpt, Redactor } from "../../runtime/redact";
import { createRuntime } from "../../runtime/runtime";
import { startTestHost } from "../host/helpers/test-host";
import { inspect, pipelineOf } from "../helpers/pipelines";
import { json, startRecordingServer, type RecordingServer } from "../helpers/recording-server";
import { openTestDirectory } from "../helpers/test-directory";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "siq-review-"));
}

function elapsedMs(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

describe("Action Documents files stay inside the pipeline's folder", () => {
  const folder = tempDir();
  const pipelineDir = join(folder, "pipelines");
  mkdirSync(join(pipelineDir, "templates"), { recursive: true });
  writeFileSync(join(folder, "secret.txt"), "outside the folder");
  writeFileSync(join(pipelineDir, "templates", "user.json"), '{ "name": "{{q1}}" }');
  symlinkSync(join(folder, "secret.txt"), join(pipelineDir, "templates", "link.txt"));

  const codesFor = (file: string) =>
    inspect(
      {
        name: "Docs",
        questions: { q1: { label: "Name", type: "text" } },
        actions: [{ name: "Send", type: "Send to REST Service", inputs: { URL: "http://127.0.0.1:9/x", "Action Documents": [{ name: "doc", file }] } }],
      },
      {},
      { baseDir: pipelineDir },
    ).problems.map((problem) => problem.code);

  test.each([
    ["../secret.txt", "a relative path that climbs out"],
    [join(folder, "secret.txt"), "an absolute path elsewhere"],
    ["templates/../../secret.txt", "a path that climbs out through a subfolder"],
    ["templates/link.txt", "a symbolic link inside the folder that leads out"],
    ["/etc/passwd", "a system file"],
  ])("%j (%s) is refused with FILE_OUTSIDE_PIPELINE_FOLDER", (file) => {
    expect(codesFor(file)).toEqual(["FILE_OUTSIDE_PIPELINE_FOLDER"]);
  });

  test.each([["templates/user.json"], [join(pipelineDir, "templates", "user.json")], ["./templates/./user.json"]])("%j inside the folder is read", (file) => {
    expect(codesFor(file)).toEqual([]);
  });

  test("a missing file is FILE_NOT_FOUND, and no message shows the absolute folder", () => {
    const result = inspect(
      { name: "Docs", actions: [{ name: "Send", type: "Send to REST Service", inputs: { URL: "http://127.0.0.1:9/x", "Action Documents": [{ name: "d", file: "nope.json" }, { name: "e", file: "../secret.txt" }] } }] },
      {},
      { baseDir: pipelineDir },
    );
    expect(result.problems.map((problem) => problem.code)).toEqual(["FILE_NOT_FOUND", "FILE_OUTSIDE_PIPELINE_FOLDER"]);
    for (const problem of result.problems) expect(problem.message).not.toContain(folder);
  });

  test("a file that changed is read again", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "doc.txt"), "first");
    let server: RecordingServer | undefined;
    const runtime = createRuntime();
    try {
      server = await startRecordingServer((_request, response) => json(response, 200, {}));
      const pipeline = pipelineOf({ name: "Docs", actions: [{ name: "Send", type: "Send to REST Service", inputs: { URL: `${server.url}/x`, "Action Documents": [{ name: "doc.txt", file: "doc.txt" }] } }] }, {}, { baseDir: dir });
      await runtime.run(pipeline);
      writeFileSync(join(dir, "doc.txt"), "second, longer");
      await runtime.run(pipeline);
      expect(server.requests.map((request) => request.body)).toEqual(["first", "second, longer"]);
    } finally {
      await runtime.close();
      await server?.close();
    }
  });
});

describe("number text is matched in linear time (answers and inputs cannot hang the runtime)", () => {
  const long = `${"1".repeat(300_000)}x`;

  test("a number answer of 300,000 digits and a letter is refused at once", () => {
    let problems: unknown[] = [];
    const ms = elapsedMs(() => (problems = convertAnswers({ q1: { label: "N", type: "number" } }, { q1: long }).problems));
    expect(problems).toHaveLength(1);
    expect(ms).toBeLessThan(1000);
  });

  test("a number input given such text is refused at once", () => {
    let code: string | undefined;
    const ms = elapsedMs(() => {
      try {
        convertInput(long, { action: "A", input: { name: "Timeout (Seconds)", type: "number", description: "" } });
      } catch (error) {
        code = isActionError(error) ? error.code : "thrown";
      }
    });
    expect(code).toBe("INPUT_CONVERSION");
    expect(ms).toBeLessThan(1000);
  });

  test.each([["12"], ["12."], ["12.5"], [".5"], ["-1e3"], ["+2.5E-2"]])("%j is still a number", (text) => {
    expect(convertAnswers({ q1: { label: "N", type: "number" } }, { q1: text }).answers.get("q1")).toBe(Number(text));
  });
});

describe("the url format of a Request Schema cannot hang the runtime", () => {
  test("a long text that makes the url pattern backtrack fails at once", () => {
    const schema = compileRequestSchema({ type: "object", properties: { link: { type: "string", format: "url" } } });
    const link = `http://a${"::%2".repeat(250_000)} `;
    let code: string | undefined;
    const ms = elapsedMs(() => {
      try {
        schema.check({ link });
      } catch (error) {
        code = isActionError(error) ? error.code : "thrown";
      }
    });
    expect(code).toBe("REQUEST_BODY_INVALID");
    expect(ms).toBeLessThan(1000);
  });

  test("an ordinary URL, and one at the length limit, still pass", () => {
    const schema = compileRequestSchema({ type: "object", properties: { link: { type: "string", format: "url" } } });
    expect(() => schema.check({ link: "https://example.com/a?b=c" })).not.toThrow();
    const atLimit = `https://example.com/${"a".repeat(MAX_URL_FORMAT_LENGTH - "https://example.com/".length)}`;
    expect(() => schema.check({ link: atLimit })).not.toThrow();
    expect(() => schema.check({ link: `${atLimit}a` })).toThrow(expect.objectContaining({ code: "REQUEST_BODY_INVALID" }));
  });
});

describe("the redactor masks every written form of a secret", () => {
  const secret = 'p@ss w:rd"$,(x)\\ok';
  const redactor = new Redactor();
  redactor.addSecret(secret);

  test.each([
    ["as it is", secret],
    ["inside a JSON string", JSON.stringify(secret).slice(1, -1)],
    ["as a URI component", encodeURIComponent(secret)],
    ["as RFC 3986 text", encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)],
    ["form-encoded", encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, "+")],
    ["as a query value the pipeline writes", encodeURIComponent(secret).replace(/%24/g, "$").replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%40/g, "@")],
  ])("%s", (_how, written) => {
    expect(redactor.maskText(`echo: ${written}.`)).toBe("echo: ***.");
    expect(redactor.maskKnownSecrets({ body: `[${written}]` })).toEqual({ body: "[***]" });
  });

  test("a secret with a lone surrogate is still masked as it is", () => {
    const odd = new Redactor();
    odd.addSecret("ab\ud800cd");
    expect(odd.maskText("x ab\ud800cd y")).toBe("x *** y");
  });
});

describe("error excerpts mask before they flatten and cut", () => {
  const redactor = new Redactor();
  const secret = "line one\n\tline two";
  redactor.addSecret(secret);

  test("a secret with white space is masked although the excerpt flattens white space", () => {
    expect(maskedExcerpt(`refused: ${secret}`, 300, redactor)).toBe("refused: ***");
  });

  test("no part of a secret shows where the excerpt is cut", () => {
    const long = new Redactor();
    long.addSecret("S3CRET-VALUE-THAT-IS-LONG");
    const excerpt = maskedExcerpt(`${"x".repeat(290)}S3CRET-VALUE-THAT-IS-LONG and more`, 300, long);
    expect(excerpt).not.toContain("S3CRET");
    expect(excerpt.startsWith(`${"x".repeat(290)}***`)).toBe(true);
  });
});

describe("XmlEncode keeps NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (parsers would read them as line ends)", () => {
  test.each([["\u0085", "&#133;"], ["\u2028", "&#8232;"], ["\u2029", "&#8233;"], ["\r", "&#13;"]])("%j", (text, escaped) => {
    expect(xmlEscape(`a${text}b`)).toBe(`a${escaped}b`);
  });
});

describe("a JSON file's __proto__ key is refused, not turned into a prototype", () => {
  test("in a pipeline file, with its line and path", () => {
    const text = '{\n  "name": "P",\n  "actions": [{ "name": "A", "type": "Send to REST Service",\n    "inputs": { "URL": "http://h/x", "Request Body": { "__proto__": { "isAdmin": true } } } }]\n}';
    const parsed = parseJsonText(text, "p.pipeline.json");
    expect(parsed.value).toBeUndefined();
    expect(parsed.problems).toEqual([
      expect.objectContaining({ code: "JSON_KEY_NOT_ALLOWED", path: 'actions[0].inputs["Request Body"].__proto__', message: expect.stringContaining("line 4, column 56") }),
    ]);
  });

  test("the text __proto__ as a value is fine", () => {
    expect(parseJsonText('{ "a": "__proto__" }', "x.json")).toEqual({ value: { a: "__proto__" }, problems: [] });
  });
});

describe("Custom Fields lines: an answer cannot add a field", () => {
  test("a line break from an answer fails the action and the directory is unchanged", async () => {
    const directory = openTestDirectory();
    const runtime = createRuntime({ directory });
    try {
      const before = directory.dump();
      const pipeline = pipelineOf({
        name: "Fields",
        questions: { q1: { label: "Dept", type: "text" } },
        actions: [{ name: "Create", type: "SmartIQ User", inputs: { "Preferred Username": "jdoe", "Update Existing User": true, "Custom Fields": "Dept={{q1}}\nLevel=1" } }],
      });
      const result = await runtime.run(pipeline, { answers: { q1: "Sales\nIsAdmin=true" }, user: "admin" });
      expect(result.actions[0]?.error?.code).toBe("INPUT_CONVERSION");
      expect(directory.dump()).toEqual(before);
      const fine = await runtime.run(pipeline, { answers: { q1: "Sales = North" }, user: "admin" });
      expect(fine.status).toBe("succeeded");
      expect(directory.getUser("jdoe")?.customFields).toEqual({ Dept: "Sales = North", Level: "1" });
    } finally {
      await runtime.close();
      directory.close();
    }
  });
});

describe("Connection names are the pipeline's own", () => {
  test.each([["constructor"], ["toString"], ["__proto__"], ["hasOwnProperty"]])("%j from an answer is CONNECTION_UNKNOWN", async (name) => {
    const runtime = createRuntime();
    try {
      const pipeline = pipelineOf({
        name: "Conn",
        questions: { q1: { label: "Connection", type: "text" } },
        connections: { api: { baseUrl: "http://127.0.0.1:9" } },
        actions: [{ name: "Send", type: "Send to REST Service", inputs: { Connection: "=[q1]", URL: "/x" } }],
      });
      const result = await runtime.run(pipeline, { answers: { q1: name } });
      expect(result.actions[0]?.error?.code).toBe("CONNECTION_UNKNOWN");
    } finally {
      await runtime.close();
    }
  });
});

describe("token requests never carry their credentials to another origin on a redirect", () => {
  let tokenServer: RecordingServer;
  let other: RecordingServer;
  beforeAll(async () => {
    other = await startRecordingServer((request, response) => json(response, 200, { access_token: "from-the-other-origin", received: request.body }));
    tokenServer = await startRecordingServer((request, response) => {
      if (!request.url.includes("/token") && !request.url.includes("/login")) return json(response, 200, { ok: true });
      const status = Number(request.url.split("status=")[1] ?? 307);
      response.writeHead(status, { location: `${other.url}/token` });
      response.end();
    });
  });
  afterAll(async () => {
    await tokenServer.close();
    await other.close();
  });

  test.each([[307], [308]])("OAuth 2.0 client secret and password, %i: REDIRECT_INVALID, nothing reaches the other origin", async (status) => {
    other.requests.length = 0;
    const runtime = createRuntime();
    try {
      const pipeline = pipelineOf(
        {
          name: "OAuth",
          connections: { api: { baseUrl: tokenServer.url, auth: { type: "oauth2", tokenUrl: `/token?status=${status}`, clientId: "c", clientSecret: "${SECRET}", username: "u", password: "${PASSWORD}" } } },
          actions: [{ name: "Call", type: "Send to REST Service", inputs: { Connection: "api", URL: "/api", "HTTP Method": "GET" } }],
        },
        { SECRET: "client-secret-1", PASSWORD: "user-password-1" },
      );
      const result = await runtime.run(pipeline);
      expect(result.actions[0]?.error?.code).toBe("REDIRECT_INVALID");
      expect(other.requests).toEqual([]);
      expect(JSON.stringify(result)).not.toMatch(/client-secret-1|user-password-1/);
    } finally {
      await runtime.close();
    }
  });

  test("SmartIQ login password, 307: REDIRECT_INVALID, nothing reaches the other origin", async () => {
    other.requests.length = 0;
    const runtime = createRuntime();
    try {
      const pipeline = pipelineOf(
        {
          name: "Login",
          connections: { smartiq: { baseUrl: tokenServer.url, auth: { type: "login", username: "svc", password: "${PASSWORD}" } } },
          actions: [{ name: "Call", type: "SmartIQ API", inputs: { URL: "/api/v1/admin/users", "HTTP Method": "GET" } }],
        },
        { PASSWORD: "login-password-1" },
      );
      const result = await runtime.run(pipeline);
      expect(result.actions[0]?.error?.code).toBe("REDIRECT_INVALID");
      expect(other.requests).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});

describe("SmartIQ API takes X-As-User only from As-User (Impersonate)", () => {
  test.each([[{ "X-As-User": "admin" }], ["x-as-user: admin"]])("Custom Headers %j are refused before anything is sent", async (headers) => {
    const server = await startRecordingServer((_request, response) => json(response, 200, {}));
    const runtime = createRuntime({ tokens: { tokenFor: async () => "token-1234" }, settings: { smartiqBaseUrl: server.url } });
    try {
      const pipeline = pipelineOf({ name: "As", actions: [{ name: "Call", type: "SmartIQ API", inputs: { URL: "/api/v1/admin/users", "HTTP Method": "GET", "Custom Headers": headers } }] });
      const result = await runtime.run(pipeline);
      expect(result.actions[0]?.error).toMatchObject({ code: "HEADER_INVALID", message: expect.stringContaining("As-User (Impersonate)") });
      expect(server.requests).toEqual([]);
    } finally {
      await runtime.close();
      await server.close();
    }
  });
});

describe("files holding secrets are owner-only", () => {
  const posix = process.platform !== "win32";

  (posix ? test : test.skip)("a new directory's file and folder", () => {
    const dataDir = join(tempDir(), "data");
    const { directory } = openDirectory({ dataDir, env: { SIQ_ADMIN_PASSWORD: "Owner-only-1!" } });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, "directory.sqlite")).mode & 0o777).toBe(0o600);
    } finally {
      directory.close();
    }
  });

  (posix ? test : test.skip)("a results file left readable by an older run", () => {
    const file = join(tempDir(), "rows.csv.results.jsonl");
    writeFileSync(file, "old\n");
    chmodSync(file, 0o644);
    const writer = new ResultsWriter(file);
    writer.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("XPath Output Paths stay fast on large XML lists", () => {
  const users = (n: number) => `<Users xmlns="http://example.com/u">${Array.from({ length: n }, (_, i) => `<User id="${i}"><Name>u${i}</Name><Email>u${i}@x.com</Email></User>`).join("")}</Users>`;
  const select = (path: string, body: string) => compileOutputPath(path).select(new ParsedResponse({ contentType: "application/xml", body, headers: {} }));

  test("a list of 20,000 users is read in seconds, not hours", () => {
    const body = users(20_000);
    let out: unknown[] = [];
    const ms = elapsedMs(() => (out = select("/Users/User/Email", body)));
    expect(out).toHaveLength(20_000);
    expect(out[19_999]).toBe("u19999@x.com");
    expect(ms).toBeLessThan(10_000);
  });

  test.each([
    ["//Name | //Email", ["u0", "u0@x.com", "u1", "u1@x.com", "u2", "u2@x.com"]],
    ["(//User)[last()]/Name", ["u2"]],
    ["//User[2]/Email", ["u1@x.com"]],
    ["//Email/preceding-sibling::Name", ["u0", "u1", "u2"]],
    ["//User/@id", ["0", "1", "2"]],
    ["//User[Name = 'u1']/following-sibling::User/Name", ["u2"]],
  ])("document order still holds: %s", (path, expected) => {
    expect(select(path, users(3))).toEqual(expected);
  });

  test("nested elements cannot make the output exhaust memory: OUTPUT_PATH_TOO_LARGE", () => {
    const body = `${"<a>".repeat(5000)}${"</a>".repeat(5000)}`;
    let code: string | undefined;
    const ms = elapsedMs(() => {
      try {
        select("//a", body);
      } catch (error) {
        code = isActionError(error) ? error.code : "thrown";
      }
    });
    expect(code).toBe("OUTPUT_PATH_TOO_LARGE");
    expect(ms).toBeLessThan(5000);
    expect(select("count(//a)", body)).toEqual([5000]);
  });
});

describe("a secret nested deeper than the redactor walks is still masked", () => {
  test.each([[10], [100], [1000]])("at depth %i", (depth) => {
    const redactor = new Redactor();
    redactor.addSecret("deep-secret-value");
    let value: unknown = { token: "deep-secret-value", keep: "x" };
    for (let i = 0; i < depth; i++) value = [value];
    const shown = JSON.stringify([redactor.maskKnownSecrets(value), redactor.mask(value)]);
    expect(shown).not.toContain("deep-secret-value");
    expect(shown).toContain('"keep":"x"');
  });

  test("a part too deep to write as JSON is masked whole", () => {
    const redactor = new Redactor();
    redactor.addSecret("deep-secret-value");
    let value: unknown = { token: "deep-secret-value" };
    for (let i = 0; i < 200_000; i++) value = [value];
    let shown = "";
    expect(() => (shown = String(JSON.stringify(redactor.maskKnownSecrets(value)) ?? ""))).not.toThrow();
    expect(shown).not.toContain("deep-secret-value");
  });
});

describe("custom fields named like Object's members are data", () => {
  test.each([["__proto__"], ["constructor"], ["toString"]])("%j is stored and read back as a field", (name) => {
    const directory = openTestDirectory();
    try {
      directory.createUser({ username: "jdoe", customFields: [[name, "value-1"], ["Dept", "Sales"]] });
      const fields = directory.getUser("jdoe")?.customFields ?? {};
      expect(Object.entries(fields)).toEqual(expect.arrayContaining([[name, "value-1"], ["Dept", "Sales"]]));
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
      expect(JSON.parse(JSON.stringify(fields))).toEqual(JSON.parse(`{"${name}":"value-1","Dept":"Sales"}`));
    } finally {
      directory.close();
    }
  });
});

describe("a secret of any length can be masked (no regular expression too large to compile)", () => {
  test("the redactor masks a 60,000-character secret in all its forms", () => {
    const redactor = new Redactor();
    const secret = `${"\r".repeat(20_000)}Zq${"é".repeat(20_000)}`;
    redactor.addSecret(secret);
    expect(redactor.maskText(`a ${secret} b ${encodeURIComponent(secret)} c`)).toBe("a *** b *** c");
    expect(redactor.mask({ value: JSON.stringify(secret) })).toEqual({ value: '"***"' });
  });

  test("a run whose Basic Auth Password answer is 40,000 characters ends with a result, the password masked", async () => {
    const server = await startRecordingServer((request, response) => json(response, 401, { got: request.headers.authorization }));
    const runtime = createRuntime();
    try {
      const pipeline = pipelineOf({
        name: "Long secret",
        questions: { pw: { label: "Password", type: "text" } },
        actions: [{ name: "Call", type: "Send to REST Service", inputs: { URL: `${server.url}/x`, "HTTP Method": "GET", "Basic Auth Username": "u", "Basic Auth Password": "=[pw]", "Fail On Error Status": true } }],
      });
      const password = `${"%".repeat(20_000)}${"\"".repeat(20_000)}`;
      const result = await runtime.run(pipeline, { answers: { pw: password } });
      expect(result.actions[0]?.error?.code).toBe("HTTP_ERROR_STATUS");
      expect(JSON.stringify(result)).not.toContain(Buffer.from(`u:${password}`).toString("base64").slice(0, 40));
    } finally {
      await runtime.close();
      await server.close();
    }
  });
});

describe("a URL the host cannot route is answered in the API's shape and audited", () => {
  test.each([["/api/v1/admin/users/%E0%A4%A"], ["/%ZZ?format=xml"]])("%s: 400 PATH_INVALID, one audit record and one log line, naming the caller", async (path) => {
    const host = await startTestHost();
    try {
      const answer = await host.call("GET", path, { token: host.tokenFor("admin") });
      expect(answer.status).toBe(400);
      expect(answer.json?.error?.code ?? /<Code>(\w+)<\/Code>/.exec(answer.text)?.[1]).toBe("PATH_INVALID");
      expect(host.directory.listAudit().items).toEqual([expect.objectContaining({ user: "admin", status: 400, detail: "PATH_INVALID", url: path })]);
      expect(host.logs).toEqual([expect.objectContaining({ user: "admin", status: 400, code: "PATH_INVALID" })]);
    } finally {
      await host.close();
    }
  });
});
