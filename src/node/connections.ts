/**
 * Who this node is linked to, and why: its address book, what it dials and
 * how fast, which links it keeps when strangers crowd in, and what a
 * misbehaving link costs.
 *
 * Outbound links are of three kinds (peers.ts): persistent ones (told to
 * keep; redialed with backoff for ever), up to `targetOutbound` chosen from
 * the address book (proven addresses first), and dial-backs to the address
 * an inbound link claims, as JeChain nodes expect (not while every link
 * claiming it is busy: a tutorial node that mines accepts no dial; and again,
 * once both links are lost, to an address a dial-back paired with: a
 * tutorial node never dials again on its own). Dials of addresses never
 * proven (chosen and dial-backs) share a budget per minute; every address
 * backs off after failures (address-book.ts). Nothing a handshake names is dialed at once: it
 * goes into the book, one source's share bounded.
 *
 * Links that serve nothing are let go: an inbound link that names no address
 * in time, an outbound link to an address that never links back. A link
 * that is busy (it misses the transport's pings, as a tutorial node mining
 * does) is kept. When the inbound slots are full a newcomer takes the place
 * of the least useful link, busy ones before the others that pair; the links
 * that most recently gave this node a new block or transaction, and the
 * oldest paired ones, are never evicted for it (after Bitcoin Core's inbound
 * eviction). A node left alone (after an attack, a
 * restart, a network cut) dials its proven peers again on its own.
 *
 * Misbehaviour costs the link that misbehaved and what the node can prove
 * about its sender, never a third party: the link is cut; an inbound link's
 * TCP origin (not a loopback one) is discouraged for a while, so its links
 * are the first evicted; an outbound link's address (the one this node
 * dialed) is not dialed again for a while. The address an inbound link
 * claims is never banned: anyone can claim anyone's.
 */
import { checkDialAddress, type AddressReason, type DialPolicy } from "../protocol/dial-rule.ts";
import { isTutorial } from "../protocol/dialect.ts";
import { classifyHost } from "../protocol/ip-range.ts";
import { AddressBook, DEFAULT_ADDRESS_BOOK_BOUNDS, type AddressBookBounds, type AddressEntry } from "./address-book.ts";
import { PeerTable, type OutboundKind, type Peer } from "./peers.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { Link, Transport } from "./transport.ts";

export interface ConnectionBounds {
  /** Outbound links this node chooses from its address book. */
  readonly targetOutbound: number;
  readonly maxPersistent: number;
  readonly maxInbound: number;
  /** Dials of addresses chosen from the book and dial-backs, a minute (persistent ones aside). */
  readonly dialsPerMinute: number;
  /** An inbound link that has named no address (TYPE_HANDSHAKE) by then is closed. */
  readonly namingTimeoutMs: number;
  /** An outbound link whose address has not linked back by then serves nothing: closed, counted a failure. */
  readonly pairTimeoutMs: number;
  /** A link that closes sooner than this after opening counts as a failure of its address. */
  readonly youngLinkMs: number;
  readonly tickMs: number;
  /** Inbound links never evicted for a newcomer: the latest to give a new block, a new transaction, and the oldest paired. */
  readonly protectBlocks: number;
  readonly protectTxs: number;
  readonly protectOldest: number;
  /** Misbehaviour within `strikeWindowMs` that gets a link cut, and how long its provable origin stays discouraged or banned. */
  readonly strikesToCut: number;
  readonly strikeWindowMs: number;
  readonly banMs: number;
  readonly maxDiscouraged: number;
}

export const DEFAULT_CONNECTION_BOUNDS: ConnectionBounds = {
  targetOutbound: 8,
  maxPersistent: 16,
  maxInbound: 64,
  dialsPerMinute: 30,
  namingTimeoutMs: 20_000,
  pairTimeoutMs: 30_000,
  youngLinkMs: 30_000,
  tickMs: 2_000,
  protectBlocks: 4,
  protectTxs: 4,
  protectOldest: 4,
  strikesToCut: 5,
  strikeWindowMs: 60_000,
  banMs: 10 * 60_000,
  maxDiscouraged: 1024,
};

