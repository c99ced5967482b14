/**
 * The simulated network: endpoints at addresses, links between them that
 * carry frames in order after a latency drawn per frame, slowed by each
 * sender's uplink and by loss (a lost segment costs a retransmission, as TCP
 * under a WebSocket would), partitions that cut the links across them and
 * refuse dials until they heal, endpoints that crash (their peers notice when
 * a heartbeat would) and come back, and tabs whose relay keeps their links
 * while they reload. Every node sees it through the same Transport interface
 * as the real sockets.
 *
 * An endpoint may bring an event loop that stalls (a tutorial node mining
 * synchronously, busy-loop.ts). What its WebSocket library does for it then
 * waits for the loop: accepting a dial (the upgrade), answering a ping. Its
 * links get the heartbeat that Tabnode natives and the relay run on every
 * socket (src/platform/ws-transport.ts, relay/heartbeat.ts): a ping each
 * beat; a link whose last ping went unanswered is terminated if its far end
 * showed Tabnode's upgrade header, and otherwise marked busy (both ends'
 * links say so) and kept. Between endpoints that never stall every ping is
 * answered at once, so no beat is simulated there.
 */
import type { Link, LinkHandler, Transport } from "../node/transport.ts";
import type { SimClock } from "./clock.ts";
import type { SimRandom } from "./random.ts";

export interface NetworkOptions {
  /** One-way latency: base plus an exponential tail with this mean. */
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** Chance that a frame loses a segment and waits for its retransmission (about three round trips). */
  readonly loss: number;
  /** Each endpoint's uplink, bytes a second. */
  readonly uplinkBytesPerSecond: number;
  /** How long a dial into a partition or to a crashed host waits before it fails. */
  readonly dialTimeoutMs: number;
  /** How long a link cut by a partition or a crash stays open before its ends notice (a heartbeat). */
  readonly noticeMs: number;
  /** The heartbeat's beat on links to an endpoint whose loop stalls (ws-transport.ts and the relay: 30 s). */
  readonly heartbeatMs: number;
}

export const DEFAULT_NETWORK: NetworkOptions = {
  latencyMs: 40,
  jitterMs: 30,
  loss: 0.01,
  uplinkBytesPerSecond: 2_000_000,
  dialTimeoutMs: 10_000,
  noticeMs: 30_000,
  heartbeatMs: 30_000,
};

/** Runs the transport's own work for an endpoint (accepting a dial, answering a ping) when its event loop gets to it. */
export type StallingLoop = (task: () => void) => void;

interface Endpoint {
  readonly address: string;
  handler: LinkHandler;
  /** The provable origin of its links (an IP), or null behind a relay. */
  readonly host: string | null;
  up: boolean;
  /** Partition group: links and dials only within one group. */
  group: number;
  uplinkFreeAt: number;
  bytesOut: number;
  bytesIn: number;
  /** Links opened by a handler this endpoint had before a reload, that the relay kept: handed to the next dial to the same address. */
  readonly kept: Map<string, Pair>;
  /** Its event loop, when it can stall; null for a node that never blocks (a PeerNode runs between the clock's events). */
  readonly loop: StallingLoop | null;
  /** It shows Tabnode's upgrade header (src/protocol/dialect.ts). */
  readonly tabnode: boolean;
}

interface Pair {
  readonly from: Endpoint;
  /** null while the dial goes nowhere (refused, or timing out). */
  to: Endpoint | null;
  out: Link;
  inbound: Link | null;
  state: "dialing" | "open" | "closed";
  /** When the last frame each way arrives: frames of one link never overtake each other. */
  lastAtTo: number;
  lastAtFrom: number;
  /** The heartbeat's last ping was answered (a pong came back), or none was sent yet. */
  answered: boolean;
  /** A ping went unanswered by a beat, and no pong came since: both ends' links report it busy. */
  busy: boolean;
}

let linkIds = 1;
/** How long the relay keeps a reloading tab's links (docs/relay.md). */
const RELAY_GRACE_MS = 30_000;

export class SimNetwork {
  /** Dials made, by target address. */
  readonly dials = new Map<string, number>();
  frames = 0;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly pairs = new Set<Pair>();
  /** The heartbeat's phase of each pinging process (beatPhase). */
  private readonly phases = new Map<string, number>();

  constructor(
    private readonly clock: SimClock,
    private readonly rng: SimRandom,
    readonly options: NetworkOptions = DEFAULT_NETWORK,
    /** Trace every frame (`--trace`): slow, for replaying a failure. */
    private readonly traceFrames = false,
  ) {}

