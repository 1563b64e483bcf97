import fc from "fast-check";
import {
  DEFAULT_PASSWORD_POLICY,
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  verifyPasswordHash,
} from "../../runtime/directory";
import { hashPasswordSync, isPasswordHash } from "../../runtime/directory/passwords";

const nonAlphanumeric = (text: string) => [...text].filter((c) => !/[A-Za-z0-9]/.test(c)).length;

describe("hashPassword / verifyPasswordHash", () => {
  test("round-trips, and rejects a wrong password", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPasswordHash("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPasswordHash("correct horse battery stapl", hash)).toBe(false);
    expect(await verifyPasswordHash("", hash)).toBe(false);
  });

  test("salts: the same password hashes differently each time", async () => {
    const [a, b] = await Promise.all([hashPassword("same-password"), hashPassword("same-password")]);
    expect(a).not.toBe(b);
  });

  test("verifies hashes of other costs (the format describes itself)", async () => {
    const cheap = hashPasswordSync("pw-with-cost", { logN: 10, r: 8, p: 1 });
    expect(cheap.startsWith("scrypt$10$8$1$")).toBe(true);
    expect(await verifyPasswordHash("pw-with-cost", cheap)).toBe(true);
  });

  test.each([
    ["not a hash"],
    ["scrypt$15$8$3$$"],
    ["scrypt$40$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"],
    ["bcrypt$10$abc"],
  ])("a malformed or hostile stored hash never matches: %s", async (stored) => {
    expect(isPasswordHash(stored)).toBe(false);
    expect(await verifyPasswordHash("anything", stored)).toBe(false);
  });

  test.each([[""], ["x".repeat(1025)]])("refuses to hash a password of length %#", async (password) => {
    await expect(hashPassword(password)).rejects.toMatchObject({ code: "INVALID_PASSWORD" });
  });
});

describe("generatePassword", () => {
  test("default policy: 16 characters, at least 2 non-alphanumeric, mixed classes", () => {
    for (let i = 0; i < 50; i++) {
      const password = generatePassword();
      expect(password).toHaveLength(DEFAULT_PASSWORD_POLICY.length);
      expect(nonAlphanumeric(password)).toBeGreaterThanOrEqual(2);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
    }
  });

  test("any valid policy is honoured", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 256 }).chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 0, max: length }))),
        ([length, minNonAlphanumeric]) => {
          const password = generatePassword({ length, minNonAlphanumeric });
          expect(password).toHaveLength(length);
          expect(nonAlphanumeric(password)).toBeGreaterThanOrEqual(minNonAlphanumeric);
          expect(password).toMatch(/^[\x21-\x7e]+$/);
        },
      ),
    );
  });

  test("does not repeat itself", () => {
    const seen = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(seen.size).toBe(200);
  });

  test.each([
    [{ length: 7, minNonAlphanumeric: 0 }],
    [{ length: 257, minNonAlphanumeric: 0 }],
    [{ length: 12.5, minNonAlphanumeric: 0 }],
    [{ length: 12, minNonAlphanumeric: 13 }],
    [{ length: 12, minNonAlphanumeric: -1 }],
    [{ length: Number.NaN, minNonAlphanumeric: 1 }],
  ])("refuses the policy %j", (policy) => {
    expect(() => checkPasswordPolicy(policy)).toThrow(expect.objectContaining({ code: "INVALID_PASSWORD_POLICY" }));
    expect(() => generatePassword(policy)).toThrow(expect.objectContaining({ code: "INVALID_PASSWORD_POLICY" }));
  });
});
