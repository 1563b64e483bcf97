/**
 * Slows down password guessing: failed logins are counted per username and per client address.
 * After a few free failures each further one locks that key for a doubling time (1 s, 2 s, 4 s,
 * ... up to 15 minutes); a login attempt on a locked key is refused with 429 and Retry-After
 * before any password is checked. Counts are forgotten 15 minutes after the last failure (and
 * never while a lock lasts). A successful login clears its username's count, not its address's,
 * so one valid account cannot reset the budget of an address guessing at others.
 *
 * State is in memory, bounded: the oldest keys are dropped first beyond `maxKeys`.
 */
import type { Clock } from "../context";
import { nameKey } from "../directory";

export interface ThrottleRule {
  /** Failures allowed before the first lock. */
  freeFailures: number;
  /** The first lock; each later failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** A key's failures are forgotten this long after the last one. */
  forgetAfterMs: number;
}

export interface LoginThrottleOptions {
  perUsername?: Partial<ThrottleRule>;
  perAddress?: Partial<ThrottleRule>;
  maxKeys?: number;
}

const MINUTE = 60_000;
export const DEFAULT_USERNAME_RULE: ThrottleRule = { freeFailures: 5, baseLockMs: 1000, maxLockMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE };
/** Higher, because many people may sign in from behind one address. */
export const DEFAULT_ADDRESS_RULE: ThrottleRule = { freeFailures: 20, baseLockMs: 1000, maxLockMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE };

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export interface Lockout {
  /** What is locked, for the message. */
  scope: "username" | "address";
  retryAfterMs: number;
}

export class LoginThrottle {
  private readonly users = new Map<string, Entry>();
  private readonly addresses = new Map<string, Entry>();
  private readonly userRule: ThrottleRule;
  private readonly addressRule: ThrottleRule;
  private readonly maxKeys: number;

  constructor(
    private readonly clock: Pick<Clock, "now">,
    options: LoginThrottleOptions = {},
  ) {
    this.userRule = { ...DEFAULT_USERNAME_RULE, ...options.perUsername };
    this.addressRule = { ...DEFAULT_ADDRESS_RULE, ...options.perAddress };
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** The longer of the two locks in force, or undefined when the attempt may go ahead. */
  check(username: string, address: string): Lockout | undefined {
    const now = this.clock.now().getTime();
    const user = this.current(this.users, nameKey(username), this.userRule, now);
    const addr = this.current(this.addresses, address, this.addressRule, now);
    const userWait = user ? user.lockedUntil - now : 0;
    const addrWait = addr ? addr.lockedUntil - now : 0;
    if (userWait <= 0 && addrWait <= 0) return undefined;
    return userWait >= addrWait ? { scope: "username", retryAfterMs: userWait } : { scope: "address", retryAfterMs: addrWait };
  }

  failed(username: string, address: string): void {
    const now = this.clock.now().getTime();
    this.count(this.users, nameKey(username), this.userRule, now);
    this.count(this.addresses, address, this.addressRule, now);
  }

  succeeded(username: string): void {
    this.users.delete(nameKey(username));
  }

  private current(map: Map<string, Entry>, key: string, rule: ThrottleRule, now: number): Entry | undefined {
    const entry = map.get(key);
    if (entry && now >= Math.max(entry.lastFailure + rule.forgetAfterMs, entry.lockedUntil)) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private count(map: Map<string, Entry>, key: string, rule: ThrottleRule, now: number): void {
    const entry = this.current(map, key, rule, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailure = now;
    const over = entry.failures - rule.freeFailures;
    if (over > 0) entry.lockedUntil = now + Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** Math.min(over - 1, 30));
    // Re-insert so the map's order is least recently failed first, then drop the oldest beyond the bound.
    map.delete(key);
    map.set(key, entry);
    while (map.size > this.maxKeys) map.delete(map.keys().next().value as string);
  }
}
