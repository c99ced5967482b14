/**
 * A simulated browser tab: a plain ws client speaking the relay's envelope
 * (docs/relay.md) the way a page would, written from the document rather than
 * from the relay's code, so the tests check the protocol and not the code
 * against itself. Reused by the tests and by bench/relay.ts.
 */
import { WebSocket } from "ws";

/** A message from the relay: its JSON header, plus the carried frame for `frame`. */
export interface RelayMessage {
  readonly t: string;
  readonly [key: string]: unknown;
}
export interface InboundFrame extends RelayMessage {
  readonly t: "frame";
  readonly link: number;
  readonly frame: string;
}
export interface Welcome extends RelayMessage {
  readonly t: "welcome";
  readonly id: string;
  readonly address: string;
  readonly resume: string;
  readonly resumed: boolean;
  readonly peers: readonly { address: string; kind: string }[];
  readonly inbound: readonly number[];
  readonly outbound: readonly string[];
}
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export function parseRelayMessage(text: string): RelayMessage {
  const nl = text.indexOf("\n");
  if (nl === -1) return JSON.parse(text) as RelayMessage;
  return { ...(JSON.parse(text.slice(0, nl)) as RelayMessage), frame: text.slice(nl + 1) };
}

export interface TabOptions {
  readonly resume?: string;
  /** false: never answer pings, like a frozen tab. */
  readonly autoPong?: boolean;
  readonly headers?: Record<string, string>;
}

interface Waiter {
  readonly match: (m: RelayMessage) => boolean;
  readonly resolve: (m: RelayMessage) => void;
}

export class RelayTab {
  /** Messages not yet taken by take(). */
  private readonly inbox: RelayMessage[] = [];
  private readonly waiters: Waiter[] = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on("error", () => {}); // a refused or cut connection shows in `closed`
    socket.on("message", (data: Buffer) => this.receive(parseRelayMessage(data.toString())));
  }

  /** Opens without waiting for the welcome (for connections the relay may refuse). */
  static open(tabUrl: string, options: TabOptions = {}): RelayTab {
    const url = options.resume === undefined ? tabUrl : `${tabUrl}?resume=${encodeURIComponent(options.resume)}`;
    return new RelayTab(new WebSocket(url, { autoPong: options.autoPong ?? true, headers: options.headers ?? {} }));
  }

  /** Opens and waits for the welcome. */
  static async connect(tabUrl: string, options: TabOptions = {}): Promise<{ tab: RelayTab; welcome: Welcome }> {
    const tab = RelayTab.open(tabUrl, options);
    const welcome = (await tab.take("welcome")) as Welcome;
    return { tab, welcome };
  }

  private receive(m: RelayMessage): void {
    const i = this.waiters.findIndex((w) => w.match(m));
    if (i === -1) this.inbox.push(m);
    else this.waiters.splice(i, 1)[0]!.resolve(m);
  }

  /** The first message of type t (and matching `where`), received already or still to come. */
  take(t: string, where: (m: RelayMessage) => boolean = () => true, timeoutMs = 5000): Promise<RelayMessage> {
    const match = (m: RelayMessage) => m.t === t && where(m);
    const i = this.inbox.findIndex(match);
    if (i !== -1) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${t}" message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  async frame(where: (f: InboundFrame) => boolean = () => true): Promise<InboundFrame> {
    return (await this.take("frame", (m) => where(m as InboundFrame))) as InboundFrame;
  }

  /** Messages of type t received so far and not taken. */
  pending(t: string): RelayMessage[] {
    return this.inbox.filter((m) => m.t === t);
  }

  send(to: string, frame: string): void {
    this.socket.send(`${JSON.stringify({ t: "send", to })}\n${frame}`);
  }

  hangUp(to: string): void {
    this.socket.send(JSON.stringify({ t: "close", to }));
  }

  drop(link: number): void {
    this.socket.send(JSON.stringify({ t: "drop", link }));
  }

  raw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  async disconnect(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN) this.socket.close();
    return this.closed;
  }
}
