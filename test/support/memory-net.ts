/**
 * A network in memory for the peer's unit tests: a manual clock and
 * scheduler (time moves only when the test says so), and links between
 * addresses that carry frames after a fixed latency, in order, recorded. Real
 * PeerNodes run on it unchanged; so do the test's own hand-written peers
 * (listeners that never answer, attackers that send what they like).
 */
import { DEFAULT_NODE_CONFIG, PeerNode, type NodeConfig, type NodeEnv } from "../../src/node/node.ts";
import { MemoryStore } from "../../src/node/store.ts";
import type { SignatureVerifier } from "../../src/core/transaction.ts";
import type { Link, LinkHandler, Transport } from "../../src/node/transport.ts";
import { T0 } from "./chain-builder.ts";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Time that moves only when told; timers fire in order of due time, then of scheduling. It starts well after chains built from T0. */
export class ManualClock {
  now = T0 + 10 ** 7;
  private timers: Timer[] = [];
  private seq = 0;

  readonly schedule = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.now + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  /**
   * Moves time on by `ms`, running every timer that falls due (and the
   * promises they settle) in order. A run of more than `maxEvents` timers is a
   * storm the test did not mean: it fails, rather than running out of memory.
   */
  async advance(ms: number, maxEvents = 200_000): Promise<void> {
    const end = this.now + ms;
    for (let events = 0; ; events++) {
      await settle();
      const next = this.nextDue(end);
      if (next === undefined) break;
      if (events >= maxEvents) throw new Error(`more than ${maxEvents} timers in ${ms} ms of virtual time, at ${this.now - T0} ms after T0: a storm`);
      this.timers = this.timers.filter((t) => t !== next);
      this.now = next.at;
      next.fn();
    }
    this.now = end;
    await settle();
  }

  private nextDue(end: number): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.timers) if (t.at <= end && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
    return next;
  }
}

/** Lets every pending promise run (store writes, stream takes). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Frame {
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export interface EndpointOptions {
  readonly host?: string | null;
  readonly listening?: boolean;
  /** Whether it shows Tabnode's upgrade header: true unless a test says otherwise. */
  readonly tabnode?: boolean;
}

interface Endpoint {
  readonly address: string;
  readonly handler: LinkHandler;
  /** What an inbound link from this endpoint proves about it (a TCP origin), or null. */
  readonly host: string | null;
  listening: boolean;
  /** It shows Tabnode's upgrade header (a PeerNode does; a hand-written tutorial-style peer may not). */
  readonly tabnode: boolean;
  /** Its links report that it answers no pings (a busy tutorial node). */
  busy: boolean;
}

let nextLinkId = 1;
/** More frames than any test here sends: past it, a storm. */
const MAX_FRAMES = 200_000;

export class MemoryNetwork {
  readonly frames: Frame[] = [];
  /** Every dial, by target address. */
  readonly dials = new Map<string, number>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly open = new Set<{ close(why: string): void; ends: readonly string[] }>();

  constructor(
    readonly clock: ManualClock,
    readonly latencyMs = 5,
  ) {}

  /** An endpoint at `address`: its transport dials from it; if it listens, dials to it open. */
  transport(address: string, handler: LinkHandler, options: EndpointOptions = {}): Transport {
    this.endpoints.set(address, { address, handler, host: options.host ?? null, listening: options.listening ?? true, tabnode: options.tabnode ?? true, busy: false });
    return { dial: (to) => this.dial(address, to), close: async () => this.stop(address) };
  }

  /** Stops listening at `address` and closes every link to or from it. */
  stop(address: string): void {
    const e = this.endpoints.get(address);
    if (e !== undefined) e.listening = false;
    for (const link of [...this.open]) if (link.ends.includes(address)) link.close("1006 connection lost");
  }

  listen(address: string): void {
    const e = this.endpoints.get(address);
    if (e !== undefined) e.listening = true;
  }

  /** Its links to and from others report it busy (missing pings) or not, as a transport's heartbeat would. */
  setBusy(address: string, busy: boolean): void {
    const e = this.endpoints.get(address);
    if (e !== undefined) e.busy = busy;
  }

  /** Frames sent to `to` (whatever link carried them). */
  framesTo(to: string, type?: string): Frame[] {
    return this.frames.filter((f) => f.to === to && (type === undefined || f.text.startsWith(`{"type":"${type}"`)));
  }

