/**
 * Everything a relay test opens, closed in one place (call cleanup() in
 * afterEach): relays, simulated tabs, plain ws "native nodes" listening on
 * 127.0.0.1 port 0, and plain ws clients dialing tab addresses. Nothing here
 * connects anywhere but 127.0.0.1.
 */
import { WebSocket, WebSocketServer, type ClientOptions } from "ws";
import { startRelay, type RelayConfig, type RelayHandle, type RelayStats } from "../../relay/index.ts";
import { RelayTab, type Closed, type TabOptions, type Welcome } from "./relay-tab.ts";

/** A stand-in for a JeChain node's server: it records the frames sent on connections others opened to it. */
export interface NativeNode {
  readonly address: string;
  readonly port: number;
  readonly server: WebSocketServer;
  readonly frames: string[];
  /** Resolves with the frame at index i, when it has arrived. */
  frameAt(i: number): Promise<string>;
}

/** A plain client, as a native node's outbound connection: frames go out, closing is observable. */
export interface Dialer {
  readonly socket: WebSocket;
  readonly closed: Promise<Closed>;
}

export async function until<T>(probe: () => T | undefined | false, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class RelayHarness {
  private readonly closers: (() => Promise<unknown> | void)[] = [];

  async relay(config: RelayConfig = {}): Promise<RelayHandle> {
    const relay = await startRelay({ port: 0, ...config });
    this.closers.push(() => relay.close());
    return relay;
  }

  /** Tabs connect to the relay's local /tab URL; options as for RelayTab. */
  async tab(relay: RelayHandle, options: TabOptions = {}): Promise<{ tab: RelayTab; welcome: Welcome }> {
    const opened = await RelayTab.connect(relay.tabUrl, options);
    this.closers.push(() => opened.tab.disconnect());
    return opened;
  }

  openTab(relay: RelayHandle, options: TabOptions = {}): RelayTab {
    const tab = RelayTab.open(relay.tabUrl, options);
    this.closers.push(() => tab.disconnect());
    return tab;
  }

  /** A plain server standing for a node the tab dials: a tutorial node by default (no Tabnode header), answering pings unless told not to. */
  async nativeNode(options: { readonly autoPong?: boolean; readonly tabnode?: boolean } = {}): Promise<NativeNode> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, autoPong: options.autoPong ?? true });
    if (options.tabnode === true) server.on("headers", (headers) => headers.push("x-tabnode: 1"));
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    const frames: string[] = [];
    const waiting = new Map<number, (f: string) => void>();
    server.on("connection", (ws) => {
      ws.on("message", (data: Buffer) => {
        frames.push(data.toString());
        waiting.get(frames.length - 1)?.(frames[frames.length - 1]!);
      });
    });
    this.closers.push(() => {
      for (const ws of server.clients) ws.terminate();
      return new Promise((r) => server.close(r));
    });
    const frameAt = (i: number) => (i < frames.length ? Promise.resolve(frames[i]!) : new Promise<string>((r) => waiting.set(i, r)));
    return { address: `ws://127.0.0.1:${port}`, port, server, frames, frameAt };
  }

  /** Opens a plain client to an address (a tab's, normally) and waits until it is open or closed. */
  async dial(address: string, options: ClientOptions = {}): Promise<Dialer> {
    const socket = new WebSocket(address, options);
    socket.on("error", () => {});
    const closed = new Promise<Closed>((r) => socket.once("close", (code, reason) => r({ code, reason: reason.toString() })));
    this.closers.push(() => socket.terminate());
    await Promise.race([new Promise((r) => socket.once("open", r)), closed]);
    return { socket, closed };
  }

  /** A port that was just free and is now closed: dialing it fails fast. */
  async closedPort(): Promise<number> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    return port;
  }

  async cleanup(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}

/** Waits until the relay's counters satisfy `probe`. */
export function statsUntil(relay: RelayHandle, probe: (s: RelayStats) => boolean, what = "relay stats"): Promise<RelayStats> {
  return until(() => {
    const s = relay.stats();
    return probe(s) ? s : undefined;
  }, 5000, what);
}