  /**
   * An endpoint at `address` with `handler` (a node); a relay-kept reload
   * passes `keep: true` to keep its links; `loop` for a node whose event loop
   * can stall.
   */
  attach(address: string, handler: LinkHandler, host: string | null, keep = false, loop: StallingLoop | null = null, tabnode = true): Transport {
    const old = this.endpoints.get(address);
    if (old !== undefined && keep) {
      old.handler = handler;
      old.up = true;
      this.rebind(old);
    } else {
      this.endpoints.set(address, { address, handler, host, up: true, group: old?.group ?? 0, uplinkFreeAt: 0, bytesOut: old?.bytesOut ?? 0, bytesIn: old?.bytesIn ?? 0, kept: new Map(), loop, tabnode });
    }
    return { dial: (to) => this.dial(address, to), close: async () => {} };
  }

  /** The host goes away: its links die when their other ends would notice, and nothing answers at its address. */
  crash(address: string): void {
    const e = this.endpoints.get(address);
    if (e === undefined) return;
    e.up = false;
    for (const p of [...this.pairs]) if (p.from === e || p.to === e) this.cut(p, this.options.noticeMs, "1006 connection lost");
  }

  /** Splits the endpoints: each list a group, and the rest a group of their own. Links across are cut when noticed. */
  partition(groups: readonly (readonly string[])[]): void {
    for (const e of this.endpoints.values()) e.group = 0;
    groups.forEach((g, i) => g.forEach((a) => (this.endpoints.get(a)!.group = i + 1)));
    for (const p of [...this.pairs]) if (p.to !== null && p.from.group !== p.to.group) this.cut(p, this.options.noticeMs, "1006 heartbeat timeout");
    this.clock.trace(`partition into ${groups.length + 1} groups`);
  }

  heal(): void {
    for (const e of this.endpoints.values()) e.group = 0;
    this.clock.trace("partition healed");
  }

  /** Frames that `drop` says so are never delivered (a planted bug: a node that does not relay). */
  dropFrames(drop: (from: string, text: string) => boolean): void {
    this.dropping = drop;
  }
  private dropping: ((from: string, text: string) => boolean) | null = null;

  /** Bytes sent and received by an endpoint so far. */
  traffic(address: string): { out: number; in: number } {
    const e = this.endpoints.get(address);
    return { out: e?.bytesOut ?? 0, in: e?.bytesIn ?? 0 };
  }

  private reachable(from: Endpoint, to: Endpoint): boolean {
    return to.up && from.group === to.group;
  }

  private dial(fromAddress: string, to: string): Link {
    const from = this.endpoints.get(fromAddress)!;
    const kept = from.kept.get(to);
    if (kept !== undefined && kept.state === "open") {
      // The relay kept this link while the tab reloaded: the new node gets it at once.
      from.kept.delete(to);
      kept.out = this.outLink(kept, to);
      this.clock.schedule(() => from.handler.opened(kept.out), 0);
      return kept.out;
    }
    this.dials.set(to, (this.dials.get(to) ?? 0) + 1);
    const pair: Pair = { from, to: null, out: undefined as unknown as Link, inbound: null, state: "dialing", lastAtTo: 0, lastAtFrom: 0, answered: true, busy: false };
    pair.out = this.outLink(pair, to);
    this.pairs.add(pair);
    const target = this.endpoints.get(to);
    const handshake = 2 * this.latency();
    if (target === undefined) {
      // Nothing listens there: refused at once.
      this.clock.schedule(() => this.fail(pair, "1006 connection refused"), handshake);
      return pair.out;
    }
    if (!this.reachable(from, target)) {
      // A crashed host, or one across a partition: silence, then a timeout.
      this.clock.schedule(() => this.fail(pair, "1006 dial timed out"), this.options.dialTimeoutMs);
      return pair.out;
    }
    pair.to = target;
    if (target.loop !== null) {
      this.upgrade(pair, target, target.loop);
      return pair.out;
    }
    this.clock.schedule(() => {
      if (pair.state !== "dialing") return;
      if (!this.reachable(from, target)) return this.fail(pair, "1006 dial timed out");
      pair.state = "open";
      pair.inbound = this.inLink(pair);
      this.clock.trace(`link ${fromAddress} -> ${to} open`);
      target.handler.opened(pair.inbound);
      if (pair.state === "open") from.handler.opened(pair.out);
      this.watch(pair);
    }, handshake);
    return pair.out;
  }

