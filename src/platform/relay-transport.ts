/**
 * A tab's transport: one WebSocket to the relay's /tab endpoint, carrying the
 * relay's envelope (docs/relay.md). The relay gives the tab a dialable address;
 * links others open to that address arrive as inbound links, and frames the
 * node sends on an outbound link are written by the relay on a connection it
 * keeps to the target. If the relay connection drops, the transport reconnects
 * with backoff and its resume token; links the relay kept through the grace
 * period carry on unseen by the node, the others close.
 */
import type { RelayPeer } from "../node/relay-peers.ts";
import type { Link, LinkHandler, Transport } from "../node/transport.ts";
import { decodeRelayMessage, encodeTabMessage, type PeerInfo, type TabHeader, type Welcome } from "../protocol/relay-envelope.ts";

export type { RelayPeer } from "../node/relay-peers.ts";
export type RelayState = "connecting" | "connected" | "reconnecting" | "down";

/**
 * A handler of events that carry at least `E`. Written as a method so it is
 * compared both ways: the browser's WebSocket and ws's declare handlers of
 * their own, richer event types.
 */
type Handler<E> = { handle(e: E): void }["handle"];

/** The part of a WebSocket the transport uses: the browser's, or a Node client's (ws) in tests. */
export interface TabSocket {
  onmessage: Handler<{ readonly data: unknown }> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  readonly readyState: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}
export type TabSocketFactory = (url: string) => TabSocket;

/** WebSocket.OPEN, the same in every implementation. */
const OPEN = 1;

export interface RelayTransportEvents {
  state(state: RelayState, detail: { attempt: number; retryInMs: number | null; reason: string | null }): void;
  /** The relay admitted this tab: its dialable address and the peers the relay knows. */
  welcome(address: string, resume: string, peers: readonly RelayPeer[], resumed: boolean): void;
  peerJoin(peer: RelayPeer): void;
  peerLeave(peer: RelayPeer): void;
  /** Links to these addresses the relay kept through a reload, which this (new) node never dialed: worth dialing again. */
  kept?(addresses: readonly string[]): void;
}

const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

let nextLinkId = 1;

/** A link, and what the relay told of its far end (whether it showed Tabnode's upgrade header). */
interface RelayedLink {
  readonly link: Link;
  tabnode: boolean | null;
}

export class RelayTransport implements Transport {
  private socket: TabSocket | null = null;
  private readonly inbound = new Map<number, Link>();
  private readonly outbound = new Map<string, RelayedLink>();
  /** Links the relay kept through a reload that this node has not dialed again, and whether each showed Tabnode's header. */
  private readonly kept = new Map<string, boolean>();
  private attempt = 0;
  private closedByUs = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private resume: string | null;

  constructor(
    private readonly relayUrl: string,
    resume: string | null,
    private readonly handler: LinkHandler,
    private readonly events: RelayTransportEvents,
    private readonly connectSocket: TabSocketFactory = (url) => new WebSocket(url),
  ) {
    this.resume = resume;
    this.open();
  }

