/**
 * One tab's address and everything attached to it. The record outlives the
 * tab's socket by the grace period, so a reload keeps the address, the links
 * native nodes opened to it, and the links it opened.
 */
import type { Duplex } from "node:stream";
import { WebSocket } from "ws";
import type { RelayContext } from "./context.ts";
import type { RelayEvent } from "./envelope.ts";
import type { InboundLink, OutboundLink } from "./links.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import { batchWrites } from "./write-batch.ts";

export class Tab {
  /** null while the tab is away (between a disconnect and a resume or the end of grace). */
  socket: WebSocket | null = null;
  /** The TCP socket under `socket`, whose writes are batched per turn. */
  stream: Duplex | null = null;
  graceTimer: NodeJS.Timeout | null = null;
  readonly inbound = new Map<number, InboundLink>();
  readonly outbound = new Map<string, OutboundLink>();
  /** The peers the relay told this tab of (discovery.ts): it hears when they leave. */
  readonly told = new Set<string>();
  private lastLinkId = 0;

  constructor(
    private readonly ctx: RelayContext,
    readonly id: string,
    readonly address: string,
    readonly resume: string,
    public ip: string,
  ) {}

  nextLinkId(): number {
    return ++this.lastLinkId;
  }

  private openSocket(): WebSocket | null {
    const s = this.socket;
    return s !== null && s.readyState === WebSocket.OPEN ? s : null;
  }

  /**
   * Control events are never dropped silently: a tab too slow to take one is
   * disconnected, and its resume brings a welcome with the whole state again.
   * While the tab is away they are skipped for the same reason.
   */
  event(e: RelayEvent): void {
    this.eventText(JSON.stringify(e));
  }

  /**
   * An event serialised already (the same text for many tabs). Events count in
   * the relay's budget but are not dropped for it: while the budget is spent,
   * a tab holding more than its share of it unsent loses its socket instead
   * (4009), and one that reads is never the one cut.
   */
  eventText(text: string): void {
    const s = this.openSocket();
    if (s === null) return;
    const bytes = Buffer.byteLength(text);
    const cut = this.eventRefusal(s, bytes);
    if (cut !== null) {
      this.ctx.counters.closed(cut);
      closeWith(s, cut);
      return;
    }
    this.ctx.held.take(bytes);
    s.send(text, this.ctx.held.releaser(bytes));
  }

  /** Why an event cannot go out on this socket: over its own cap, or over its share of a spent relay budget. */
  private eventRefusal(s: WebSocket, bytes: number): RelayReason | null {
    const unsent = s.bufferedAmount;
    if (unsent > this.ctx.options.limits.maxBufferedBytes) return RelayReason.Backpressure;
    if (!this.ctx.held.fits(bytes) && unsent > this.ctx.held.shareBytes) return RelayReason.RelayMemory;
    return null;
  }

  /** A frame from one of the tab's inbound links; dropped (and counted) if the tab is away or not reading, or the relay's budget is spent. */
  deliver(link: InboundLink, frame: Buffer): void {
    const s = this.openSocket();
    if (s === null) return this.ctx.counters.dropped(RelayReason.TabAway);
    if (s.bufferedAmount > this.ctx.options.limits.maxBufferedBytes) return this.ctx.counters.dropped(RelayReason.Backpressure);
    const bytes = link.header.length + frame.length;
    if (!this.ctx.held.admit(bytes)) return this.ctx.counters.dropped(RelayReason.RelayMemory);
    if (this.stream !== null) batchWrites(this.stream);
    // One copy, no parse: the header built for the link, then the frame's bytes.
    s.send(Buffer.concat([link.header, frame], bytes), { binary: false }, this.ctx.held.releaser(bytes));
    this.ctx.counters.forwarded(frame.length);
  }

  /** Ends every link, as when the address is released or the relay stops. */
  closeLinks(reason: RelayReason): void {
    for (const link of [...this.inbound.values()]) link.close(reason);
    for (const link of [...this.outbound.values()]) link.close(reason);
  }
}