  /**
   * A dial to an endpoint whose loop can stall: its server accepts the
   * upgrade when its loop gets to it, and the dialer hears of it a latency
   * later, or gives up after the dial timeout (ws's handshakeTimeout in
   * ws-transport.ts, the relay's dial deadline: both 10 s).
   */
  private upgrade(pair: Pair, target: Endpoint, loop: StallingLoop): void {
    const from = pair.from;
    const giveUp = this.clock.schedule(() => this.fail(pair, "1006 opening handshake timed out"), this.options.dialTimeoutMs);
    this.clock.schedule(() => {
      if (pair.state !== "dialing" || !this.reachable(from, target)) return;
      loop(() => {
        if (pair.state !== "dialing" || !this.reachable(from, target)) return;
        giveUp();
        pair.state = "open";
        pair.inbound = this.inLink(pair);
        this.clock.trace(`link ${from.address} -> ${target.address} open`);
        target.handler.opened(pair.inbound);
        this.clock.schedule(() => {
          if (pair.state !== "open") return;
          from.handler.opened(pair.out);
          this.watch(pair);
        }, this.latency());
      });
    }, this.latency());
  }

  /**
   * The heartbeat on a link with exactly one end whose loop can stall, run by
   * the other end (a Tabnode native, or the relay for a tab) on its own beat:
   * a link whose last ping was not answered by this beat is terminated, else
   * it is pinged. A pong leaves only when the stalled loop gets to the ping.
   * Two stalling ends (two tutorial nodes) ping nobody: the seed has no
   * heartbeat.
   */
  private watch(pair: Pair): void {
    const to = pair.to;
    if (to === null || (pair.from.loop === null) === (to.loop === null)) return;
    const toward = to.loop !== null ? "to" : "from";
    const [pinger, stalls] = toward === "to" ? [pair.from, to] : [to, pair.from];
    const back = toward === "to" ? "from" : "to";
    const every = this.options.heartbeatMs;
    const pong = () => {
      pair.answered = true;
      if (pair.busy) this.setBusy(pair, false);
    };
    const beat = () => {
      if (pair.state !== "open") return;
      if (!pair.answered) {
        if (stalls.tabnode) return this.close(pair, "1006 terminated by the heartbeat: no pong");
        if (!pair.busy) this.setBusy(pair, true);
      }
      pair.answered = false;
      this.control(pair, toward, () => stalls.loop!(() => this.control(pair, back, pong)));
      this.clock.schedule(beat, every);
    };
    const sinceBeat = (((this.clock.now - this.beatPhase(pinger)) % every) + every) % every;
    this.clock.schedule(beat, every - sinceBeat);
  }

  /** Both ends' transports learn that the link is (no longer) busy. */
  private setBusy(pair: Pair, busy: boolean): void {
    pair.busy = busy;
    pair.from.handler.shown?.(pair.out);
    if (pair.inbound !== null) pair.to?.handler.shown?.(pair.inbound);
  }

  /** Where in the heartbeat's period an endpoint beats: one timer per process, so one phase per host, and one for the relay. */
  private beatPhase(e: Endpoint): number {
    const key = e.host ?? "relay";
    let phase = this.phases.get(key);
    if (phase === undefined) this.phases.set(key, (phase = this.rng.below(this.options.heartbeatMs)));
    return phase;
  }

  private outLink(pair: Pair, to: string): Link {
    const link: Link = {
      id: linkIds++,
      direction: "out",
      remote: to,
      remoteHost: null,
      get tabnode() {
        return pair.state === "dialing" || pair.to === null ? null : pair.to.tabnode;
      },
      get busy() {
        return pair.busy;
      },
      send: (text) => this.send(pair, "to", text),
      close: (code, reason) => this.close(pair, `${code} ${reason}`),
    };
    return link;
  }

  private inLink(pair: Pair): Link {
    return {
      id: linkIds++,
      direction: "in",
      remote: `${pair.from.address} (sim)`,
      remoteHost: pair.from.host,
      tabnode: pair.from.tabnode,
      get busy() {
        return pair.busy;
      },
      send: (text) => this.send(pair, "from", text),
      close: (code, reason) => this.close(pair, `${code} ${reason}`),
    };
  }

  private latency(): number {
    return this.options.latencyMs + this.rng.exponential(this.options.jitterMs);
  }

