import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSigningKey } from "../../runtime/host";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "siq-key-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("is created once with 0600 permissions and read back the same", () => {
  const file = join(dir, "nested", "host.key");
  const first = loadSigningKey(file);
  expect(first.length).toBe(32);
  if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(loadSigningKey(file).equals(first)).toBe(true);
  expect(readFileSync(file, "utf8").trim()).toBe(first.toString("base64"));
});

test("a key file readable by others is tightened to 0600", () => {
  if (process.platform === "win32") return;
  const file = join(dir, "host.key");
  loadSigningKey(file);
  chmodSync(file, 0o644);
  loadSigningKey(file);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test("a damaged key is refused with HOST_KEY_INVALID", () => {
  const file = join(dir, "host.key");
  writeFileSync(file, "c2hvcnQ=\n", { mode: 0o600 });
  expect(() => loadSigningKey(file)).toThrow(expect.objectContaining({ code: "HOST_KEY_INVALID" }));
});
