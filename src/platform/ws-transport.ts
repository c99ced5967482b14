/**
 * The native node's transport: a WebSocket server on the node's HTTP server
 * (inbound links) and WebSocket clients (outbound links), with the frame cap,
 * a heartbeat that drops dead links, and a cap on each socket's send buffer.
 * Outbound dials apply the dial rule again to the addresses a name resolves
 * to (dial-lookup.ts): the node checked the address's text, not where its
 * name leads.
 */
import type { Server as HttpServer } from "node:http";
import type { LookupFunction } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { DEFAULT_DIAL_POLICY, type DialPolicy } from "../protocol/dial-rule.ts";
import { MAX_FRAME_BYTES } from "../protocol/messages.ts";
import type { Link, LinkHandler, Transport } from "../node/transport.ts";
import { guardedLookup, type RefusedLookupError, type Resolve } from "./dial-lookup.ts";

export interface WsTransportOptions {
  readonly maxFrameBytes?: number;
  readonly heartbeatMs?: number;
  /** A peer that lets this much pile up unsent is too slow to keep. */
  readonly maxBufferedBytes?: number;
  readonly log?: (line: string) => void;
  /** The node's dial rule, applied to every address a dialed name resolves to. */
  readonly dialPolicy?: DialPolicy;
  /** The resolver under the rule (tests inject one; nothing else should). */
  readonly resolve?: Resolve;
}

/** What ws is told for an outbound dial: the guarded lookup, and no redirects (a redirect would dodge the rule). */
export function dialOptions(maxPayload: number, lookup: LookupFunction) {
  return { maxPayload, handshakeTimeout: 10_000, followRedirects: false, lookup } as const;
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

export class WsTransport implements Transport {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxFrameBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly log: (line: string) => void;
  private readonly lookup: LookupFunction;

  constructor(server: HttpServer, private readonly handler: LinkHandler, options: WsTransportOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.lookup = guardedLookup(options.dialPolicy ?? DEFAULT_DIAL_POLICY, options.resolve);
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * MAX_FRAME_BYTES;
    this.log = options.log ?? (() => {});
    this.wss = new WebSocketServer({ server, maxPayload: this.maxFrameBytes });
    this.wss.on("connection", (socket, req) => {
      const remote = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
      const link = this.wire(socket, "in", remote, req.socket.remoteAddress ?? null);
      handler.opened(link);
    });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  dial(address: string): Link {
    const socket = new WebSocket(address, dialOptions(this.maxFrameBytes, this.lookup));
    const link = this.wire(socket, "out", address, null);
    socket.on("open", () => this.handler.opened(link));
    return link;
  }

  private wire(socket: WebSocket, direction: "in" | "out", remote: string, remoteHost: string | null): Link {
    const id = nextId++;
    let closed = false;
    let failure: string | null = null;
    this.sockets.add(socket);
    this.alive.add(socket);
    const link: Link = {
      id,
      direction,
      remote,
      remoteHost,
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
    socket.on("pong", () => this.alive.add(socket));
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
    for (const socket of this.sockets) {
      if (!this.alive.has(socket)) {
        socket.terminate();
        continue;
      }
      this.alive.delete(socket);
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