export type DialResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: AddressReason | "dial-self" | "dial-banned" | "dial-peer-cap"; readonly detail: string };

export interface ConnectionEnv {
  readonly now: () => number;
  readonly schedule: (fn: () => void, ms: number) => () => void;
  /** A log line of a kind that strangers can cause at will (the node budgets them per kind). */
  readonly say: (kind: string, line: string) => void;
  /** A uniformly random index below n. */
  readonly pick: (n: number) => number;
}

export interface ConnectionEvents {
  /** An outbound link opened: introduce ourselves on it. */
  opened(peer: Peer): void;
  /**
   * Both links to an address exist, for the first time since either opened.
   * `proven`: this node dialed it of its own accord (not a dial-back to a
   * claim), so the link back is its answer; only then is it passed on.
   */
  paired(address: string, proven: boolean): void;
  /** A link is gone (closed by either side, evicted, or cut). */
  closed(peer: Peer, why: string): void;
  /** The peer list changed. */
  changed(): void;
}

export class Connections {
  readonly peers = new PeerTable();
  readonly book: AddressBook;
  /** Inbound TCP origins that misbehaved, and until when. */
  private readonly discouraged = new Map<string, number>();
  private readonly dials: TokenBucket;
  private transport: Transport | null = null;
  private stopTick: () => void = () => {};
  private self: string;

  constructor(
    self: string,
    private readonly policy: DialPolicy,
    readonly bounds: ConnectionBounds,
    private readonly env: ConnectionEnv,
    private readonly events: ConnectionEvents,
    bookBounds: AddressBookBounds = DEFAULT_ADDRESS_BOOK_BOUNDS,
  ) {
    this.self = self;
    this.book = new AddressBook(bookBounds);
    this.dials = new TokenBucket(bounds.dialsPerMinute, Math.max(1, Math.ceil(bounds.dialsPerMinute / 2)));
  }

  /** Starts dialing and upkeep. */
  useTransport(transport: Transport): void {
    this.transport = transport;
    this.scheduleTick();
  }

  setSelf(address: string): void {
    this.self = address;
  }

  close(): void {
    this.stopTick();
    this.transport = null;
  }

  // ---- what the node is told --------------------------------------------------

  /** Keeps a link to `address` for good (PEERS, an operator, a user): dialed now, and again whenever lost. */
  connect(address: string, source: string): DialResult {
    const now = this.env.now();
    if (address === this.self) return { ok: false, reason: "dial-self", detail: "that is this node's own address" };
    const allowed = checkDialAddress(address, this.policy);
    if (!allowed.ok) return allowed;
    if (this.book.isBanned(address, now)) return { ok: false, reason: "dial-banned", detail: `${address} misbehaved on a link this node opened; not dialed for a while` };
    const entry = this.book.get(address);
    if (entry?.persistent !== true && this.persistentCount() >= this.bounds.maxPersistent) {
      return { ok: false, reason: "dial-peer-cap", detail: `already ${this.bounds.maxPersistent} peers to keep` };
    }
    this.book.add(address, source, now, true);
    const held = this.peers.outboundTo(address);
    if (held === undefined) this.dial(address, "persistent", now);
    return { ok: true };
  }

  /** Addresses heard of (a handshake, the relay): into the book, to be dialed when a slot needs them. */
  learn(addresses: readonly string[], source: string): void {
    const now = this.env.now();
    for (const address of addresses) {
      if (address === this.self || !checkDialAddress(address, this.policy).ok) continue;
      this.book.add(address, source, now);
    }
    if (this.peers.countOutbound("auto") < this.bounds.targetOutbound) this.fillOutbound(now);
  }

  // ---- links ----------------------------------------------------------------

