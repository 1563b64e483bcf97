/**
 * Retry-After (RFC 9110 section 10.2.3): delay-seconds or an HTTP date.
 */

/**
 * The wait a Retry-After value asks for, in milliseconds (0 for a date in the past), or
 * undefined when the value is neither form, in which case the response is just a response.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only the date forms HTTP allows; Date.parse alone would also accept "3" or "tomorrow".
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
