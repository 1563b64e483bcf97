/**
 * Password hashing, verification and generation for the embedded directory.
 *
 * Hashes are scrypt (node:crypto) with a random 16-byte salt, stored in a self-describing
 * text form `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`, so the cost can be raised
 * later without breaking stored hashes. Verification compares in constant time.
 */
import { randomBytes, randomInt, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import type { PasswordPolicy } from "../context";
import { SiqError } from "../errors";

/**
 * A password hash in the stored text form. Branded so that only this module's functions make
 * one: the directory's write methods take a hash, never a plain password.
 */
export type PasswordHash = string & { readonly __passwordHash: unique symbol };

export interface ScryptCost {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/**
 * OWASP's equivalent of N=2^17, r=8, p=1 that needs a quarter of the memory (32 MiB per hash),
 * so a host verifying several logins at once stays within reasonable memory.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 3 };

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { length: 16, minNonAlphanumeric: 2 };

/** Longest password accepted: scrypt takes any length, but a huge one is a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const HASH_FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Hashes a password off the main thread (libuv pool). */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<PasswordHash> {
  checkPassword(password);
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, KEY_LENGTH, cost);
  return formatHash(cost, salt, key);
}

/** Hashes synchronously: only for the one-off bootstrap of a new directory. */
export function hashPasswordSync(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): PasswordHash {
  checkPassword(password);
  const salt = randomBytes(SALT_LENGTH);
  const key = scryptSync(password, salt, KEY_LENGTH, scryptOptions(cost));
  return formatHash(cost, salt, key);
}

/**
 * True when the password matches the stored hash. A malformed hash never matches. The
 * comparison of derived keys is constant-time.
 */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.key.length, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/**
 * A hash of a random password, verified against when the user is unknown or has no password,
 * so a login takes as long whether the username exists or not.
 */
let decoyHash: PasswordHash | undefined;
export async function decoyVerify(password: string): Promise<false> {
  decoyHash ??= await hashPassword(randomBytes(18).toString("base64"));
  await verifyPasswordHash(password, decoyHash);
  return false;
}

/** True for text in the stored hash form (used to refuse anything else as a hash). */
export function isPasswordHash(text: string): text is PasswordHash {
  return parseHash(text) !== undefined;
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
/** Symbols that need no quoting in JSON, CSV, URLs' userinfo aside, or common shells inside quotes. */
const SYMBOLS = "!#$%&*+-=?@^_~";
const ALPHANUMERIC = LOWER + UPPER + DIGITS;
const ALL = ALPHANUMERIC + SYMBOLS;

export const MIN_GENERATED_LENGTH = 8;
export const MAX_GENERATED_LENGTH = 256;

/** Throws INVALID_PASSWORD_POLICY when the policy cannot produce a sound password. */
export function checkPasswordPolicy(policy: PasswordPolicy): void {
  const { length, minNonAlphanumeric } = policy;
  if (!Number.isInteger(length) || length < MIN_GENERATED_LENGTH || length > MAX_GENERATED_LENGTH) {
    throw new SiqError(
      "INVALID_PASSWORD_POLICY",
      `The password policy's length is ${String(length)}; it must be a whole number from ${MIN_GENERATED_LENGTH} to ${MAX_GENERATED_LENGTH}. Fix the host's passwordPolicy setting.`,
    );
  }
  if (!Number.isInteger(minNonAlphanumeric) || minNonAlphanumeric < 0 || minNonAlphanumeric > length) {
    throw new SiqError(
      "INVALID_PASSWORD_POLICY",
      `The password policy's minNonAlphanumeric is ${String(minNonAlphanumeric)}; it must be a whole number from 0 to the length (${length}). Fix the host's passwordPolicy setting.`,
    );
  }
}

/**
 * A random password from a cryptographic source: `length` characters, at least
 * `minNonAlphanumeric` of them symbols, and (when the length leaves room) at least one lower-case
 * letter, one upper-case letter and one digit, so it passes the usual complexity rules.
 */
export function generatePassword(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string {
  checkPasswordPolicy(policy);
  const chars: string[] = [];
  for (let i = 0; i < policy.minNonAlphanumeric; i++) chars.push(pick(SYMBOLS));
  for (const set of [LOWER, UPPER, DIGITS]) {
    if (chars.length < policy.length) chars.push(pick(set));
  }
  while (chars.length < policy.length) chars.push(pick(ALL));
  // Fisher-Yates, so the required characters are not at predictable positions.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const tmp = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = tmp;
  }
  return chars.join("");
}

function pick(set: string): string {
  return set.charAt(randomInt(set.length));
}

function checkPassword(password: string): void {
  if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw new SiqError("INVALID_PASSWORD", `A password must have 1 to ${MAX_PASSWORD_LENGTH} characters.`);
  }
}

function scryptOptions(cost: ScryptCost): { N: number; r: number; p: number; maxmem: number } {
  const N = 2 ** cost.logN;
  // scrypt needs 128 * N * r bytes; leave headroom over Node's 32 MiB default.
  return { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r * 2 + 1024 * 1024 };
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, scryptOptions(cost), (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function formatHash(cost: ScryptCost, salt: Buffer, key: Buffer): PasswordHash {
  return `scrypt$${cost.logN}$${cost.r}$${cost.p}$${salt.toString("base64")}$${key.toString("base64")}` as PasswordHash;
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const match = HASH_FORMAT.exec(stored);
  if (!match) return undefined;
  const cost = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  // Refuse costs no hash of ours has, so a tampered row cannot make a login hang.
  if (cost.logN < 10 || cost.logN > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return undefined;
  const salt = Buffer.from(match[4] as string, "base64");
  const key = Buffer.from(match[5] as string, "base64");
  if (salt.length < 8 || key.length < 16) return undefined;
  return { cost, salt, key };
}
