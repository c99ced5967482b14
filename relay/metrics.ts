/**
 * The relay's GET /metrics (Prometheus text format): the same live counts and
 * counters as GET /api/relay, plus the process's own (CPU, memory, event-loop
 * lag, file descriptors). Read when scraped, so forwarding pays nothing for
 * them. docs/relay.md "Metrics" lists every name.
 */
import type { Registry } from "prom-client";
import { byReason, newRegistry, readCounter, readGauge } from "../src/platform/metrics-registry.ts";
import type { NeighbourState } from "./neighbours.ts";
import { RelayReason } from "./reasons.ts";
import type { RelayStats } from "./snapshot.ts";

export function relayMetrics(stats: () => RelayStats, neighbours: () => readonly NeighbourState[]): Registry {
  const r = newRegistry();
  // One snapshot serves every metric of a scrape (the tab records are walked
  // once); it is forgotten at the end of the turn, so no scrape reads an old one.
  let taken: RelayStats | null = null;
  const now = () => {
    if (taken === null) {
      taken = stats();
      setImmediate(() => (taken = null));
    }
    return taken;
  };
  readGauge(r, {
    name: "tabnode_relay_tabs",
    help: "Tabs holding an address: connected, or away (disconnected, address held for the grace period).",
    labelNames: ["state"],
    read: () => [
      [{ state: "connected" }, now().tabs.connected],
      [{ state: "away" }, now().tabs.away],
    ],
  });
  readGauge(r, {
    name: "tabnode_relay_links",
    help: "Links: inbound (dialed to tab addresses from outside), outbound (dialed by the relay for tabs), tab_to_tab (in process).",
    labelNames: ["kind"],
    read: () => {
      const l = now().links;
      return [
        [{ kind: "inbound" }, l.inbound],
        [{ kind: "outbound" }, l.outbound],
        [{ kind: "tab_to_tab" }, l.tabToTab],
      ];
    },
  });
  readCounter(r, { name: "tabnode_relay_frames_forwarded_total", help: "Frames written to their destination (a tab or a native node).", read: () => now().framesForwarded });
  readCounter(r, { name: "tabnode_relay_bytes_forwarded_total", help: "Bytes of the frames forwarded, envelope headers not counted.", read: () => now().bytesForwarded });
  readCounter(r, { name: "tabnode_relay_frames_dropped_total", help: "Frames and tab messages that did not reach their destination, by reason code.", labelNames: ["reason"], read: () => byReason(now().framesDropped) });
  readCounter(r, { name: "tabnode_relay_connections_closed_total", help: "Connections the relay closed or refused, by reason code.", labelNames: ["reason"], read: () => byReason(now().connectionsClosed) });
  readCounter(r, { name: "tabnode_relay_links_refused_total", help: "Sends to an address the relay would not or could not dial, by reason code.", labelNames: ["reason"], read: () => byReason(now().linksRefused) });
  readCounter(r, {
    name: "tabnode_relay_dials_total",
    help: "Dials the relay made for tabs, by result: opened, failed (dial-failed, reported at the dial timeout), self (dial-self).",
    labelNames: ["result"],
    read: () => {
      const s = now();
      return [
        [{ result: "opened" }, s.dialsOpened],
        [{ result: "failed" }, s.linksRefused[RelayReason.DialFailed] ?? 0],
        [{ result: "self" }, s.linksRefused[RelayReason.DialSelf] ?? 0],
      ];
    },
  });
  readGauge(r, { name: "tabnode_relay_held_bytes", help: "Bytes held for forwarding now (queued on dialing links, unsent on any socket).", read: () => now().buffered.bytes });
  readGauge(r, { name: "tabnode_relay_held_bytes_peak", help: "The most bytes ever held for forwarding at once.", read: () => now().buffered.peakBytes });
  readGauge(r, { name: "tabnode_relay_held_bytes_limit", help: "maxTotalBufferedBytes: past it frames are dropped (relay-memory).", read: () => now().buffered.limitBytes });
  readGauge(r, {
    name: "tabnode_relay_neighbour_peers",
    help: "Peers each other relay (RELAYS) serves, as last heard.",
    labelNames: ["relay"],
    read: () => neighbours().map((n) => [{ relay: n.url }, n.peers] as const),
  });
  readGauge(r, {
    name: "tabnode_relay_neighbour_up",
    help: "1 when the last poll of that relay got its peer list.",
    labelNames: ["relay"],
    read: () => neighbours().map((n) => [{ relay: n.url }, n.up ? 1 : 0] as const),
  });
  return r;
}