  private open(): void {
    // Relative to the relay's base, so a relay behind a proxy's path prefix (https://host/relay-a/) is reached there.
    const url = new URL("tab", this.relayUrl.replace(/^http/, "ws").replace(/\/*$/, "/"));
    if (this.resume !== null) url.searchParams.set("resume", this.resume);
    this.events.state(this.attempt === 0 ? "connecting" : "reconnecting", { attempt: this.attempt, retryInMs: null, reason: null });
    const socket = this.connectSocket(url.href);
    this.socket = socket;
    socket.onmessage = (e) => this.receive(typeof e.data === "string" ? e.data : "");
    socket.onclose = (e) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closedByUs) return;
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
      this.attempt++;
      const reason = e.reason || `closed (${e.code})`;
      this.events.state(this.attempt > 3 ? "down" : "reconnecting", { attempt: this.attempt, retryInMs: delay, reason });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (!this.closedByUs) this.open();
      }, delay);
    };
  }

  /** The person asked to retry: open the relay connection now instead of when the backoff ends (a no-op while open or opening). */
  retryNow(): void {
    if (this.retryTimer === null || this.closedByUs) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  private receive(text: string): void {
    // Checked against the envelope's schema: what fails it (a relay of another version) is dropped, not guessed at.
    const decoded = decodeRelayMessage(text);
    if (!decoded.ok) return;
    const event = decoded.message;
    switch (event.t) {
      case "frame": {
        const link = this.inbound.get(event.link);
        if (link !== undefined && decoded.frame !== null) this.handler.message(link, decoded.frame);
        return;
      }
      case "welcome":
        return this.onWelcome(event);
      case "peers":
        // Batched by the relay (at most every 100 ms); a join may name a peer the welcome listed.
        for (const p of event.leave) this.events.peerLeave(p);
        for (const p of event.join) this.events.peerJoin(p);
        return;
      case "inbound-open":
        return this.openInbound(event.link, event.tabnode);
      case "inbound-close": {
        const link = this.inbound.get(event.link);
        this.inbound.delete(event.link);
        if (link !== undefined) this.handler.closed(link, event.reason);
        return;
      }
      case "link-open": {
        // What answered the relay's dial: a Tabnode node (or tab) shows the header, a tutorial node does not.
        const relayed = this.outbound.get(event.to);
        if (relayed === undefined) return;
        relayed.tabnode = event.tabnode;
        return this.handler.shown?.(relayed.link);
      }
      case "link-close":
        // The close code first, as a socket's close gives it: 1013 (try again later) tells the node to back off.
        return this.closeOutbound(event.to, `${event.code === undefined ? "" : `${event.code} `}${event.reason}`);
      case "link-fail":
        return this.closeOutbound(event.to, `${event.reason}${event.detail ? `: ${event.detail}` : ""}`);
      case "error":
        if (event.to !== undefined) this.closeOutbound(event.to, `${event.reason}: ${event.detail}`);
        return;
    }
  }

  private onWelcome(w: Welcome): void {
    this.attempt = 0;
    this.resume = w.resume;
    // Links the relay kept through our absence carry on; the rest are gone.
    const keptIn = new Set(w.resumed ? w.inbound : []);
    for (const [id, link] of [...this.inbound]) {
      if (keptIn.has(id)) continue;
      this.inbound.delete(id);
      this.handler.closed(link, "relay connection lost");
    }
    const keptOut = new Set(w.resumed ? w.outbound : []);
    for (const [to] of [...this.outbound]) if (!keptOut.has(to)) this.closeOutbound(to, "relay connection lost");
    const unknownKept = [...keptOut].filter((to) => !this.outbound.has(to));
    const tabnodeOut = new Set(Array.isArray(w.tabnodeOutbound) ? w.tabnodeOutbound : []);
    this.kept.clear();
    for (const to of unknownKept) this.kept.set(to, tabnodeOut.has(to));
    // A link kept through a reconnect whose far end this tab no longer knows: the relay says only that it is there.
    // (An older relay does not say which showed Tabnode's header: then not known.)
    const tabnodeIn = Array.isArray(w.tabnodeInbound) ? new Set(w.tabnodeInbound) : null;
    for (const id of w.inbound) if (!this.inbound.has(id)) this.openInbound(id, tabnodeIn === null ? null : tabnodeIn.has(id));
    this.events.state("connected", { attempt: 0, retryInMs: null, reason: null });
    this.events.welcome(w.address, w.resume, w.peers, w.resumed);
    if (unknownKept.length > 0) this.events.kept?.(unknownKept);
  }

  private openInbound(id: number, tabnode: boolean | null): void {
    const link: Link = { id: nextLinkId++, direction: "in", remote: `relay link ${id}`, remoteHost: null, tabnode, send: () => {}, close: () => this.sendHeader({ t: "drop", link: id }) };
    this.inbound.set(id, link);
    this.handler.opened(link);
  }

  private closeOutbound(to: string, why: string): void {
    const relayed = this.outbound.get(to);
    if (relayed === undefined) return;
    this.outbound.delete(to);
    this.handler.closed(relayed.link, why);
  }

  private sendHeader(header: TabHeader, frame?: string): void {
    const s = this.socket;
    if (s === null || s.readyState !== OPEN) return;
    s.send(encodeTabMessage(header, frame));
  }

  /**
   * The relay opens the connection on the first frame sent to an address, and
   * queues it until then; so an outbound link is ready to send on at once.
   */
  dial(address: string): Link {
    const link: Link = {
      id: nextLinkId++,
      direction: "out",
      remote: address,
      remoteHost: null,
      get tabnode() {
        return relayed.tabnode;
      },
      send: (text) => this.sendHeader({ t: "send", to: address }, text),
      close: () => {
        this.sendHeader({ t: "close", to: address });
        this.closeOutbound(address, "closed by this node");
      },
    };
    // A link the relay kept open through a reload answers no new dial: what it showed then is what it is.
    const relayed: RelayedLink = { link, tabnode: this.kept.get(address) ?? null };
    this.kept.delete(address);
    this.outbound.set(address, relayed);
    queueMicrotask(() => {
      if (this.outbound.get(address) === relayed) this.handler.opened(link);
    });
    return link;
  }

  async close(): Promise<void> {
    this.closedByUs = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.close(1000, "bye");
  }
}
