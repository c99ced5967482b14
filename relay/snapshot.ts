/**
 * The body of GET /api/relay: counts taken from the live tab records (so they
 * cannot drift from the truth) plus the running counters.
 */
import type { RelayContext } from "./context.ts";
import type { NeighbourState } from "./neighbours.ts";
import type { ReasonCounts } from "./stats.ts";
import type { Tab } from "./tab.ts";

export interface RelayStats {
  readonly uptimeSeconds: number;
  /** connected: with a socket; away: disconnected, address held for the grace period. */
  readonly tabs: { readonly connected: number; readonly away: number };
  /** inbound: sockets dialed to tab addresses; outbound: sockets the relay dialed for tabs; tabToTab: in-process links. */
  readonly links: { readonly inbound: number; readonly outbound: number; readonly tabToTab: number };
  readonly peers: { readonly home: string | null; readonly native: readonly string[] };
  /** The other relays this one is told of (RELAYS): how many, how many answered the last poll, the peers they serve (their URLs only in GET /metrics). */
  readonly relays: { readonly known: number; readonly up: number; readonly peers: number };
  readonly framesForwarded: number;
  readonly bytesForwarded: number;
  /** Links dialed for tabs that opened. */
  readonly dialsOpened: number;
  /** Bytes held for forwarding (queued on dialing links, unsent on any socket): now, the most ever, and the budget. */
  readonly buffered: { readonly bytes: number; readonly peakBytes: number; readonly limitBytes: number };
  readonly framesDropped: ReasonCounts;
  readonly connectionsClosed: ReasonCounts;
  readonly linksRefused: ReasonCounts;
}

export function snapshot(ctx: RelayContext, tabs: Iterable<Tab>, relays: readonly NeighbourState[], uptimeSeconds: number): RelayStats {
  let connected = 0;
  let away = 0;
  let inbound = 0;
  let outbound = 0;
  let tabToTab = 0;
  for (const tab of tabs) {
    if (tab.socket === null) away++;
    else connected++;
    for (const link of tab.inbound.values()) if (link.kind === "native") inbound++;
    for (const link of tab.outbound.values()) {
      if (link.kind === "native") outbound++;
      else tabToTab++;
    }
  }
  const { counters, options, held } = ctx;
  return {
    uptimeSeconds: Math.round(uptimeSeconds * 10) / 10,
    tabs: { connected, away },
    links: { inbound, outbound, tabToTab },
    peers: { home: options.homeNode, native: options.peers.filter((p) => p !== options.homeNode) },
    relays: { known: relays.length, up: relays.filter((r) => r.up).length, peers: relays.reduce((n, r) => n + r.peers, 0) },
    framesForwarded: counters.framesForwarded,
    bytesForwarded: counters.bytesForwarded,
    dialsOpened: counters.dialsOpened,
    buffered: { bytes: held.bytes, peakBytes: held.peakBytes, limitBytes: held.limitBytes },
    framesDropped: { ...counters.framesDropped },
    connectionsClosed: { ...counters.connectionsClosed },
    linksRefused: { ...counters.linksRefused },
  };
}
