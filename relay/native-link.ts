/**
 * A connection the relay opened for a tab, to an address outside the relay.
 * It carries the tab's frames one way, as the tab's own connection would:
 * JeChain nodes send only on connections they opened, so nothing is expected
 * back on it.
 *
 * A dial that fails tells the tab nothing about the target (docs/relay.md,
 * "Failed dials"): whatever the target did (refused, reset, timed out, spoke
 * HTTP or TLS, redirected, closed), the tab hears `dial-failed` with one fixed
 * detail, and only when the dial timeout is up. Until then the link keeps its
 * slot and queues frames exactly as a link still dialing does, so neither the
 * time of the report, nor a freed slot, nor the absence of backpressure tells a
 * refused port from a filtered one. Without this, any web page could use the
 * relay to scan ports of hosts it can reach, its own loopback first.
 */
import { WebSocket } from "ws";
import { TABNODE_HEADER, TABNODE_HEADER_VALUE, showsTabnode } from "../src/protocol/dialect.ts";
import type { RelayContext } from "./context.ts";
import type { RefusedLookupError } from "../src/platform/dial-lookup.ts";
import type { RelayEvent } from "./envelope.ts";
import type { OutboundLink } from "./links.ts";
import { LOOP_MARK_HEADER } from "./loop-mark.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import { DIAL_SELF_DETAIL } from "./self-dial.ts";
import type { Tab } from "./tab.ts";

/** Nothing should come back on an outbound link; what does is dropped, so a small cap is enough. */
const MAX_INBOUND_ON_OUTBOUND = 64 * 1024;
/** ws reports a socket that never opened as closed abnormally; a link ended while its failure waits says the same. */
const NEVER_OPENED = 1006;

export const DIAL_FAILED_DETAIL = "the connection could not be made";

export interface DialFailure {
  readonly reason: RelayReason;
  readonly detail: string;
}

/**
 * What the tab hears about a dial that did not open. Only the relay's own
 * rule keeps its name (`dial-self`, decided before or without the target);
 * everything else, including a host name that resolves only into refused
 * ranges (the relay's resolver may know names the tab's does not: a cluster's
 * services, a split-horizon zone), is `dial-failed`.
 */
export function dialFailure(err: Error | null, looped: boolean): DialFailure {
  const refusedBy = (err as Partial<RefusedLookupError<RelayReason>> | null)?.reason;
  if (looped || refusedBy === RelayReason.DialSelf) return { reason: RelayReason.DialSelf, detail: DIAL_SELF_DETAIL };
  return { reason: RelayReason.DialFailed, detail: DIAL_FAILED_DETAIL };
}

