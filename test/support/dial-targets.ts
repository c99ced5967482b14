/**
 * Targets that misbehave the ways a port scan meets them, each a raw TCP
 * server on 127.0.0.1 port 0: one answers with plain HTTP, one redirects, one
 * speaks first like an SSH server, one resets, one hangs up, one accepts and
 * says nothing, one answers 101 with a bad accept key, and a slow reader that
 * completes the WebSocket handshake and then never reads another byte.
 * Everything they open is closed by close().
 */
import { createHash } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";

const HEADERS_END = "\r\n\r\n";
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface Target {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A server whose every connection is handed to `behave`. */
export async function rawTarget(behave: (socket: Socket) => void): Promise<Target> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
    behave(socket);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    address: `ws://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Waits for a request's headers, then hands them over. */
function onRequest(socket: Socket, answer: (head: string) => void): void {
  let head = "";
  const take = (chunk: Buffer) => {
    head += chunk.toString("latin1");
    if (!head.includes(HEADERS_END)) return;
    socket.off("data", take);
    answer(head);
  };
  socket.on("data", take);
}

const reply = (status: string, extra = "") => (socket: Socket) => onRequest(socket, () => socket.end(`HTTP/1.1 ${status}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`));

/** Every way a dial can fail at the target, by name. */
export const MISBEHAVIOURS: Readonly<Record<string, (socket: Socket) => void>> = {
  "plain HTTP 404": reply("404 Not Found"),
  "HTTP 200": reply("200 OK"),
  "a redirect": reply("302 Found", "Location: ws://127.0.0.1:1/\r\n"),
  "a banner before any request": (s) => s.write("SSH-2.0-OpenSSH_9.6\r\n"),
  "a reset": (s) => s.resetAndDestroy(),
  "a hang-up after the request": (s) => onRequest(s, () => s.end()),
  "silence": () => {},
  "101 with a bad accept key": reply("101 Switching Protocols", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\n"),
};

/**
 * A WebSocket peer that completes the handshake and then never reads: its
 * kernel buffers fill, then the relay's. (A paused socket with no data
 * listener reads nothing more once its own small buffer is full.)
 */
export function slowReader(): Promise<Target> {
  return rawTarget((socket) =>
    onRequest(socket, (head) => {
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? "";
      const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
      socket.pause();
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    }),
  );
}

/** A port forward to another port of 127.0.0.1: what a proxy or NAT in front of a relay does. */
export function forwardTo(port: number): Promise<Target> {
  return rawTarget((socket) => {
    const upstream = connect(port, "127.0.0.1");
    upstream.on("error", () => socket.destroy());
    socket.once("close", () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
}
