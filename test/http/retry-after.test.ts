import { parseRetryAfter } from "../../runtime/http/retry-after";

const now = new Date("2026-11-22T12:00:00Z");

test.each([
  ["0", 0],
  ["5", 5000],
  [" 120 ", 120_000],
  ["Sun, 22 Nov 2026 12:00:30 GMT", 30_000],
  ["Sunday, 22-Nov-26 12:01:00 GMT", 60_000],
  ["Sun, 22 Nov 2026 11:00:00 GMT", 0],
  [undefined, undefined],
  ["", undefined],
  ["-5", undefined],
  ["1.5", undefined],
  ["soon", undefined],
  ["3 seconds", undefined],
  ["Sun, 99 Foo 2026", undefined],
])("Retry-After %p waits %p ms", (value, expected) => {
  expect(parseRetryAfter(value, now)).toBe(expected);
});
