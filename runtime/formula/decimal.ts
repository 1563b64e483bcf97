/**
 * Decimal digit strings for formatting and rounding: a number's shortest round-trip digits,
 * shifted and rounded half away from zero as decimal text, so 1.005 rounds to 1.01 and
 * 0.155 × 100 is exactly 15.5 (binary floating point would give 1.00 and 15.500000000000002).
 */

/** A non-negative decimal: `digits` with the decimal point after `point` of them (may be <0 or >length). */
export interface Decimal {
  digits: string;
  point: number;
}

/** The shortest round-trip decimal of a finite number's magnitude. */
export function toDecimal(value: number): Decimal {
  const text = String(Math.abs(value));
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  return normalise({ digits, point: (dot < 0 ? mantissa.length : dot) + exponent });
}

/** Strips leading zeros (keeping the value), so the first digit is significant unless all are zero. */
export function normalise(decimal: Decimal): Decimal {
  let start = 0;
  while (start < decimal.digits.length - 1 && decimal.digits.charCodeAt(start) === 0x30) start++;
  let end = decimal.digits.length;
  while (end > start + 1 && decimal.digits.charCodeAt(end - 1) === 0x30) end--;
  return { digits: decimal.digits.slice(start, end), point: decimal.point - start };
}

export function isZero(decimal: Decimal): boolean {
  return /^0*$/.test(decimal.digits);
}

/** Multiplies by 10^places (negative divides). */
export function shiftDecimal(decimal: Decimal, places: number): Decimal {
  return { digits: decimal.digits, point: decimal.point + places };
}

function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  if (i < 0) return "1" + "0".repeat(digits.length);
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + "0".repeat(digits.length - i - 1);
}

/**
 * Rounds half away from zero to `decimals` places: `integer` without leading zeros ("" for
 * zero), `fraction` exactly `decimals` digits long.
 */
export function roundDecimal(decimal: Decimal, decimals: number): { integer: string; fraction: string } {
  let digits = decimal.digits;
  let point = decimal.point;
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += "0".repeat(point - digits.length);
  const keep = point + decimals;
  if (keep < digits.length) {
    const roundUp = digits.charCodeAt(keep) >= 0x35;
    digits = digits.slice(0, keep);
    if (roundUp) {
      const next = increment(digits);
      if (next.length > digits.length) point++;
      digits = next;
    }
  } else {
    digits = digits.padEnd(keep, "0");
  }
  let integer = digits.slice(0, point);
  let start = 0;
  while (start < integer.length && integer.charCodeAt(start) === 0x30) start++;
  integer = integer.slice(start);
  return { integer, fraction: digits.slice(point) };
}

/** Groups integer digits in threes from the right. */
export function groupDigits(integer: string, separator: string): string {
  if (integer.length <= 3) return integer;
  let out = "";
  const head = integer.length % 3;
  if (head > 0) out = integer.slice(0, head);
  for (let i = head; i < integer.length; i += 3) out += (out === "" ? "" : separator) + integer.slice(i, i + 3);
  return out;
}