  private dial(from: string, to: string): Link {
    this.dials.set(to, (this.dials.get(to) ?? 0) + 1);
    const dialer = this.endpoints.get(from)!;
    let state: "dialing" | "open" | "closed" = "dialing";
    let inbound: Link | null = null;
    let target: Endpoint | undefined;
    const pair = {
      ends: [from, to],
      close: (why: string) => {
        if (state === "closed") return;
        const wasOpen = state === "open";
        state = "closed";
        this.open.delete(pair);
        this.clock.schedule(() => {
          dialer.handler.closed(outbound, why);
          if (wasOpen && inbound !== null) target!.handler.closed(inbound, why);
        }, this.latencyMs);
      },
    };
    const deliver = (handler: LinkHandler, link: () => Link, fromAddress: string, toAddress: string) => (text: string) => {
      if (state !== "open") return;
      if (this.frames.length >= MAX_FRAMES) throw new Error(`more than ${MAX_FRAMES} frames: a storm (last: ${fromAddress} -> ${toAddress} ${text.slice(0, 80)})`);
      this.frames.push({ from: fromAddress, to: toAddress, text });
      this.clock.schedule(() => state === "open" && handler.message(link(), text), this.latencyMs);
    };
    const outbound: Link = {
      id: nextLinkId++,
      direction: "out",
      remote: to,
      remoteHost: null,
      get tabnode() {
        return target === undefined || state === "dialing" ? null : target.tabnode;
      },
      get busy() {
        return target?.busy === true;
      },
      send: (text) => sendOut(text),
      close: (code, reason) => pair.close(`${code} ${reason}`),
    };
    let sendOut = (_text: string) => {};
    this.open.add(pair);
    this.clock.schedule(() => {
      if (state === "closed") return;
      target = this.endpoints.get(to);
      if (target === undefined || !target.listening) return pair.close("1006 connection refused");
      state = "open";
      inbound = {
        id: nextLinkId++,
        direction: "in",
        remote: `${from} (memory)`,
        remoteHost: dialer.host,
        tabnode: dialer.tabnode,
        get busy() {
          return dialer.busy;
        },
        send: deliver(dialer.handler, () => outbound, to, from),
        close: (code, reason) => pair.close(`${code} ${reason}`),
      };
      sendOut = deliver(target.handler, () => inbound!, from, to);
      target.handler.opened(inbound);
      if (state === "open") dialer.handler.opened(outbound);
    }, this.latencyMs);
    return outbound;
  }
}

/** A PeerNode on the network, on an in-memory store, with the test's clock and a log kept for asserting. */
export interface TestNode {
  readonly node: PeerNode;
  readonly address: string;
  readonly logs: string[];
}

export async function startTestNode(
  net: MemoryNetwork,
  address: string,
  options: { config?: Partial<NodeConfig>; store?: MemoryStore; host?: string | null; verify?: SignatureVerifier } = {},
): Promise<TestNode> {
  const logs: string[] = [];
  let counter = 0;
  const env: NodeEnv = {
    now: () => net.clock.now,
    schedule: net.clock.schedule,
    log: (line) => logs.push(line),
    // Deterministic: a run is the same every time.
    random: (n) => Uint8Array.from({ length: n }, () => (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24),
    verify: options.verify,
  };
  const node = await PeerNode.open(options.store ?? new MemoryStore(), { ...DEFAULT_NODE_CONFIG, ...options.config, address }, env);
  node.useTransport(net.transport(address, node, { host: options.host ?? null }));
  return { node, address, logs };
}

/** A manual clock, a network on it, and a way to start PeerNodes there; each started node is added to `started`, for closeNodes. */
export function openNetwork(started: TestNode[]) {
  const clock = new ManualClock();
  const net = new MemoryNetwork(clock);
  const start = async (address: string, options?: Parameters<typeof startTestNode>[2]) => {
    const n = await startTestNode(net, address, options);
    started.push(n);
    return n;
  };
  return { clock, net, start };
}

export function closeNodes(started: TestNode[]): void {
  for (const n of started.splice(0)) n.node.close();
}

/** Whether `n` holds both links to `address`. */
export const paired = (n: TestNode, address: string): boolean => n.node.peerList().some((p) => p.direction === "out" && p.address === address && p.paired);

/** A hand-written peer: records what reaches it; sends what the test tells it to. */
export class ScriptedPeer implements LinkHandler {
  readonly received: { link: Link; text: string }[] = [];
  readonly inbound: Link[] = [];
  readonly outbound = new Map<string, Link>();
  readonly closedLinks: { link: Link; why: string }[] = [];
  readonly transport: Transport;

  constructor(
    net: MemoryNetwork,
    readonly address: string,
    options: EndpointOptions = {},
  ) {
    this.transport = net.transport(address, this, options);
  }

  /** Dials `to` and, once open, sends each frame. */
  dial(to: string, ...frames: string[]): Link {
    const link = this.transport.dial(to);
    this.outbound.set(to, link);
    this.pending.set(link, frames);
    return link;
  }

  private readonly pending = new Map<Link, string[]>();

  opened(link: Link): void {
    if (link.direction === "in") this.inbound.push(link);
    for (const f of this.pending.get(link) ?? []) link.send(f);
    this.pending.delete(link);
  }

  message(link: Link, text: string): void {
    this.received.push({ link, text });
  }

  closed(link: Link, why: string): void {
    this.closedLinks.push({ link, why });
    if (link.direction === "in") this.inbound.splice(this.inbound.indexOf(link), 1);
    for (const [to, l] of this.outbound) if (l === link) this.outbound.delete(to);
  }
}
