import { Redactor } from "../../runtime/redact";
import type { HttpResponse } from "../../runtime/http/request";
import { errorForStatus } from "../../runtime/http/status-error";

function response(status: number, body = ""): HttpResponse {
  return { status, statusText: "", headers: {}, body, bodyBytes: Buffer.from(body), method: "POST", url: "https://h/v1/users?api_key=k123456", redirects: [], durationMs: 1 };
}

test.each([
  [200, undefined],
  [204, undefined],
  [302, undefined],
  [400, false],
  [401, false],
  [404, false],
  [409, false],
  [429, true],
  [500, true],
  [503, true],
])("status %i gives HTTP_ERROR_STATUS retryable=%p (or no error)", (status, retryable) => {
  const error = errorForStatus(response(status));
  if (retryable === undefined) expect(error).toBeUndefined();
  else expect(error).toMatchObject({ code: "HTTP_ERROR_STATUS", retryable, details: { status } });
});

test("the message names method, masked URL, status name and what the service said, masked", () => {
  const redactor = new Redactor();
  redactor.addSecret("leaked-token-1");
  const error = errorForStatus(response(404, `{"error":"no user",\n "token":"leaked-token-1"}`), { redactor, statusName: "NotFound", action: "Read Back" });
  expect(error?.message).toBe(`POST https://h/v1/users?api_key=*** answered 404 NotFound, and Fail On Error Status is set. The service said: {"error":"no user", "token":"***"}`);
  expect(error?.action).toBe("Read Back");
});
