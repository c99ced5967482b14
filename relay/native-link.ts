/**
 * A connection the relay opened for a tab, to an address outside the relay.
 * It carries the tab's frames one way, as the tab's own connection would:
 * JeChain nodes send only on connections they opened, so nothing is expected
 * back on it.
 */
import { WebSocket } from "ws";
import type { RelayContext } from "./context.ts";
import type { RefusedLookupError } from "../src/platform/dial-lookup.ts";
import type { OutboundLink } from "./links.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import type { Tab } from "./tab.ts";

/** Nothing should come back on an outbound link; what does is dropped, so a small cap is enough. */
const MAX_INBOUND_ON_OUTBOUND = 64 * 1024;

export class NativeLink implements OutboundLink {
  readonly kind = "native";
  open = false;
  private readonly socket: WebSocket;
  /** Frames sent before the handshake completes, bounded like a socket's buffer. */
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  /** Why the relay ended the link; stays RemoteClosed when the other end (or the network) did. */
  private ending: RelayReason = RelayReason.RemoteClosed;
  private failure: { reason: RelayReason; detail: string } | null = null;

  constructor(
    private readonly ctx: RelayContext,
    private readonly tab: Tab,
    readonly to: string,
    url: URL,
  ) {
    this.socket = new WebSocket(url, {
      perMessageDeflate: false,
      followRedirects: false, // a redirect would dodge the dial rule
      maxPayload: MAX_INBOUND_ON_OUTBOUND,
      handshakeTimeout: ctx.options.limits.dialTimeoutMs,
      lookup: ctx.lookup,
    });
    this.socket.on("open", () => this.opened());
    this.socket.on("message", () => ctx.counters.dropped(RelayReason.UnexpectedFrame));
    this.socket.on("error", (err: Error) => {
      this.failure ??= { reason: (err as Partial<RefusedLookupError>).reason ?? RelayReason.DialFailed, detail: err.message };
    });
    this.socket.once("close", (code: number) => this.closed(code));
  }

  private opened(): void {
    this.open = true;
    this.ctx.heartbeat.track(this.socket, () => {
      this.ending = RelayReason.HeartbeatTimeout;
      this.ctx.counters.closed(RelayReason.HeartbeatTimeout);
    });
    this.tab.event({ t: "link-open", to: this.to });
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const frame of queued) this.send(frame);
  }

  send(frame: Buffer): void {
    const limit = this.ctx.options.limits.maxBufferedBytes;
    const buffered = this.open ? this.socket.bufferedAmount : this.queuedBytes;
    if (buffered + frame.length > limit) {
      this.ctx.counters.dropped(RelayReason.Backpressure);
      this.tab.event({ t: "error", reason: RelayReason.Backpressure, detail: `${buffered} bytes not yet sent to ${this.to}`, to: this.to });
      return;
    }
    if (!this.open) {
      this.queue.push(frame);
      this.queuedBytes += frame.length;
      return;
    }
    this.socket.send(frame, { binary: false });
    this.ctx.counters.forwarded(frame.length);
  }

  close(reason: RelayReason): void {
    this.ending = reason;
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else closeWith(this.socket, reason);
  }

  private closed(code: number): void {
    if (this.tab.outbound.get(this.to) === this) this.tab.outbound.delete(this.to);
    for (let i = 0; i < this.queue.length; i++) this.ctx.counters.dropped(this.failure?.reason ?? this.ending);
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen || this.ending !== RelayReason.RemoteClosed) {
      this.tab.event({ t: "link-close", to: this.to, reason: this.ending, code });
      return;
    }
    const failure = this.failure ?? { reason: RelayReason.DialFailed, detail: `closed with ${code} before opening` };
    this.ctx.counters.refused(failure.reason);
    this.tab.event({ t: "link-fail", to: this.to, ...failure });
  }
}
