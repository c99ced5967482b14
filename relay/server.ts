/**
 * startRelay: one HTTP server carries the page, GET /api/relay, and two
 * WebSocket endpoints: `/tab` for tabs (the envelope) and `/peer/<id>` for
 * whoever dials a tab's address (plain JeChain frames).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { performance } from "node:perf_hooks";
import { WebSocket, WebSocketServer } from "ws";
import type { RelayContext } from "./context.ts";
import { MAX_HEADER_BYTES } from "./envelope.ts";
import { Heartbeat } from "./heartbeat.ts";
import { HeldBytes } from "./held-bytes.ts";
import { apiHosts } from "../src/cli/api-access.ts";
import { removeCookie, writeCookie } from "../src/platform/cookie-file.ts";
import { createHttpApp } from "./http.ts";
import { relayMetrics } from "./metrics.ts";
import { LOOP_MARK_HEADER, LoopMarks } from "./loop-mark.ts";
import { TABNODE_HEADER, TABNODE_HEADER_VALUE, showsTabnode } from "../src/protocol/dialect.ts";
import type { Socket } from "node:net";
import { publicBase, resolveOptions, type RelayConfig, type RelayOptions } from "./options.ts";
import { acceptPeerSocket } from "./peer-inbound.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import { DialGuard } from "./self-dial.ts";
import { RelayCounters } from "./stats.ts";
import { snapshot, type RelayStats } from "./snapshot.ts";
import { acceptTabSocket } from "./tab-session.ts";
import { TabRegistry } from "./tab-registry.ts";

export interface RelayHandle {
  /** Where the page and GET /api/relay are: http://host:port. */
  readonly url: string;
  readonly port: number;
  /** Where tabs connect on this machine: ws://host:port/tab. */
  readonly tabUrl: string;
  /** Tab addresses are `${publicBase}/peer/<id>`. */
  readonly publicBase: string;
  readonly options: RelayOptions;
  /** The operator's token for GET /metrics (also in `dataDir/.cookie` when a data directory is set). */
  readonly operatorToken: string;
  stats(): RelayStats;
  close(): Promise<void>;
}

/** After the close frames, how long a peer may take to answer before its socket is cut. */
const CLOSE_WAIT_MS = 1000;
const PEER_PATH = /^\/peer\/([A-Za-z0-9_-]{1,64})$/;

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers["x-forwarded-for"] : undefined;
  const last = typeof forwarded === "string" ? forwarded.split(",").pop()?.trim() : undefined;
  return last || req.socket.remoteAddress || "unknown";
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Every spelling of this relay's peer path a tab might use, so tab-to-tab sends stay in process. */
function peerPrefixes(base: string, options: RelayOptions, port: number): string[] {
  const local = ["127.0.0.1", "localhost", "0.0.0.0"].includes(options.host) ? [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] : [];
  return [...new Set([base, ...local])].map((b) => `${b}/peer/`);
}

export async function startRelay(config: RelayConfig = {}): Promise<RelayHandle> {
  const options = resolveOptions(config);
  /** The listening host as a URL spells it (an IPv6 address in brackets). */
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const startedAt = performance.now();
  const ctx: RelayContext = {
    options,
    counters: new RelayCounters(),
    heartbeat: new Heartbeat(options.limits.heartbeatMs),
    now: () => performance.now(),
    held: new HeldBytes(options.limits.maxTotalBufferedBytes, options.limits.maxTabs),
    dial: new DialGuard(options.dial),
    loopMarks: new LoopMarks(),
  };
  const tabs = new TabRegistry(ctx);
  const stats = () => snapshot(ctx, tabs.all(), tabs.neighbours.states(), (performance.now() - startedAt) / 1000);

  // The operator's token, as the native node's: a fresh cookie at each start, readable by this user only.
  let operatorToken: string;
  if (options.dataDir === null) operatorToken = randomBytes(32).toString("hex");
  else {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    operatorToken = writeCookie(options.dataDir);
  }
  const access = {
    hosts: apiHosts(options.publicUrl ?? `ws://${host}`, options.apiHosts),
    tokens: options.apiToken === null ? [operatorToken] : [operatorToken, options.apiToken],
  };
  let closing = false;
  let base = "";
  const server = createServer(
    createHttpApp({ staticDir: options.staticDir, stats, peers: () => tabs.peerList(base), health: () => ({ status: closing ? "stopping" : "ok" }), metrics: relayMetrics(stats, () => tabs.neighbours.states()), access }),
  );
  const wsOptions = { noServer: true, perMessageDeflate: false } as const;
  // A tab's message is a header plus a frame; up to twice the frame limit it
  // gets an error event (and stays), beyond that ws closes it with 1009.
  const tabServer = new WebSocketServer({ ...wsOptions, maxPayload: 2 * options.limits.maxFrameBytes + MAX_HEADER_BYTES });
  const peerServer = new WebSocketServer({ ...wsOptions, maxPayload: options.limits.maxFrameBytes });
  // Whoever dials a tab's address reaches a Tabnode node: the answer says so, as a native node's does.
  peerServer.on("headers", (headers) => headers.push(`${TABNODE_HEADER}: ${TABNODE_HEADER_VALUE}`));

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (closing) return rejectUpgrade(socket, "503 Service Unavailable");
    if (ctx.loopMarks.caught(req.headers[LOOP_MARK_HEADER])) {
      ctx.counters.closed(RelayReason.DialSelf);
      return rejectUpgrade(socket, "508 Loop Detected");
    }
    const url = URL.parse(req.url ?? "/", "http://relay.invalid"); // a request line is untrusted text
    if (url === null) return rejectUpgrade(socket, "400 Bad Request");
    const peer = PEER_PATH.exec(url.pathname);
    if (url.pathname === "/tab") {
      const ip = clientIp(req, options.trustProxy);
      tabServer.handleUpgrade(req, socket, head, (ws) => acceptTabSocket(ctx, tabs, ws, socket, ip, url.searchParams.get("resume")));
    } else if (peer !== null) {
      const tabnode = showsTabnode(req.headers[TABNODE_HEADER]);
      // A tutorial node's silence to pings is kept (heartbeat.ts); TCP keepalive notices its host gone.
      if (!tabnode) (socket as Socket).setKeepAlive(true, options.limits.heartbeatMs);
      peerServer.handleUpgrade(req, socket, head, (ws) => acceptPeerSocket(ctx, tabs, ws, peer[1]!, tabnode));
    } else {
      rejectUpgrade(socket, "404 Not Found");
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => {
      ctx.heartbeat.stop();
      if (options.dataDir !== null) removeCookie(options.dataDir, operatorToken);
      reject(err);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.dial.port = port;
  base = publicBase(options, port);
  tabs.bindAddresses(peerPrefixes(base, options, port));
  tabs.neighbours.start();

  return {
    url: `http://${host}:${port}`,
    port,
    tabUrl: `ws://${host}:${port}/tab`,
    publicBase: base,
    options,
    operatorToken,
    stats,
    async close() {
      if (closing) return;
      closing = true;
      ctx.heartbeat.stop();
      tabs.shutdown();
      const sockets = [...tabServer.clients, ...peerServer.clients];
      for (const ws of sockets) closeWith(ws, RelayReason.ShuttingDown);
      const allClosed = Promise.all(sockets.map((ws) => (ws.readyState === WebSocket.CLOSED ? null : new Promise((r) => ws.once("close", r)))));
      await Promise.race([allClosed, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
      for (const ws of sockets) ws.terminate();
      tabServer.close();
      peerServer.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (options.dataDir !== null) removeCookie(options.dataDir, operatorToken);
    },
  };
}
