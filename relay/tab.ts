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

  /** An event serialised already (the same text for many tabs). */
  eventText(text: string): void {
    const s = this.openSocket();
    if (s === null) return;
    if (s.bufferedAmount > this.ctx.options.limits.maxBufferedBytes) {
      this.ctx.counters.closed(RelayReason.Backpressure);
      closeWith(s, RelayReason.Backpressure);
      return;
    }
    s.send(text);
  }

  /** A frame from one of the tab's inbound links; dropped (and counted) if the tab is away or not reading. */
  deliver(link: InboundLink, frame: Buffer): void {
    const s = this.openSocket();
    if (s === null) return this.ctx.counters.dropped(RelayReason.TabAway);
    if (s.bufferedAmount > this.ctx.options.limits.maxBufferedBytes) return this.ctx.counters.dropped(RelayReason.Backpressure);
    if (this.stream !== null) batchWrites(this.stream);
    // One copy, no parse: the header built for the link, then the frame's bytes.
    s.send(Buffer.concat([link.header, frame]), { binary: false });
    this.ctx.counters.forwarded(frame.length);
  }

  /** Ends every link, as when the address is released or the relay stops. */
  closeLinks(reason: RelayReason): void {
    for (const link of [...this.inbound.values()]) link.close(reason);
    for (const link of [...this.outbound.values()]) link.close(reason);
  }
}
