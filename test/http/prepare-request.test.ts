import type { Dispatcher } from "undici";
import { createDispatcher } from "../../runtime/http/dispatcher";
import { prepareRequest } from "../../runtime/http/prepare-request";
import { sendRequest } from "../../runtime/http/send-request";
import { startServer, type Loopback } from "./helpers/loopback";

let dispatcher: Dispatcher;
let api: Loopback;
beforeAll(async () => {
  dispatcher = createDispatcher();
  api = await startServer((_req, res) => res.end("ok"));
});
afterAll(async () => {
  await api.close();
  await dispatcher.close();
});

test("a REST action's request, end to end: URL under the connection, JSON body, headers by precedence, API key in the query", async () => {
  const seen: unknown[] = [];
  const request = prepareRequest(
    {
      url: "/users",
      baseUrl: `${api.origin}/v1`,
      method: "put",
      customHeaders: [["X-Request-Id", "r-1"], ["X-Api-Key", "custom-wins"]],
      body: { requestBody: { username: "jdoe" }, documents: [{ name: "ignored.json", contentType: "application/json", content: "{}" }] },
      auth: { source: "connection", type: "apiKey", headers: [["X-Api-Key", "connection-key"]], query: [["code", "q-1"]] },
    },
    { validateBody: (body) => void seen.push(body) },
  );
  await sendRequest(request, { dispatcher });
  const received = api.requests[0];
  expect(received).toMatchObject({ method: "PUT", url: "/v1/users?code=q-1", body: Buffer.from('{"username":"jdoe"}') });
  expect(received?.headers["x-api-key"]).toBe("custom-wins");
  expect(received?.headers["x-request-id"]).toBe("r-1");
  expect(received?.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(seen).toEqual([{ username: "jdoe" }]);
});

test("POST is the default method, and a body refused by validateBody sends nothing", () => {
  expect(prepareRequest({ url: "https://h/x" }).method).toBe("POST");
  const before = api.requests.length;
  expect(() =>
    prepareRequest(
      { url: `${api.origin}/x`, body: { requestBody: { isAdmin: true } } },
      {
        validateBody: () => {
          throw Object.assign(new Error("refused"), { code: "REQUEST_BODY_MISMATCH" });
        },
      },
    ),
  ).toThrow("refused");
  expect(api.requests.length).toBe(before);
});

test("an HTTP Method that is not a token is refused", () => {
  expect(() => prepareRequest({ url: "https://h/x", method: "GET /admin" })).toThrow(expect.objectContaining({ input: "HTTP Method" }));
});
