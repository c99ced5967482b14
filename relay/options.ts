/**
 * What a relay can be told, and the defaults that make it safe to run in
 * public. docs/relay.md has the same table, with the environment names.
 */
import { fileURLToPath } from "node:url";
import type { ApiHost } from "../src/cli/api-access.ts";
import { DEFAULT_DIAL_POLICY, type DialPolicy } from "../src/protocol/dial-rule.ts";

export interface RelayLimits {
  /** Largest frame carried, either way (PROTOCOL.md: 1 MiB is plenty for one block). */
  readonly maxFrameBytes: number;
  /** Messages per second per connection (token bucket, one second of burst). */
  readonly framesPerSecond: number;
  /** Bytes per second per connection (burst: one second, at least one largest frame). */
  readonly bytesPerSecond: number;
  readonly maxTabs: number;
  readonly maxTabsPerIp: number;
  /** Outbound links (to natives or tabs) one tab may hold open. */
  readonly maxLinksPerTab: number;
  /** Connections to one tab's address. */
  readonly maxInboundPerTab: number;
  /** A socket that has not answered the previous ping by the next one is dropped. */
  readonly heartbeatMs: number;
  /** Cap on a socket's unsent bytes; past it frames are dropped (tab sockets: control events close it). */
  readonly maxBufferedBytes: number;
  /** Cap on the unsent and queued bytes of all sockets together (held-bytes.ts); past it frames are dropped. */
  readonly maxTotalBufferedBytes: number;
  /** How long a disconnected tab keeps its address for a resume. */
  readonly graceMs: number;
  /** A dial that has not opened by then fails; every failure is reported to the tab only then (native-link.ts). */
  readonly dialTimeoutMs: number;
}

export interface RelayOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Base of the tab addresses, for a relay behind a proxy (`https://` becomes `wss://`). Default: ws://host:port. */
  readonly publicUrl: string | null;
  /** Native node addresses advertised to every tab. */
  readonly peers: readonly string[];
  /** The home node, advertised with kind "home". */
  readonly homeNode: string | null;
  /** The built page; a placeholder is served while it is missing. */
  readonly staticDir: string;
  /** Count tabs per IP by the last X-Forwarded-For entry (only behind a proxy you run). */
  readonly trustProxy: boolean;
  readonly limits: RelayLimits;
  readonly dial: DialPolicy;
  /** Other relays (their http(s):// base URLs), whose peers this relay's tabs are told of (relay/neighbours.ts). */
  readonly relays: readonly string[];
  /** How often each of them is asked for its peers. */
  readonly relaysPollMs: number;
  /** Where the operator's token is written (`.cookie`, 0600) at each start; null: kept in memory only (RelayHandle.operatorToken). */
  readonly dataDir: string | null;
  /** Host names the operator endpoints (GET /metrics) answer besides loopback and the public URL's host. */
  readonly apiHosts: readonly ApiHost[];
  /** A fixed operator token accepted besides the cookie's (for a scraper on another machine). */
  readonly apiToken: string | null;
}

export type RelayConfig = Partial<Omit<RelayOptions, "limits" | "dial">> & {
  readonly limits?: Partial<RelayLimits>;
  readonly dial?: Partial<DialPolicy>;
};

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: RelayLimits = {
  maxFrameBytes: MiB,
  // A chain sync is one frame per block, sent back to back: the budgets leave
  // room for a few thousand blocks a second from one peer.
  framesPerSecond: 2000,
  bytesPerSecond: 8 * MiB,
  maxTabs: 2000,
  maxTabsPerIp: 20,
  maxLinksPerTab: 32,
  maxInboundPerTab: 64,
  heartbeatMs: 30_000,
  maxBufferedBytes: 4 * MiB,
  // Enough for 64 sockets backed up to their own cap, or 256 blocks of 1 MiB
  // in flight at once; honest traffic holds a few hundred KiB (frames leave
  // within the turn). With the relay's own ~50 MB for 2,000 tabs and garbage
  // not yet collected, it keeps the process well inside 1 GiB.
  maxTotalBufferedBytes: 256 * MiB,
  graceMs: 30_000,
  dialTimeoutMs: 10_000,
};

export const DEFAULT_OPTIONS: RelayOptions = {
  host: "127.0.0.1",
  port: 8080,
  publicUrl: null,
  peers: [],
  homeNode: null,
  staticDir: fileURLToPath(new URL("../dist", import.meta.url)),
  trustProxy: false,
  limits: DEFAULT_LIMITS,
  dial: DEFAULT_DIAL_POLICY,
  relays: [],
  relaysPollMs: 10_000,
  dataDir: null,
  apiHosts: [],
  apiToken: null,
};

export function resolveOptions(config: RelayConfig = {}): RelayOptions {
  return {
    ...DEFAULT_OPTIONS,
    ...config,
    limits: { ...DEFAULT_LIMITS, ...config.limits },
    dial: { ...DEFAULT_DIAL_POLICY, ...config.dial },
  };
}

/** The ws:// base that tab addresses hang off, from the public URL or the bound port. */
export function publicBase(options: RelayOptions, boundPort: number): string {
  if (options.publicUrl === null) {
    const host = options.host.includes(":") ? `[${options.host}]` : options.host === "0.0.0.0" ? "127.0.0.1" : options.host;
    return `ws://${host}:${boundPort}`;
  }
  const url = new URL(options.publicUrl);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  return url.href.replace(/\/+$/, "");
}
