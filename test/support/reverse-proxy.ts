/**
 * A reverse proxy in front of a relay, as docs/deploy.md sets one up, made
 * with http-proxy-middleware: everything under a path prefix goes to the
 * relay with the prefix taken off, WebSocket upgrades included, with
 * X-Forwarded-For appended; given a certificate, it terminates TLS (https://
 * and wss://) as a public front end does. It listens on 127.0.0.1 port 0, and
 * learns its target after it listens (the relay's PUBLIC_URL needs the
 * proxy's port first).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { createProxyMiddleware } from "http-proxy-middleware";

export interface ReverseProxy {
  readonly port: number;
  /** http(s)://127.0.0.1:PORT + prefix: the relay's PUBLIC_URL. */
  readonly publicUrl: string;
  /** Where requests go from now on (the relay's http://127.0.0.1:PORT). */
  target: string | null;
  close(): Promise<void>;
}

export async function startReverseProxy(prefix: string, tls?: { readonly key: string; readonly cert: string }): Promise<ReverseProxy> {
  const state: { target: string | null } = { target: null };
  const proxy = createProxyMiddleware({
    pathFilter: (path) => path === prefix || path.startsWith(`${prefix}/`),
    pathRewrite: (path) => path.slice(prefix.length) || "/",
    router: () => state.target ?? undefined,
    ws: true,
    xfwd: true,
  });
  const serve: RequestListener = (req, res) =>
    proxy(req, res, () => {
      res.writeHead(404).end();
    });
  const server: Server = tls === undefined ? createServer(serve) : createTlsServer(tls, serve);
  // Upgraded sockets leave the HTTP server's keeping: tracked here, so close() ends them too.
  const upgraded = new Set<Socket>();
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    void proxy.upgrade(req, socket, head);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    publicUrl: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}${prefix}`,
    get target() {
      return state.target;
    },
    set target(t) {
      state.target = t;
    },
    async close() {
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