  /** An inbound link arrived: admitted, perhaps in place of the least useful one, or refused. */
  inboundOpened(link: Link): Peer | null {
    if (this.peers.inboundCount >= this.bounds.maxInbound) {
      const victim = this.evictionCandidate();
      if (victim === null) {
        link.close(1013, "too many inbound peers");
        return null;
      }
      this.cut(victim, 1013, "evicted for a newcomer", `inbound slots full (${this.bounds.maxInbound}); evicted the least useful link`);
    }
    const peer = this.peers.addInbound(link, this.env.now());
    this.events.changed();
    return peer;
  }

  outboundOpened(link: Link): Peer | null {
    const peer = this.peers.byLink(link);
    if (peer === undefined) {
      link.close(1000, "not dialed");
      return null;
    }
    peer.open = true;
    peer.openedAt = this.env.now();
    this.events.opened(peer);
    this.checkPair(peer.address!);
    this.events.changed();
    return peer;
  }

  /** A link closed (or a dial failed); null when it was cut already. */
  linkClosed(link: Link, why: string): Peer | null {
    const peer = this.peers.byLink(link);
    if (peer === undefined) return null;
    this.peers.remove(peer);
    const now = this.env.now();
    if (peer.direction === "out") {
      // Closed young, or with 1013 (try again later: its slots are full and it let us go): back off, and
      // from a full node as from a stranger, so that a crowd of tabs does not take turns evicting each other.
      const full = why.startsWith("1013");
      if (full || peer.openedAt === null || now - peer.openedAt < this.bounds.youngLinkMs) this.book.failed(peer.address!, now, full);
      else this.book.attempted(peer.address!, now);
    }
    this.events.closed(peer, why);
    this.releaseDialBack(peer);
    this.events.changed();
    return peer;
  }

  /**
   * A dial-back lives as long as some inbound link claims its address: so
   * there is never more than one per inbound link, however fast inbound links
   * come and go (the simulator found a popular node holding more).
   */
  private releaseDialBack(gone: Peer): void {
    if (gone.direction !== "in" || gone.address === null || this.peers.claimants(gone.address).length > 0) return;
    const back = this.peers.outboundTo(gone.address);
    if (back?.kind !== "dialback") return;
    // A tutorial node's pair lost counts as a failure of its address: redialing it is bounded as other never-proven dials are.
    if (this.book.get(gone.address)?.linked === true) this.book.failed(gone.address, this.env.now());
    this.cut(back, 1000, "no link back", `its last inbound link closed`);
  }

  /** An inbound link names itself (its first handshake): a claim. This node dials it back, if it may. */
  named(peer: Peer, address: string): void {
    peer.address = address;
    if (address !== this.self && checkDialAddress(address, this.policy).ok) {
      const now = this.env.now();
      this.book.add(address, this.sourceOf(peer), now, false, true);
      this.dialBack(address, now);
      this.checkPair(address);
    }
    this.events.changed();
  }

  /** It gave this node something valid and new: such links are kept when strangers crowd in. */
  served(peer: Peer, what: "block" | "tx"): void {
    if (what === "block") peer.lastBlockAt = this.env.now();
    else peer.lastTxAt = this.env.now();
  }

  /**
   * One more bad frame on `peer`'s link. Past the limit the link is cut and
   * what can be proven about its sender pays: true when it was cut.
   */
  strike(peer: Peer): boolean {
    const now = this.env.now();
    peer.strikes = peer.strikes.filter((t) => now - t < this.bounds.strikeWindowMs);
    peer.strikes.push(now);
    if (peer.strikes.length < this.bounds.strikesToCut) return false;
    this.punish(peer, `${peer.strikes.length} bad frames in ${this.bounds.strikeWindowMs} ms`);
    return true;
  }

