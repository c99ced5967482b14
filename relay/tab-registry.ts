/**
 * Addresses handed to tabs: who holds which id, resume tokens, the caps on
 * tabs in all and per IP, the grace period, and discovery (what each tab is
 * told about the others and about native nodes).
 */
import { randomBytes, randomInt } from "node:crypto";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { RelayContext } from "./context.ts";
import { Discovery } from "./discovery.ts";
import { MAX_PEERS_PER_RELAY, Neighbours, type PeerList } from "./neighbours.ts";
import type { PeerInfo, RelayEvent } from "./envelope.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import { Tab } from "./tab.ts";

export type Admission = { readonly ok: true; readonly tab: Tab; readonly resumed: boolean } | { readonly ok: false; readonly reason: RelayReason };

/** Ids are unguessable only to keep them from colliding; addresses are public anyway. Resume tokens are secrets. */
const newId = () => randomBytes(9).toString("base64url");
const newResumeToken = () => randomBytes(24).toString("base64url");

export class TabRegistry {
  private readonly byId = new Map<string, Tab>();
  private readonly byResume = new Map<string, Tab>();
  private readonly perIp = new Map<string, number>();
  private readonly fixedPeers: readonly PeerInfo[];
  /** Every spelling of `<base>/peer/` that means this relay, the public one first; known once the port is. */
  private peerPrefixes: readonly string[] = [];
  private stopping = false;
  private readonly discovery = new Discovery((n) => randomInt(n));
  /** Other relays' peers (RELAYS), told to the tabs here as this relay's own are. */
  readonly neighbours: Neighbours;

  constructor(private readonly ctx: RelayContext) {
    const { homeNode, peers } = ctx.options;
    const natives = peers.filter((a) => a !== homeNode).map((address): PeerInfo => ({ address, kind: "native" }));
    this.fixedPeers = homeNode === null ? natives : [{ address: homeNode, kind: "home" }, ...natives];
    const fixed = new Set(this.fixedPeers.map((p) => p.address));
    this.neighbours = new Neighbours(ctx.options.relays, ctx.options.relaysPollMs, {
      isOwn: (address) => fixed.has(address) || this.localTarget(address) !== null,
      join: (peer) => this.discovery.join(peer),
      leave: (peer) => this.discovery.leave(peer),
    });
  }

  bindAddresses(peerPrefixes: readonly string[]): void {
    this.peerPrefixes = peerPrefixes;
  }

  admit(ip: string, resume: string | null): Admission {
    const held = resume === null ? undefined : this.byResume.get(resume);
    if (held !== undefined) {
      this.countIp(held.ip, -1);
      held.ip = ip;
      this.countIp(ip, 1);
      return { ok: true, tab: held, resumed: true };
    }
    const { maxTabs, maxTabsPerIp } = this.ctx.options.limits;
    if (this.byId.size >= maxTabs) return { ok: false, reason: RelayReason.RelayFull };
    if ((this.perIp.get(ip) ?? 0) >= maxTabsPerIp) return { ok: false, reason: RelayReason.IpFull };
    const id = newId();
    const tab = new Tab(this.ctx, id, this.peerPrefixes[0] + id, newResumeToken(), ip);
    this.byId.set(id, tab);
    this.byResume.set(tab.resume, tab);
    this.countIp(ip, 1);
    this.discovery.join({ address: tab.address, kind: "tab" });
    return { ok: true, tab, resumed: false };
  }

  /** The new socket wins: a reload often connects before the old socket has closed. */
  attach(tab: Tab, socket: WebSocket, stream: Duplex): void {
    if (tab.graceTimer !== null) clearTimeout(tab.graceTimer);
    tab.graceTimer = null;
    const old = tab.socket;
    tab.socket = socket;
    tab.stream = stream;
    if (old !== null && old !== socket) {
      this.ctx.counters.closed(RelayReason.Replaced);
      closeWith(old, RelayReason.Replaced);
    }
  }

  /** The socket closed: the address and links stay for the grace period. */
  detach(tab: Tab, socket: WebSocket): void {
    if (tab.socket !== socket || this.stopping) return;
    tab.socket = null;
    tab.stream = null;
    tab.graceTimer = setTimeout(() => this.release(tab, RelayReason.TabGone), this.ctx.options.limits.graceMs);
    tab.graceTimer.unref();
  }

  private release(tab: Tab, reason: RelayReason): void {
    if (this.byId.get(tab.id) !== tab) return;
    this.byId.delete(tab.id);
    this.byResume.delete(tab.resume);
    this.countIp(tab.ip, -1);
    tab.closeLinks(reason);
    this.discovery.forget(tab);
    this.discovery.leave({ address: tab.address, kind: "tab" });
  }

  welcome(tab: Tab, resumed: boolean): RelayEvent {
    const { maxFrameBytes, framesPerSecond, bytesPerSecond, maxLinksPerTab, graceMs } = this.ctx.options.limits;
    return {
      t: "welcome",
      id: tab.id,
      address: tab.address,
      resume: tab.resume,
      resumed,
      peers: this.peersFor(tab),
      inbound: [...tab.inbound.keys()],
      outbound: [...tab.outbound.values()].filter((l) => l.open).map((l) => l.to),
      // Which of those showed Tabnode's header: a tab that reloaded knows its kept links' dialects without a new upgrade.
      tabnodeInbound: [...tab.inbound.values()].filter((l) => l.tabnode).map((l) => l.id),
      tabnodeOutbound: [...tab.outbound.values()].filter((l) => l.open && l.tabnode).map((l) => l.to),
      limits: { maxFrameBytes, framesPerSecond, bytesPerSecond, maxLinksPerTab, graceMs },
    };
  }

  /** The home node and PEERS, then a sample of this relay's tabs and other relays' peers (discovery.ts). */
  private peersFor(tab: Tab): PeerInfo[] {
    return [...this.fixedPeers, ...this.discovery.welcome(tab)];
  }

  /**
   * What this relay serves to other relays (GET /api/relay/peers): its own
   * peers only, never its neighbours'; as many as a neighbour takes
   * (MAX_PEERS_PER_RELAY), its longest-held tabs first, so the list is the same
   * from one poll to the next and costs the same with 20 tabs or 20,000.
   */
  peerList(publicBase: string): PeerList {
    const peers = [...this.fixedPeers];
    for (const t of this.byId.values()) {
      if (peers.length >= MAX_PEERS_PER_RELAY) break;
      peers.push({ address: t.address, kind: "tab" });
    }
    return { relay: publicBase, peers };
  }

  /** A tab of this relay named by an address: the Tab, "unknown" for one of ours with no such id, null if not ours. */
  localTarget(address: string): Tab | "unknown" | null {
    const prefix = this.peerPrefixes.find((p) => address.startsWith(p));
    if (prefix === undefined) return null;
    return this.byId.get(address.slice(prefix.length)) ?? "unknown";
  }

  find(id: string): Tab | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Tab> {
    return this.byId.values();
  }

  private countIp(ip: string, delta: number): void {
    const n = (this.perIp.get(ip) ?? 0) + delta;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  /** Relay shutdown: every tab socket gets 1001 and every link ends; no grace, nothing is kept. */
  shutdown(): void {
    this.stopping = true;
    this.discovery.stop();
    this.neighbours.stop();
    for (const tab of [...this.byId.values()]) {
      if (tab.graceTimer !== null) clearTimeout(tab.graceTimer);
      if (tab.socket !== null) closeWith(tab.socket, RelayReason.ShuttingDown);
      this.release(tab, RelayReason.ShuttingDown);
    }
  }
}
