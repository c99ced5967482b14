/**
 * The relay's settings from environment variables (relay/main.ts), as a pure
 * function of the environment so a typo is a clear refusal, not a silent
 * default. docs/relay.md lists every name.
 */
import { parseApiHostList, parseApiToken } from "../src/cli/api-access.ts";
import type { DialPolicy } from "../src/protocol/dial-rule.ts";
import type { RelayConfig, RelayLimits } from "./options.ts";

export const LIMIT_ENV: Readonly<Record<keyof RelayLimits, string>> = {
  maxFrameBytes: "RELAY_MAX_FRAME_BYTES",
  framesPerSecond: "RELAY_FRAMES_PER_SECOND",
  bytesPerSecond: "RELAY_BYTES_PER_SECOND",
  maxTabs: "RELAY_MAX_TABS",
  maxTabsPerIp: "RELAY_MAX_TABS_PER_IP",
  maxLinksPerTab: "RELAY_MAX_LINKS_PER_TAB",
  maxInboundPerTab: "RELAY_MAX_INBOUND_PER_TAB",
  heartbeatMs: "RELAY_HEARTBEAT_MS",
  maxBufferedBytes: "RELAY_MAX_BUFFERED_BYTES",
  maxTotalBufferedBytes: "RELAY_MAX_TOTAL_BUFFERED_BYTES",
  graceMs: "RELAY_GRACE_MS",
  dialTimeoutMs: "RELAY_DIAL_TIMEOUT_MS",
};

export const DIAL_ENV: Readonly<Record<keyof DialPolicy, string>> = {
  allowLoopback: "RELAY_ALLOW_LOOPBACK",
  allowPrivate: "RELAY_ALLOW_PRIVATE",
  allowLinkLocal: "RELAY_ALLOW_LINK_LOCAL",
};

export type EnvResult = { readonly ok: true; readonly config: RelayConfig } | { readonly ok: false; readonly errors: readonly string[] };
type Env = Readonly<Record<string, string | undefined>>;

const BOOLEANS: Readonly<Record<string, boolean>> = { "1": true, true: true, yes: true, "0": false, false: false, no: false };

export function configFromEnv(env: Env): EnvResult {
  const errors: string[] = [];
  const given = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const integer = (name: string, min: number) => {
    const raw = given(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (/^\d+$/.test(raw) && Number.isSafeInteger(n) && n >= min) return n;
    errors.push(`${name}=${raw}: expected a whole number of at least ${min}`);
    return undefined;
  };
  const flag = (name: string) => {
    const raw = given(name);
    if (raw === undefined) return undefined;
    const b = BOOLEANS[raw.toLowerCase()];
    if (b === undefined) errors.push(`${name}=${raw}: expected 1/0, true/false or yes/no`);
    return b;
  };
  const wsAddress = (name: string, text: string) => {
    if (/^wss?:\/\/[^\s,]+$/.test(text) && URL.canParse(text)) return text;
    errors.push(`${name}: ${JSON.stringify(text)} is not a ws:// or wss:// address`);
    return undefined;
  };

  const limits: Partial<Record<keyof RelayLimits, number>> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV) as [keyof RelayLimits, string][]) {
    const n = integer(name, 1);
    if (n !== undefined) limits[key] = n;
  }
  const dial: Partial<Record<keyof DialPolicy, boolean>> = {};
  for (const [key, name] of Object.entries(DIAL_ENV) as [keyof DialPolicy, string][]) {
    const b = flag(name);
    if (b !== undefined) dial[key] = b;
  }
  const peers = (given("PEERS") ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  const home = given("HOME_NODE");
  const publicUrl = given("PUBLIC_URL");
  if (publicUrl !== undefined && !/^(wss?|https?):\/\//.test(publicUrl)) errors.push(`PUBLIC_URL=${publicUrl}: expected ws://, wss://, http:// or https://`);
  const apiHosts = parseApiHostList(env.API_HOSTS);
  if (!apiHosts.ok) errors.push(apiHosts.error);
  const apiToken = parseApiToken(env.API_TOKEN);
  if (!apiToken.ok) errors.push(apiToken.error);
  const port = integer("PORT", 0) ?? 8080;
  const relays = (given("RELAYS") ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  for (const r of relays) if (!/^(https?|wss?):\/\/[^\s,]+$/.test(r) || !URL.canParse(r)) errors.push(`RELAYS: ${JSON.stringify(r)} is not an http(s):// or ws(s):// URL`);
  const pollMs = integer("RELAYS_POLL_MS", 100);
  const config: RelayConfig = {
    port,
    host: given("HOST") ?? "127.0.0.1",
    publicUrl: publicUrl ?? null,
    peers: peers.map((p) => wsAddress("PEERS", p)).filter((p): p is string => p !== undefined),
    homeNode: home === undefined ? null : (wsAddress("HOME_NODE", home) ?? null),
    trustProxy: flag("TRUST_PROXY") ?? false,
    relays,
    ...(pollMs === undefined ? {} : { relaysPollMs: pollMs }),
    dataDir: given("DATA_DIR") ?? `data/relay-${port}`,
    apiHosts: apiHosts.ok ? apiHosts.hosts : [],
    apiToken: apiToken.ok ? apiToken.token : null,
    limits,
    dial,
    ...(given("STATIC_DIR") === undefined ? {} : { staticDir: given("STATIC_DIR") }),
  };
  return errors.length === 0 ? { ok: true, config } : { ok: false, errors };
}
