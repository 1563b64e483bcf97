/**
 * The host's token signing key: 32 random bytes, created once in the data folder (`host.key`,
 * permissions 0600) and read on every start, so tokens survive a restart of `siq serve`.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { SiqError } from "../errors";

export const SIGNING_KEY_FILE = "host.key";
const KEY_BYTES = 32;

/** Reads the key file, creating it (and its folder) on first use. */
export function loadSigningKey(file: string): Buffer {
  try {
    return readKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw keyError(file, error);
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
    // "wx": if another process created it meanwhile, fail and read theirs instead of overwriting it.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw keyError(file, error);
  }
  try {
    return readKey(file);
  } catch (error) {
    throw keyError(file, error);
  }
}

function readKey(file: string): Buffer {
  const mode = statSync(file).mode & 0o777;
  // A key readable by others lets them mint tokens: tighten it (the owner's file, so this works).
  if (process.platform !== "win32" && (mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (key.length < KEY_BYTES) {
    throw new SiqError("HOST_KEY_INVALID", `The token signing key ${file} is damaged (shorter than ${KEY_BYTES} bytes); delete it to make a new one (signed-in users will have to log in again).`);
  }
  return key;
}

function keyError(file: string, error: unknown): SiqError {
  if (error instanceof SiqError) return error;
  return new SiqError("HOST_KEY_INVALID", `The token signing key ${file} cannot be read or created: ${(error as Error).message}. Check the --data folder's permissions.`, { cause: error });
}
