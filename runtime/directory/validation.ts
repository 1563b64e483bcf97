/**
 * Rules for what the directory stores: names (usernames, groups, roles), email addresses and
 * custom field names. The directory enforces them on every write, whoever calls it (the SmartIQ
 * User action, the command line, the embedded host).
 */
import { SiqError } from "../errors";

export const MAX_NAME_LENGTH = 256;
export const MAX_FIELD_LENGTH = 4000;
const MAX_EMAIL_LENGTH = 254;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The key that makes names unique ignoring case: Unicode NFC, then lower case. Stored beside
 * the name with a unique index, because SQLite's NOCASE folds only ASCII ("É" and "é" would
 * otherwise be two users).
 */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

export type NameKind = "username" | "group name" | "role name" | "custom field name";

/**
 * Throws INVALID_NAME unless the name is 1 to 256 characters without surrounding spaces or
 * control characters (a name with a line break could never be written in a line list).
 */
export function checkName(kind: NameKind, name: string, input?: string): void {
  const where = input === undefined ? `The ${kind}` : `The ${kind} in "${input}"`;
  let problem: string | undefined;
  if (name.trim() === "") problem = "is blank";
  else if (name.length > MAX_NAME_LENGTH) problem = `is longer than ${MAX_NAME_LENGTH} characters`;
  else if (name !== name.trim()) problem = "starts or ends with spaces";
  else if (CONTROL.test(name)) problem = "contains a line break or another control character";
  if (problem !== undefined) {
    throw new SiqError("INVALID_NAME", `${where} ${problem}; give a name of 1 to ${MAX_NAME_LENGTH} visible characters.`, optionsFor(input));
  }
}

/**
 * The WHATWG form-validation rule for email addresses (what browsers accept in
 * `<input type=email>`), with the length limits of RFC 5321. Its sub-patterns are bounded, so
 * it runs in linear time.
 */
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function isValidEmail(text: string): boolean {
  if (text.length > MAX_EMAIL_LENGTH) return false;
  const at = text.lastIndexOf("@");
  if (at < 1 || at > 64) return false;
  return EMAIL.test(text);
}

/** Throws INVALID_EMAIL (naming the input when given) unless the text is a valid address. */
export function checkEmail(text: string, input?: string): void {
  if (isValidEmail(text)) return;
  const where = input === undefined ? "The email address" : `"${input}"`;
  throw new SiqError("INVALID_EMAIL", `${where} is not a valid email address (expected name@example.com); correct it or leave it blank.`, optionsFor(input));
}

/** Throws INVALID_FIELD when a stored text field is too long or holds control characters other than line breaks. */
export function checkFieldText(field: string, text: string, input?: string): void {
  const where = input === undefined ? `The ${field}` : `"${input}"`;
  if (text.length > MAX_FIELD_LENGTH) {
    throw new SiqError("INVALID_FIELD", `${where} is longer than ${MAX_FIELD_LENGTH} characters; shorten it.`, optionsFor(input));
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    throw new SiqError("INVALID_FIELD", `${where} contains a control character; remove it.`, optionsFor(input));
  }
}

function optionsFor(input: string | undefined): { input?: string } {
  return input === undefined ? {} : { input };
}