export class NativeLink implements OutboundLink {
  readonly kind = "native";
  open = false;
  private readonly socket: WebSocket;
  private readonly startedAt: number;
  private readonly mark: string;
  /** A hard deadline, not ws's handshakeTimeout: that is an idle timer, which a target could keep alive by trickling bytes. */
  private readonly deadline: NodeJS.Timeout;
  /** Frames sent before the handshake completes, bounded like a socket's buffer (and counted in the relay's budget). */
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  /** Why the relay ended the link; stays RemoteClosed when the other end (or the network) did. */
  private ending: RelayReason = RelayReason.RemoteClosed;
  private error: Error | null = null;
  /** Whether what answered the dial showed Tabnode's header: a tutorial node does not, and is let be busy. */
  tabnode = false;
  /** Set while a failed dial waits for the end of the dial timeout to be reported. */
  private report: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: RelayContext,
    private readonly tab: Tab,
    readonly to: string,
    url: URL,
  ) {
    this.startedAt = ctx.now();
    this.mark = ctx.loopMarks.issue();
    try {
      this.socket = new WebSocket(url, {
        perMessageDeflate: false,
        followRedirects: false, // a redirect would dodge the dial rule
        maxPayload: MAX_INBOUND_ON_OUTBOUND,
        lookup: ctx.dial.lookupFor(url),
        // Tabnode's header says the tab behind this link is Tabnode (src/protocol/dialect.ts).
        headers: { [LOOP_MARK_HEADER]: this.mark, [TABNODE_HEADER]: TABNODE_HEADER_VALUE },
      });
    } catch (err) {
      ctx.loopMarks.settle(this.mark); // ws refused the URL (route.ts reports it); the mark is never used
      throw err;
    }
    this.deadline = setTimeout(() => {
      if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    }, ctx.options.limits.dialTimeoutMs);
    this.deadline.unref();
    this.socket.on("upgrade", (res) => {
      this.tabnode = showsTabnode(res.headers[TABNODE_HEADER]);
      // A tutorial node's silence to pings is kept; TCP keepalive notices its host gone.
      if (!this.tabnode) res.socket.setKeepAlive(true, ctx.heartbeat.intervalMs);
    });
    this.socket.on("open", () => this.opened());
    this.socket.on("message", () => ctx.counters.dropped(RelayReason.UnexpectedFrame));
    this.socket.on("error", (err: Error) => {
      this.error ??= err;
    });
    this.socket.once("close", (code: number) => this.closed(code));
  }

  private opened(): void {
    clearTimeout(this.deadline);
    this.ctx.loopMarks.settle(this.mark);
    this.open = true;
    this.ctx.counters.dialsOpened++;
    this.ctx.heartbeat.track(
      this.socket,
      () => {
        this.ending = RelayReason.HeartbeatTimeout;
        this.ctx.counters.closed(RelayReason.HeartbeatTimeout);
      },
      { patient: !this.tabnode },
    );
    this.tab.event({ t: "link-open", to: this.to, tabnode: this.tabnode });
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const frame of queued) this.write(frame); // admitted to the budget when queued
  }

  send(frame: Buffer): void {
    const buffered = this.open ? this.socket.bufferedAmount : this.queuedBytes;
    if (buffered + frame.length > this.ctx.options.limits.maxBufferedBytes) return this.refuse(RelayReason.Backpressure, `${buffered} bytes not yet sent to ${this.to}`);
    if (!this.ctx.held.admit(frame.length)) return this.refuse(RelayReason.RelayMemory, "the relay holds all the unsent bytes it may; the frame was dropped");
    if (this.open) return this.write(frame);
    this.queue.push(frame);
    this.queuedBytes += frame.length;
  }

  private write(frame: Buffer): void {
    this.socket.send(frame, { binary: false }, this.ctx.held.releaser(frame.length));
    this.ctx.counters.forwarded(frame.length);
  }

  private refuse(reason: RelayReason, detail: string): void {
    this.ctx.counters.dropped(reason);
    this.tab.event({ t: "error", reason, detail, to: this.to });
  }

  close(reason: RelayReason): void {
    this.ending = reason;
    if (this.report !== null) {
      // The dial failed already, unknown to the tab: it ends as a dial still under way would.
      clearTimeout(this.report);
      this.report = null;
      return this.end({ t: "link-close", to: this.to, reason, code: NEVER_OPENED }, reason);
    }
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else closeWith(this.socket, reason);
  }

  private closed(code: number): void {
    clearTimeout(this.deadline);
    const looped = this.ctx.loopMarks.settle(this.mark);
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen || this.ending !== RelayReason.RemoteClosed) return this.end({ t: "link-close", to: this.to, reason: this.ending, code }, this.ending);
    const failure = dialFailure(this.error, looped);
    if (failure.reason === RelayReason.DialSelf) return this.fail(failure);
    this.failAt(this.startedAt + this.ctx.options.limits.dialTimeoutMs, failure);
  }

  /** Timers may fire a little early against the monotonic clock (libuv's loop time lags it), so the time is checked again. */
  private failAt(due: number, failure: DialFailure): void {
    const wait = due - this.ctx.now();
    if (wait <= 0) return this.fail(failure);
    this.report = setTimeout(() => this.failAt(due, failure), Math.ceil(wait));
    this.report.unref();
  }

  private fail(failure: DialFailure): void {
    this.report = null;
    this.ctx.counters.refused(failure.reason);
    this.end({ t: "link-fail", to: this.to, ...failure }, failure.reason);
  }

  /** The link is over: its slot is freed, its queued frames dropped (and counted), and the tab told. */
  private end(event: RelayEvent, dropReason: RelayReason): void {
    if (this.tab.outbound.get(this.to) === this) this.tab.outbound.delete(this.to);
    for (let i = 0; i < this.queue.length; i++) this.ctx.counters.dropped(dropReason);
    this.ctx.held.release(this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.tab.event(event);
  }
}