  private send(pair: Pair, toward: "to" | "from", text: string): void {
    if (pair.state !== "open") return;
    const sender = toward === "to" ? pair.from : pair.to!;
    const receiver = toward === "to" ? pair.to! : pair.from;
    if (this.dropping?.(sender.address, text) === true) return;
    const at = this.arrival(pair, toward, text.length);
    sender.bytesOut += text.length;
    this.frames++;
    this.clock.schedule(() => {
      if (pair.state !== "open") return;
      if (this.traceFrames) this.clock.trace(`${sender.address} -> ${receiver.address} ${text.length} B ${text.slice(0, 60)}`);
      receiver.bytesIn += text.length;
      const link = toward === "to" ? pair.inbound! : pair.out;
      receiver.handler.message(link, text);
    }, at - this.clock.now);
  }

  /** A ping or a pong: in order with the link's frames, handled by the transport (`arrived`), not the node. */
  private control(pair: Pair, toward: "to" | "from", arrived: () => void): void {
    if (pair.state !== "open") return;
    // A control frame is 2 bytes of header.
    const at = this.arrival(pair, toward, 2);
    this.clock.schedule(() => pair.state === "open" && arrived(), at - this.clock.now);
  }

  /** When a frame of `bytes` sent now arrives: after the sender's uplink, a latency, a retransmission now and then, and the link's earlier frames. */
  private arrival(pair: Pair, toward: "to" | "from", bytes: number): number {
    const sender = toward === "to" ? pair.from : pair.to!;
    const departs = Math.max(this.clock.now, sender.uplinkFreeAt) + (bytes * 1000) / this.options.uplinkBytesPerSecond;
    sender.uplinkFreeAt = departs;
    let at = departs + this.latency();
    if (this.rng.chance(this.options.loss)) at += 3 * 2 * this.options.latencyMs + 200;
    at = Math.max(at, toward === "to" ? pair.lastAtTo : pair.lastAtFrom);
    if (toward === "to") pair.lastAtTo = at;
    else pair.lastAtFrom = at;
    return at;
  }

  /** One end closes: both hear it, the other after a latency. */
  private close(pair: Pair, why: string): void {
    if (pair.state === "closed") return;
    const wasOpen = pair.state === "open";
    pair.state = "closed";
    this.pairs.delete(pair);
    const lag = this.latency();
    this.clock.schedule(() => pair.from.handler.closed(pair.out, why), wasOpen ? lag : 0);
    if (wasOpen && pair.inbound !== null) this.clock.schedule(() => pair.to!.handler.closed(pair.inbound!, why), lag);
  }

  private fail(pair: Pair, why: string): void {
    if (pair.state !== "dialing") return;
    pair.state = "closed";
    this.pairs.delete(pair);
    pair.from.handler.closed(pair.out, why);
  }

  /** A link whose far end is gone: each end still up hears it after `afterMs`; frames meanwhile are lost. */
  private cut(pair: Pair, afterMs: number, why: string): void {
    if (pair.state === "closed") return;
    const wasOpen = pair.state === "open";
    pair.state = "closed";
    this.pairs.delete(pair);
    const fromHandler = pair.from.handler;
    this.clock.schedule(() => pair.from.up && pair.from.handler === fromHandler && fromHandler.closed(pair.out, why), afterMs);
    const to = pair.to;
    if (wasOpen && pair.inbound !== null && to !== null) {
      const toHandler = to.handler;
      this.clock.schedule(() => to.up && to.handler === toHandler && toHandler.closed(pair.inbound!, why), afterMs);
    }
  }

  /**
   * A tab reloaded behind its relay: the links others opened to it come to the
   * new node as new inbound links, and the links it had opened wait for its
   * next dial to the same address (the relay's resume, docs/relay.md).
   */
  private rebind(e: Endpoint): void {
    e.kept.clear();
    for (const p of this.pairs) {
      if (p.state !== "open" || p.to === null) continue;
      if (p.to === e) {
        p.inbound = this.inLink(p);
        const link = p.inbound;
        this.clock.schedule(() => p.state === "open" && e.handler.opened(link), 0);
      } else if (p.from === e) {
        e.kept.set(p.to.address, p);
      }
    }
    // What the new node does not take up again within the grace period, the relay lets go.
    this.clock.schedule(() => {
      for (const p of e.kept.values()) this.close(p, "1000 tab-gone");
      e.kept.clear();
    }, RELAY_GRACE_MS);
  }
}
