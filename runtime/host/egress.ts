/**
 * Egress rules for pipelines that the host runs (SPEC 8): a request may not reach a private,
 * loopback, link-local or unspecified address unless it goes to the host's own origin or to a
 * host listed in `--allow-hosts`. The rule is checked twice, because a URL's text can hide
 * where it leads:
 *
 * 1. on every hop, redirects included (`checkUrl`, given to the runtime as its `egress` hook):
 *    IP literals and `localhost` names are judged by their text;
 * 2. when connecting (`lookup`, given to the host's own undici Agent): every address a name
 *    resolves to is judged, so `internal.example.com` resolving to 10.0.0.5 is refused too, and
 *    the address checked is the address connected to (no second lookup to race).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { Agent, type Dispatcher } from "undici";
import { SiqError } from "../errors";
import { nonPublicReason } from "./private-address";

/** One `--allow-hosts` entry: a host name or IP address, with an optional port. */
export interface AllowedHost {
  host: string;
  port: number | undefined;
}

/** URLs kept as allowed by {@link EgressPolicy.checkUrl}; past it the list starts again. */
const MAX_ALLOWED_URLS = 1000;

/** Resolves a name to all its addresses (node:dns `lookup` with `all: true`; injectable for tests). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface EgressOptions {
  /** The host's own origin (`http://127.0.0.1:8080`): always allowed. */
  ownOrigin?: string | undefined;
  allowHosts?: readonly AllowedHost[];
  resolver?: Resolver;
}

const defaultResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * Parses `--allow-hosts`: comma- or space-separated `host`, `host:port`, `[ipv6]` or
 * `[ipv6]:port` entries. Names compare ignoring case.
 */
export function parseAllowHosts(list: string | readonly string[] | undefined): AllowedHost[] {
  const items = (typeof list === "string" ? [list] : (list ?? [])).flatMap((item) => item.split(/[\s,]+/)).filter((item) => item !== "");
  return items.map((item) => {
    let url: URL;
    try {
      url = new URL(`http://${item}`);
    } catch {
      url = new URL("http://invalid.invalid");
    }
    if (url.hostname === "invalid.invalid" || url.pathname !== "/" || url.search !== "" || url.username !== "" || item.includes("/")) {
      throw new SiqError("USAGE", `--allow-hosts entry "${item}" is not a host name or IP address with an optional :port (as in api.internal:8443 or 10.0.0.5).`);
    }
    return { host: bare(url.hostname), port: url.port === "" ? undefined : Number(url.port) };
  });
}

export class EgressPolicy {
  private readonly ownOrigin: string | undefined;
  private readonly allowed: readonly AllowedHost[];
  private readonly resolver: Resolver;

  constructor(options: EgressOptions = {}) {
    this.ownOrigin = options.ownOrigin === undefined ? undefined : new URL(options.ownOrigin).origin;
    this.allowed = options.allowHosts ?? [];
    this.resolver = options.resolver ?? defaultResolver;
  }

  /**
   * Refuses (EGRESS_DENIED) a URL whose host is a non-public IP literal or a `localhost` name,
   * unless it is the host's own origin or allowed. Names that need DNS pass here and are judged
   * by `lookup` when connecting.
   */
  checkUrl = (url: string): void => {
    // The answer depends on the URL alone: one already allowed is allowed again without parsing
    // it (a pipeline sends to the same few URLs run after run). Refusals are worked out each time.
    if (this.allowedUrls.has(url)) return;
    this.checkUncached(url);
    if (this.allowedUrls.size >= MAX_ALLOWED_URLS) this.allowedUrls.clear();
    this.allowedUrls.add(url);
  };

  private readonly allowedUrls = new Set<string>();

  private checkUncached(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return; // the request pipeline reports malformed URLs itself
    }
    if (this.ownOrigin !== undefined && parsed.origin === this.ownOrigin) return;
    const host = bare(parsed.hostname);
    const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
    if (this.isAllowed(host, port)) return;
    const reason = isIP(host) !== 0 ? nonPublicReason(host) : isLocalhostName(host) ? "loopback" : undefined;
    if (reason !== undefined) throw denied(`${parsed.protocol}//${parsed.host}`, host, reason);
  }

  /**
   * A `net.connect` lookup that resolves the name and refuses it when any address is not
   * public (unless the name is allowed). Node calls it with `all` set when it tries several
   * addresses (autoSelectFamily), and without it otherwise.
   */
  lookup = (hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void): void => {
    const host = bare(hostname);
    this.resolver(host).then(
      (found) => {
        const wanted = familyOf(options.family);
        const addresses = wanted === 0 ? found : found.filter((entry) => entry.family === wanted);
        if (addresses.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND", hostname: host });
          callback(error);
          return;
        }
        if (!this.isAllowedName(host)) {
          for (const entry of addresses) {
            const reason = nonPublicReason(entry.address);
            if (reason !== undefined) {
              callback(denied(host, `${host} (${entry.address})`, reason));
              return;
            }
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: unknown) => callback(error),
    );
  };

  /** An undici Agent whose connections go through `lookup`. */
  createDispatcher(options: { connectTimeoutMs?: number } = {}): Dispatcher {
    return new Agent({
      keepAliveTimeout: 4_000,
      connections: 32,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: options.connectTimeoutMs ?? 10_000, lookup: this.lookup as never },
    });
  }

  private isAllowed(host: string, port: number): boolean {
    return this.allowed.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));
  }

  /** At connect time the port is not known: a name listed with any port is allowed. */
  private isAllowedName(host: string): boolean {
    return this.allowed.some((entry) => entry.host === host);
  }
}

function denied(target: string, address: string, reason: string): SiqError {
  return new SiqError(
    "EGRESS_DENIED",
    `The host refused to send a request to ${target}: ${address} is a ${reason} address. Pipelines run by the host may reach only public addresses and the host itself; to allow this one, start the host with --allow-hosts ${target.replace(/^https?:\/\//, "")}.`,
    { retryable: false, details: { target, reason } },
  );
}

function bare(hostname: string): string {
  const host = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return host.toLowerCase().replace(/\.$/, "");
}

function isLocalhostName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

function familyOf(family: number | string | undefined): 0 | 4 | 6 {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}
