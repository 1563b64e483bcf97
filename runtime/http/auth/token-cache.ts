/**
 * Tokens obtained from token endpoints (OAuth 2.0, SmartIQ login), cached per runtime until
 * shortly before they expire, with one request per key however many callers need the token at
 * once (single-flight).
 */
import { createHash } from "node:crypto";
import type { Clock } from "../../context";
import { systemClock } from "../../system-clock";

export interface FetchedToken {
  token: string;
  /** Lifetime from the token response (`expires_in`), when it gave one. */
  expiresInSeconds?: number | undefined;
}

export interface TokenCacheOptions {
  clock?: Clock;
  /**
   * Lifetime assumed for a token whose response gave no `expires_in` and that is not a JWT
   * with `exp` (default 5 minutes: short, so a token the server expires sooner is not kept long).
   */
  defaultLifetimeMs?: number;
  /** Refresh this long before expiry (default 60 s; at most half the token's lifetime). */
  refreshMarginMs?: number;
}

interface Entry {
  token: string;
  refreshAt: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly clock: Clock;
  private readonly defaultLifetimeMs: number;
  private readonly refreshMarginMs: number;

  constructor(options: TokenCacheOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.defaultLifetimeMs = options.defaultLifetimeMs ?? 300_000;
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
  }

  /**
   * The cached token for `key`, or a new one from `fetch`. Concurrent callers share one fetch;
   * a caller whose `signal` aborts stops waiting without cancelling the fetch for the others.
   * A failed fetch is not cached: the next caller tries again.
   */
  async get(key: readonly unknown[], fetch: () => Promise<FetchedToken>, signal?: AbortSignal): Promise<string> {
    const id = cacheKey(key);
    const cached = this.entries.get(id);
    if (cached !== undefined && this.clock.now().getTime() < cached.refreshAt) return cached.token;
    let flight = this.pending.get(id);
    if (flight === undefined) {
      flight = this.fetchEntry(id, fetch);
      this.pending.set(id, flight);
    }
    const entry = await abortable(flight, signal);
    return entry.token;
  }

  /** Forgets a token (for example after the service refused it). */
  invalidate(key: readonly unknown[]): void {
    this.entries.delete(cacheKey(key));
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private async fetchEntry(id: string, fetch: () => Promise<FetchedToken>): Promise<Entry> {
    try {
      const fetched = await fetch();
      const now = this.clock.now().getTime();
      const lifetime = lifetimeMs(fetched, now) ?? this.defaultLifetimeMs;
      const entry = { token: fetched.token, refreshAt: now + lifetime - Math.min(this.refreshMarginMs, lifetime / 2) };
      this.entries.set(id, entry);
      return entry;
    } finally {
      this.pending.delete(id);
    }
  }
}

/** Keys hold secrets (client secret, password), so only their hash is kept. */
function cacheKey(key: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

function lifetimeMs(fetched: FetchedToken, now: number): number | undefined {
  if (fetched.expiresInSeconds !== undefined && Number.isFinite(fetched.expiresInSeconds) && fetched.expiresInSeconds > 0) {
    return fetched.expiresInSeconds * 1000;
  }
  const exp = jwtExpiry(fetched.token);
  return exp === undefined ? undefined : Math.max(0, exp - now);
}

/** The `exp` of a JWT, in epoch milliseconds; undefined for any other token. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as unknown;
    const exp = payload !== null && typeof payload === "object" ? (payload as { exp?: unknown }).exp : undefined;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
