/** The embedded host (`siq serve`): see start-host.ts. */
export { startHost, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_PIPELINES_DIR, type Host, type HostOptions } from "./start-host";
export { HostTokens, DEFAULT_TOKEN_LIFETIME_SECONDS, type IssuedToken, type TokenClaims } from "./host-tokens";
export { EgressPolicy, parseAllowHosts, type AllowedHost, type EgressOptions, type Resolver } from "./egress";
export { isNonPublicAddress, nonPublicReason } from "./private-address";
export { HOST_URL_PLACEHOLDER, HOST_URL_VARIABLE, withHostUrl } from "./host-url";
export { LoginThrottle, type LoginThrottleOptions, type ThrottleRule } from "./login-throttle";
export { loadSigningKey, SIGNING_KEY_FILE } from "./signing-key";
export type { RequestLogEntry } from "./request-records";
export type { InboxMessage } from "./inbox";