  /** Cuts a link that misbehaved; its provable origin is discouraged (inbound) or its address banned (outbound). */
  punish(peer: Peer, why: string): void {
    if (!this.peers.has(peer)) return;
    const now = this.env.now();
    let cost = "";
    if (peer.direction === "out") {
      this.book.ban(peer.address!, now + this.bounds.banMs);
      cost = `; ${peer.address} not dialed for ${this.bounds.banMs} ms`;
    } else {
      const host = peer.link.remoteHost;
      if (host !== null && classifyHost(host) !== "loopback") {
        this.discouraged.delete(host);
        this.discouraged.set(host, now + this.bounds.banMs);
        if (this.discouraged.size > this.bounds.maxDiscouraged) this.discouraged.delete(this.discouraged.keys().next().value as string);
        cost = `; links from ${host} evicted first for ${this.bounds.banMs} ms`;
      }
    }
    this.cut(peer, 1008, "misbehaving", `${why}${cost}`);
  }

  /** Addresses paired now (both links open): the peers to ask for a chain. */
  pairedAddresses(): string[] {
    return this.peers.pairedAddresses();
  }

  /** Paired addresses that are proven (address-book.ts `tried`): the only ones an introduction passes on. */
  provenAddresses(): string[] {
    return this.peers.pairedAddresses().filter((a) => this.book.get(a)?.tried === true);
  }

  isDiscouraged(host: string | null, now: number): boolean {
    if (host === null) return false;
    const until = this.discouraged.get(host);
    if (until === undefined) return false;
    if (until > now) return true;
    this.discouraged.delete(host);
    return false;
  }

  // ---- upkeep -----------------------------------------------------------------

  private scheduleTick(): void {
    this.stopTick = this.env.schedule(() => {
      this.tick();
      if (this.transport !== null) this.scheduleTick();
    }, this.bounds.tickMs);
  }

  /** Lets go of links that serve nothing, dials back, keeps persistent peers, fills the chosen outbound slots. */
  tick(): void {
    const now = this.env.now();
    for (const p of [...this.peers.inboundPeers()]) {
      if (p.address === null && now - p.since >= this.bounds.namingTimeoutMs) this.cut(p, 1008, "no handshake", `named no address in ${this.bounds.namingTimeoutMs} ms`);
    }
    for (const p of [...this.peers.outboundPeers()]) {
      if (p.kind === "persistent" || !p.open || p.openedAt === null || now - p.openedAt < this.bounds.pairTimeoutMs || this.peers.isPaired(p.address!)) continue;
      this.book.failed(p.address!, now);
      this.cut(p, 1000, "no link back", `${p.address} did not link back in ${this.bounds.pairTimeoutMs} ms`);
    }
    for (const p of [...this.peers.inboundPeers()]) if (p.address !== null) this.dialBack(p.address, now);
    for (const e of [...this.book.all()]) {
      if (this.peers.outboundTo(e.address) !== undefined || this.book.readyAt(e) > now) continue;
      if (e.persistent) this.dial(e.address, "persistent", now);
      // A tutorial node a dial-back paired with, both of whose links are gone: dialed again, so that it can dial back.
      else if (e.linked && !e.tried && this.peers.claimants(e.address).length === 0 && this.mayDial(e, now)) this.dial(e.address, "dialback", now);
    }
    this.fillOutbound(now);
  }

  private fillOutbound(now: number): void {
    let need = this.bounds.targetOutbound - this.peers.countOutbound("auto");
    if (need <= 0 || this.transport === null) return;
    const skip = (a: string) => a === this.self || this.peers.outboundTo(a) !== undefined;
    for (const e of this.book.candidates(now, skip, (items) => this.shuffle(items))) {
      if (need <= 0 || !this.mayDial(e, now)) return;
      this.dial(e.address, "auto", now);
      need--;
    }
  }

  private dialBack(address: string, now: number): void {
    if (this.transport === null || address === this.self || this.peers.outboundTo(address) !== undefined) return;
    // Busy (its links miss pings: a tutorial node mining) accepts no dial: it would only time out and count as a failure.
    const claimants = this.peers.claimants(address);
    if (claimants.length > 0 && claimants.every((c) => c.link.busy === true)) return;
    const entry = this.book.get(address);
    if (entry === undefined || this.book.readyAt(entry) > now || !this.mayDial(entry, now)) return;
    this.dial(address, "dialback", now);
  }

