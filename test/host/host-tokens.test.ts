import { createHmac } from "node:crypto";
import { HostTokens } from "../../runtime/host";
import { openTestDirectory } from "../helpers/test-directory";
import { MovableClock } from "./helpers/test-host";

const key = Buffer.alloc(32, 7);

function setup(lifetime = 3600) {
  const directory = openTestDirectory();
  const clock = new MovableClock();
  const tokens = new HostTokens(key, directory, clock, lifetime);
  const admin = directory.findUser("admin");
  if (!admin) throw new Error("no admin");
  return { directory, clock, tokens, admin };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

test("a token verifies to its user until it expires", () => {
  const { tokens, admin, clock, directory } = setup(60);
  const { token, expiresAt } = tokens.issue(admin);
  expect(expiresAt.getTime() - clock.now().getTime()).toBe(60_000);
  expect(tokens.verify(token).guid).toBe(admin.guid);
  clock.advance(59_999);
  expect(tokens.verify(token).guid).toBe(admin.guid);
  clock.advance(1);
  expect(codeOf(() => tokens.verify(token))).toBe("TOKEN_EXPIRED");
  directory.close();
});

test("tampering with any part, or signing with another key, is TOKEN_INVALID", () => {
  const { tokens, admin, directory } = setup();
  const { token } = tokens.issue(admin);
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 1_000_000 })).toString("base64url");
  const noneHeader = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  const otherKey = new HostTokens(Buffer.alloc(32, 8), directory, new MovableClock()).issue(admin).token;
  const resigned = (h: string, p: string) => `${h}.${p}.${createHmac("sha256", key).update(`${h}.${p}`).digest("base64url")}`;
  for (const bad of [
    `${header}.${forged}.${signature}`,
    `${noneHeader}.${payload}.`,
    `${header}.${payload}.${signature.slice(0, -2)}`,
    `${header}.${payload}`,
    otherKey,
    resigned(Buffer.from(JSON.stringify({ alg: "HS512", typ: "JWT" })).toString("base64url"), payload),
    resigned(header, Buffer.from("not json").toString("base64url")),
    "x".repeat(5000),
  ]) {
    expect(codeOf(() => tokens.verify(bad))).toBe("TOKEN_INVALID");
  }
  directory.close();
});

test("a user disabled or gone since the token was issued is refused", () => {
  const { tokens, directory } = setup();
  const user = directory.createUser({ username: "temp" });
  const { token } = tokens.issue(user);
  expect(tokens.verify(token).username).toBe("temp");
  directory.disableUser("temp");
  expect(codeOf(() => tokens.verify(token))).toBe("ACCOUNT_DISABLED");
  directory.close();
});

test("as a TokenProvider it issues the running user's token, never a disabled user's", async () => {
  const { tokens, directory, admin } = setup();
  const token = await tokens.tokenFor({ username: "ADMIN" });
  expect(tokens.verify(token).guid).toBe(admin.guid);
  directory.createUser({ username: "off", disabled: true });
  await expect(tokens.tokenFor({ username: "off" })).rejects.toMatchObject({ code: "USER_DISABLED" });
  await expect(tokens.tokenFor({ username: "nobody" })).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
  directory.close();
});

test("a lifetime below one second is refused", () => {
  const directory = openTestDirectory();
  expect(() => new HostTokens(key, directory, new MovableClock(), 0)).toThrow(expect.objectContaining({ code: "USAGE" }));
  directory.close();
});

test("a token verified before is checked again for expiry, user and disabled flag on every request", () => {
  const { tokens, admin, clock, directory } = setup(60);
  const helper = directory.createUser({ username: "helper" });
  const forAdmin = tokens.issue(admin).token;
  const forHelper = tokens.issue(helper).token;
  // Verified once each: their claims are now known.
  expect(tokens.verify(forAdmin).guid).toBe(admin.guid);
  expect(tokens.verify(forHelper).guid).toBe(helper.guid);
  directory.disableUser(helper.guid);
  expect(codeOf(() => tokens.verify(forHelper))).toBe("ACCOUNT_DISABLED");
  expect(codeOf(() => tokens.verify(forHelper))).toBe("ACCOUNT_DISABLED");
  expect(tokens.verify(forAdmin).guid).toBe(admin.guid);
  clock.advance(60_000);
  expect(codeOf(() => tokens.verify(forAdmin))).toBe("TOKEN_EXPIRED");
  directory.close();
});

test("a tampered copy of a verified token is still TOKEN_INVALID", () => {
  const { tokens, admin, directory } = setup();
  const { token } = tokens.issue(admin);
  expect(tokens.verify(token).guid).toBe(admin.guid);
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "AB" : "AA"}`;
  expect(codeOf(() => tokens.verify(flipped))).toBe("TOKEN_INVALID");
  directory.close();
});

test("a revoked token is refused (TOKEN_REVOKED) on every host over the directory; other tokens of the user are not", () => {
  const { tokens, admin, directory, clock } = setup(60);
  const signedOut = tokens.issue(admin).token;
  const other = tokens.issue(admin).token;
  expect(tokens.verify(signedOut).guid).toBe(admin.guid);
  tokens.revoke(signedOut);
  expect(codeOf(() => tokens.verify(signedOut))).toBe("TOKEN_REVOKED");
  expect(tokens.verify(other).guid).toBe(admin.guid);
  // Another host on the same directory (say `siq serve` beside a `siq run`) refuses it too.
  expect(codeOf(() => new HostTokens(key, directory, clock, 60).verify(signedOut))).toBe("TOKEN_REVOKED");
  directory.close();
});

test("only a valid token of the right use can be revoked; revocations are forgotten once their tokens expire", () => {
  const { tokens, admin, directory, clock } = setup(60);
  expect(codeOf(() => tokens.revoke("not.a.token"))).toBe("TOKEN_INVALID");
  const session = tokens.issue(admin, "session").token;
  expect(codeOf(() => tokens.revoke(session))).toBe("TOKEN_INVALID");
  tokens.revoke(session, "session");
  tokens.revoke(tokens.issue(admin).token);
  expect(directory.dump().revoked_tokens).toHaveLength(2);
  clock.advance(60_000);
  // The next sign-out purges the expired ones: the table holds one token lifetime at most.
  tokens.revoke(tokens.issue(admin).token);
  expect(directory.dump().revoked_tokens).toHaveLength(1);
  directory.close();
});
