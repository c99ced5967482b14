/**
 * The native node's transport: a WebSocket server on the node's HTTP server
 * (inbound links) and WebSocket clients (outbound links), with the frame cap,
 * a heartbeat, and a cap on each socket's send buffer. Both ways the upgrade
 * carries Tabnode's header (src/protocol/dialect.ts), so each link knows
 * whether its far end is Tabnode.
 *
 * The heartbeat pings every socket. A Tabnode peer answers at once (its event
 * loop never stops for long), so one that missed a ping is gone: cut. A
 * tutorial node mines synchronously and answers nothing for minutes: its link
 * is marked busy (the node evicts busy links first when its slots are full)
 * and kept, unless it also stops reading (more than `busyBacklogBytes` unsent
 * to it). A host that is really gone is noticed by TCP: keepalive probes on
 * idle sockets, retransmission timeouts on the pings it no longer acknowledges.
 * Outbound dials apply the dial rule again to the addresses a name resolves
 * to (dial-lookup.ts): the node checked the address's text, not where its
 * name leads.
 */
import type { Server as HttpServer } from "node:http";
import type { LookupFunction } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { DEFAULT_DIAL_POLICY, type DialPolicy } from "../protocol/dial-rule.ts";
import { TABNODE_HEADER, TABNODE_HEADER_VALUE, showsTabnode } from "../protocol/dialect.ts";
import { MAX_FRAME_BYTES } from "../protocol/messages.ts";
import type { Link, LinkHandler, Transport } from "../node/transport.ts";
import { guardedLookup, type RefusedLookupError, type Resolve } from "./dial-lookup.ts";

export interface WsTransportOptions {
  readonly maxFrameBytes?: number;
  readonly heartbeatMs?: number;
  /** A peer that lets this much pile up unsent is too slow to keep. */
  readonly maxBufferedBytes?: number;
  /** A busy link (it missed a ping) with this much unsent to it has stopped reading too: cut. */
  readonly busyBacklogBytes?: number;
  readonly log?: (line: string) => void;
  /** The node's dial rule, applied to every address a dialed name resolves to. */
  readonly dialPolicy?: DialPolicy;
  /** The resolver under the rule (tests inject one; nothing else should). */
  readonly resolve?: Resolve;
}

/** What ws is told for an outbound dial: the guarded lookup, no redirects (a redirect would dodge the rule), and Tabnode's header. */
export function dialOptions(maxPayload: number, lookup: LookupFunction) {
  return { maxPayload, handshakeTimeout: 10_000, followRedirects: false, lookup, headers: { [TABNODE_HEADER]: TABNODE_HEADER_VALUE } } as const;
}

/** The dial rule's refusal in a link's error, naming its reason code; null for any other failure. */
export function dialRefusal(err: Error): string | null {
  const reason = (err as Partial<RefusedLookupError>).reason;
  return reason === undefined ? null : `refused by the dial rule: ${reason}: ${err.message}`;
}

let nextId = 1;

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}

/** A socket's link, with what the heartbeat knows of its far end. */
interface Wired {
  readonly link: Link;
  tabnode: boolean | null;
  /** A pong came since the last ping. */
  answered: boolean;
  busy: boolean;
}

export class WsTransport implements Transport {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<WebSocket, Wired>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  private readonly maxFrameBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly busyBacklogBytes: number;
  private readonly log: (line: string) => void;
  private readonly lookup: LookupFunction;

  constructor(server: HttpServer, private readonly handler: LinkHandler, options: WsTransportOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.lookup = guardedLookup(options.dialPolicy ?? DEFAULT_DIAL_POLICY, options.resolve);
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * MAX_FRAME_BYTES;
    this.busyBacklogBytes = options.busyBacklogBytes ?? 4 * MAX_FRAME_BYTES;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.log = options.log ?? (() => {});
    this.wss = new WebSocketServer({ server, maxPayload: this.maxFrameBytes });
    this.wss.on("headers", (headers) => headers.push(`${TABNODE_HEADER}: ${TABNODE_HEADER_VALUE}`));
    this.wss.on("connection", (socket, req) => {
      const remote = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
      req.socket.setKeepAlive(true, this.heartbeatMs);
      const link = this.wire(socket, "in", remote, req.socket.remoteAddress ?? null, showsTabnode(req.headers[TABNODE_HEADER]));
      handler.opened(link);
    });
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  dial(address: string): Link {
    const socket = new WebSocket(address, dialOptions(this.maxFrameBytes, this.lookup));
    const link = this.wire(socket, "out", address, null, null);
    // The answer to the upgrade comes before "open": by then the link knows what answered.
    socket.on("upgrade", (res) => {
      res.socket.setKeepAlive(true, this.heartbeatMs);
      const wired = this.sockets.get(socket);
      if (wired !== undefined) wired.tabnode = showsTabnode(res.headers[TABNODE_HEADER]);
    });
    socket.on("open", () => this.handler.opened(link));
    return link;
  }

  private wire(socket: WebSocket, direction: "in" | "out", remote: string, remoteHost: string | null, tabnode: boolean | null): Link {
    const id = nextId++;
    let closed = false;
    let failure: string | null = null;
    const link: Link = {
      id,
      direction,
      remote,
      remoteHost,
      get tabnode() {
        return wired.tabnode;
      },
      get busy() {
        return wired.busy;
      },
      send: (text) => {
        if (socket.readyState !== WebSocket.OPEN) return;
        if (socket.bufferedAmount > this.maxBufferedBytes) return socket.close(1013, "send buffer full");
        socket.send(text);
      },
      close: (code, reason) => socket.close(code, reason),
      // A paused socket is not read: the peer's frames wait in its own buffers and the kernel's, not in ours.
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    };
    const wired: Wired = { link, tabnode, answered: true, busy: false };
    this.sockets.set(socket, wired);
    socket.on("pong", () => {
      wired.answered = true;
      if (!wired.busy) return;
      wired.busy = false;
      this.handler.shown?.(link);
    });
    socket.on("message", (data, isBinary) => {
      if (isBinary) return this.handler.message(link, "\u0000binary frame");
      this.handler.message(link, toText(data));
    });
    socket.on("error", (err) => {
      const refusal = dialRefusal(err);
      failure ??= refusal;
      this.log(`link ${direction}#${id} ${remote}: ${refusal ?? err.message}`);
    });
    socket.on("close", (code, reason) => {
      this.sockets.delete(socket);
      if (closed) return;
      closed = true;
      this.handler.closed(link, failure ?? `${code}${reason.length > 0 ? " " + reason.toString() : ""}`);
    });
    return link;
  }

  private beat(): void {
    for (const [socket, wired] of this.sockets) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (!wired.answered) {
        // Silent since the last beat: a Tabnode peer is gone; a tutorial node is busy, and kept while it reads.
        if (wired.tabnode === true || socket.bufferedAmount > this.busyBacklogBytes) {
          socket.terminate();
          continue;
        }
        if (!wired.busy) {
          wired.busy = true;
          this.handler.shown?.(wired.link);
        }
      }
      wired.answered = false;
      socket.ping();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const socket of this.sockets.keys()) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
