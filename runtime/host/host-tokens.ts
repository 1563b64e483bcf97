/**
 * Signed, expiring tokens for the embedded host: JWT-shaped (header.payload.signature, base64url)
 * and signed with HMAC-SHA256 under the host's key. Only `HS256` is accepted, whatever a token's
 * header claims, and signatures compare in constant time.
 *
 * A token names its user by GUID; each request looks the user up again, so a user disabled
 * since the login is refused at once. Signing out revokes a token: its id is kept in the
 * directory until the token would have expired, and every request checks it.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock, DirectoryUserSummary, RunningUser, TokenProvider, UserDirectoryPort } from "../context";
import { SiqError } from "../errors";
import { ApiError } from "./api-error";

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
/** Longest token text looked at; anything longer is not ours. */
const MAX_TOKEN_LENGTH = 2048;

export interface TokenClaims {
  /** The user's GUID. */
  sub: string;
  /** The username at login (informational; the GUID decides). */
  name: string;
  /** Issued at and expiry, in seconds since the epoch. */
  iat: number;
  exp: number;
  jti: string;
  /**
   * "session" for the form pages' cookie: such a token is refused as a bearer token, so a cookie
   * that a browser also sends to other services on this host (cookies ignore ports) opens no API.
   */
  use?: "session";
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other header or none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = typeof header === "string" ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match?.[1];
}

/** Where signed-out tokens are kept (the embedded directory), so every host on it refuses them. */
export interface TokenRevocations {
  revokeToken(jti: string, expiresAtSeconds: number, nowSeconds: number): void;
  isTokenRevoked(jti: string): boolean;
}

/** What a token is for: the API (bearer tokens) or the form pages' session cookie. */
export type TokenUse = "api" | "session";

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Tokens whose signature was checked, kept with their claims (a host sees few callers, often). */
const MAX_VERIFIED = 1000;

export class HostTokens implements TokenProvider {
  readonly lifetimeSeconds: number;
  /**
   * Claims of tokens already found well-formed and signed by us, by the token's exact text:
   * the signature and the JSON are checked once per token, not once per request. Expiry and
   * the user (existing, enabled) are still checked on every request.
   */
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly key: Buffer,
    private readonly directory: UserDirectoryPort & TokenRevocations,
    private readonly clock: Pick<Clock, "now">,
    lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS,
  ) {
    if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1) {
      throw new SiqError("USAGE", `The token lifetime must be a whole number of seconds, at least 1 (got ${lifetimeSeconds}).`);
    }
    this.lifetimeSeconds = lifetimeSeconds;
  }

  /** Signs a token for a user of the directory. */
  issue(user: Pick<DirectoryUserSummary, "guid" | "username">, use: TokenUse = "api"): IssuedToken {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const claims: TokenClaims = { sub: user.guid, name: user.username, iat, exp: iat + this.lifetimeSeconds, jti: randomBytes(9).toString("base64url") };
    if (use === "session") claims.use = "session";
    const payload = base64url(JSON.stringify(claims));
    return { token: `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`, expiresAt: new Date(claims.exp * 1000) };
  }

  /** TokenProvider: the running user's token (for SmartIQ API and Send Access Token). */
  async tokenFor(user: RunningUser): Promise<string> {
    const found = this.directory.findUser(user.guid ?? user.username);
    if (!found) throw new SiqError("USER_NOT_FOUND", `No token can be issued for "${user.username}": the user is not in the directory.`);
    if (found.disabled) throw new SiqError("USER_DISABLED", `No token can be issued for "${found.username}": the account is disabled.`);
    return this.issue(found).token;
  }

  /**
   * The enabled user a token belongs to. Throws ApiError 401: TOKEN_INVALID (malformed, bad
   * signature, unknown user), TOKEN_EXPIRED, or ACCOUNT_DISABLED.
   */
  verify(token: string, use: TokenUse = "api"): DirectoryUserSummary {
    let claims = this.verified.get(token);
    if (claims === undefined) {
      claims = this.claims(token);
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, claims);
    }
    if ((claims.use ?? "api") !== use) {
      throw new ApiError(
        401,
        "TOKEN_INVALID",
        use === "api" ? "This token is a form pages' session, which the API does not take as a bearer token; log in (POST /api/v1/admin/login/forms)." : "The form pages' session is not valid; sign in at /login.",
      );
    }
    if (claims.exp <= Math.floor(this.clock.now().getTime() / 1000)) {
      throw new ApiError(401, "TOKEN_EXPIRED", `The token expired at ${new Date(claims.exp * 1000).toISOString()}; log in again (POST /api/v1/admin/login/forms).`);
    }
    if (this.directory.isTokenRevoked(claims.jti)) {
      throw new ApiError(401, "TOKEN_REVOKED", "The token was signed out; log in again (POST /api/v1/admin/login/forms).");
    }
    const user = this.directory.findUser(claims.sub);
    if (!user || user.guid !== claims.sub) throw new ApiError(401, "TOKEN_INVALID", "The token's user no longer exists; log in again.");
    if (user.disabled) throw new ApiError(401, "ACCOUNT_DISABLED", `The account "${user.username}" has been disabled since this token was issued; it can no longer call the API.`);
    return user;
  }

  /**
   * Signs a token out: from now on every request with it is refused (TOKEN_REVOKED), on this
   * host and on any other over the same directory. The token must be valid for `use`.
   */
  revoke(token: string, use: TokenUse = "api"): void {
    this.verify(token, use);
    const claims = this.verified.get(token) ?? this.claims(token);
    this.directory.revokeToken(claims.jti, claims.exp, Math.floor(this.clock.now().getTime() / 1000));
  }

  /** The claims of a token signed with our key (expiry not checked). */
  claims(token: string): TokenClaims {
    const invalid = () => new ApiError(401, "TOKEN_INVALID", "The bearer token is not a valid token of this host; log in again (POST /api/v1/admin/login/forms).");
    if (token.length > MAX_TOKEN_LENGTH) throw invalid();
    const parts = token.split(".");
    if (parts.length !== 3) throw invalid();
    const [header, payload, signature] = parts as [string, string, string];
    // Only our own header is accepted: no "alg" negotiation ("none", RS256 with our key as a public key, ...).
    if (header !== HEADER) throw invalid();
    const expected = Buffer.from(this.sign(`${header}.${payload}`), "base64url");
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      throw invalid();
    }
    const c = claims as Partial<TokenClaims> | null;
    if (!c || typeof c.sub !== "string" || typeof c.exp !== "number" || typeof c.iat !== "number" || typeof c.name !== "string") throw invalid();
    return c as TokenClaims;
  }

  /**
   * A value only this host can compute from a token, for one purpose: the form pages' CSRF
   * token is `bound("csrf", sessionToken)`, so it needs no storage and dies with the token.
   */
  bound(purpose: string, token: string): string {
    return this.sign(`${purpose}\u0000${token}`);
  }

  private sign(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
