/** The relay's public surface, for `npm start`, tests and the benchmark. */
export { startRelay, type RelayHandle } from "./server.ts";
export { resolveOptions, DEFAULT_LIMITS, DEFAULT_OPTIONS, type RelayConfig, type RelayLimits, type RelayOptions } from "./options.ts";
export { configFromEnv, LIMIT_ENV, DIAL_ENV } from "./env.ts";
export { checkDialAddress, checkHost, DEFAULT_DIAL_POLICY, type DialPolicy } from "../src/protocol/dial-rule.ts";
export { classifyHost, type HostClass } from "../src/protocol/ip-range.ts";
export { RelayReason, CloseCode } from "./reasons.ts";
export type { RelayEvent, TabMessage, PeerInfo, PeerKind } from "./envelope.ts";
export type { RelayStats } from "./snapshot.ts";
