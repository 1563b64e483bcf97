/**
 * Text positions count Unicode code points, not UTF-16 units: an emoji or a CJK extension
 * character is one character for Len, Left, Right and Mid, and no call splits a surrogate pair.
 */

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The number of code points in the text. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) i++;
    count++;
  }
  return count;
}

/** The UTF-16 index just after the first `count` code points (clamped to the text's length). */
export function offsetOfCodePoint(text: string, count: number): number {
  let index = 0;
  for (let seen = 0; seen < count && index < text.length; seen++) {
    index += isHigh(text.charCodeAt(index)) && isLow(text.charCodeAt(index + 1)) ? 2 : 1;
  }
  return index;
}

/** Replaces lone surrogates with U+FFFD, so the text encodes as UTF-8, JSON and URLs. */
export function wellFormed(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isHigh(code) && isLow(text.charCodeAt(i + 1))) {
      i++;
    } else if (isHigh(code) || isLow(code)) {
      return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
    }
  }
  return text;
}