  /**
   * The budget is for addresses never proven: those are what strangers can
   * make up. A proven peer is redialed as its backoff allows, so no stranger
   * naming addresses can starve the node of the peers it knows.
   */
  private mayDial(entry: AddressEntry, now: number): boolean {
    return entry.tried || this.dials.take(now);
  }

  private dial(address: string, kind: OutboundKind, now: number): void {
    if (this.transport === null) return;
    this.book.attempted(address, now);
    this.peers.addOutbound(address, this.transport.dial(address), kind, now);
    this.events.changed();
  }

  /**
   * A pair proves an address only when this node dialed it of its own accord
   * and a link claiming it is there. A dial-back answers a claim, and any link
   * can claim any address: were that a proof, a stranger naming a server that
   * merely accepts links (and never links back) would make it proven, passed
   * on to every peer and redialed forever (found by the simulator, scenario
   * claimed-proof).
   */
  private checkPair(address: string): void {
    if (!this.peers.isPaired(address)) return;
    const proven = this.peers.outboundTo(address)?.kind !== "dialback";
    if (proven) this.book.succeeded(address, this.env.now());
    // A tutorial node never dials again on its own: once paired, it is redialed when both links are lost (tick).
    else if (isTutorial(this.peers.dialectOf(address))) this.book.relinked(address);
    this.events.paired(address, proven);
  }

  /** Removes a link at once (so every bound holds exactly), closes it, and says why. */
  private cut(peer: Peer, code: number, reason: string, why: string): void {
    if (!this.peers.has(peer)) return;
    this.peers.remove(peer);
    peer.link.close(code, reason);
    this.env.say(`cut ${reason}`, `cut ${peer.direction}#${peer.link.id} ${peer.address ?? peer.link.remote}: ${why}`);
    this.events.closed(peer, reason);
    this.releaseDialBack(peer);
    this.events.changed();
  }

  /**
   * The inbound link to give up for a newcomer: never one of the latest to
   * give a new block or transaction, nor the oldest paired ones; among the
   * rest, from a discouraged origin first, then one that named no address,
   * then one not paired (the one that has been so longest: an honest newcomer
   * names itself and pairs within moments of opening, so the youngest of
   * these is the likeliest honest), then a busy one (it misses pings), then
   * the youngest paired one.
   */
  private evictionCandidate(): Peer | null {
    const inbound = [...this.peers.inboundPeers()];
    const kept = new Set<Peer>();
    const protect = (list: Peer[], key: (p: Peer) => number, n: number) => list.sort((a, b) => key(b) - key(a)).slice(0, n).forEach((p) => kept.add(p));
    protect(inbound.filter((p) => p.lastBlockAt !== null), (p) => p.lastBlockAt!, this.bounds.protectBlocks);
    protect(inbound.filter((p) => p.lastTxAt !== null), (p) => p.lastTxAt!, this.bounds.protectTxs);
    protect(inbound.filter((p) => p.address !== null && this.peers.isPaired(p.address)), (p) => -p.since, this.bounds.protectOldest);
    const now = this.env.now();
    const rank = (p: Peer) => {
      const paired = p.address !== null && this.peers.isPaired(p.address);
      return [this.isDiscouraged(p.link.remoteHost, now) ? 0 : 1, p.address === null ? 0 : 1, paired ? 1 : 0, p.link.busy === true ? 0 : 1, paired ? -p.since : p.since];
    };
    const candidates = inbound.filter((p) => !kept.has(p));
    candidates.sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
      return 0;
    });
    return candidates[0] ?? null;
  }

  /** Where a link provably comes from, for the book's per-source bound: its TCP origin, else the link itself. */
  sourceOf(peer: Peer): string {
    const host = peer.link.remoteHost;
    return host !== null && classifyHost(host) !== "loopback" ? `host ${host}` : `link ${peer.link.id}`;
  }

  private persistentCount(): number {
    let n = 0;
    for (const e of this.book.all()) if (e.persistent) n++;
    return n;
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.env.pick(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
