/**
 * The peer table. Seed nodes send only on links they opened and read only on
 * links others opened, so a peer X is really two links: ours to X (we send)
 * and X's to us (we read). The inbound link is named by the first handshake
 * on it (the seed sends [its own address, ...] when its link opens); that
 * name is a claim, never an identity. The pair is complete when our link to
 * the address is open and some inbound link claims it: only then can a
 * question be asked and its answer heard.
 */
import type { Dialect, Quirk, StreamForm } from "../protocol/dialect.ts";
import type { Direction, Link } from "./transport.ts";

/**
 * Why this node holds an outbound link: an address it was told to keep
 * (PEERS, an operator, the page's user, the relay's home node), one it chose
 * from its address book, or the address an inbound link claimed (dialed back,
 * as JeChain nodes expect, so that it can hear us).
 */
export type OutboundKind = "persistent" | "auto" | "dialback";
export type PeerKind = OutboundKind | "inbound";

export interface Peer {
  readonly link: Link;
  readonly direction: Direction;
  readonly kind: PeerKind;
  /** Outbound: the address dialed. Inbound: the address its first handshake claimed, if any. */
  address: string | null;
  open: boolean;
  readonly since: number;
  /** When an outbound link opened. */
  openedAt: number | null;
  /** Times of recent misbehaviour on this link. */
  strikes: number[];
  /** Refusals not held against it one by one (duplicates, races): `benignPerStrike` of them make one strike. */
  benign: number;
  /** When it last gave this node a valid block or transaction that was new to it: peers that serve are kept. */
  lastBlockAt: number | null;
  lastTxAt: number | null;
  /** The chain-stream form this link's sender showed (a tutorial node's dialect), if any. */
  form: StreamForm | null;
  /** When a frame last arrived on this link. */
  heardAt: number | null;
  /** The highest main- or side-chain block this link showed (sent, or named as its tip), by height; null until it shows one this node knows. */
  height: number | null;
  /** Documented tutorial quirks seen on this link, each logged once. */
  readonly quirks: Set<Quirk>;
}

export interface PeerView {
  readonly address: string | null;
  readonly direction: Direction;
  readonly kind: PeerKind;
  readonly open: boolean;
  /** Both links exist (for an inbound link: our link to the address it claims is open). */
  readonly paired: boolean;
  readonly since: number;
  readonly remote: string;
  /** What the peer at this address speaks, as far as it has shown (dialectOf). */
  readonly dialect: Dialect;
  /** Its link missed the last ping (a busy tutorial node, or a host gone quiet). */
  readonly busy: boolean;
  readonly heardAt: number | null;
  readonly height: number | null;
}

export class PeerTable {
  private readonly outbound = new Map<string, Peer>();
  private readonly inbound = new Map<number, Peer>();
  private readonly outboundLinks = new Map<number, Peer>();

  addOutbound(address: string, link: Link, kind: OutboundKind, now: number): Peer {
    const peer = newPeer(link, kind, address, false, now);
    this.outbound.set(address, peer);
    this.outboundLinks.set(link.id, peer);
    return peer;
  }

  addInbound(link: Link, now: number): Peer {
    const peer = newPeer(link, "inbound", null, true, now);
    this.inbound.set(link.id, peer);
    return peer;
  }

  byLink(link: Link): Peer | undefined {
    return link.direction === "in" ? this.inbound.get(link.id) : this.outboundLinks.get(link.id);
  }

  /** Whether `peer` is (still) in the table. */
  has(peer: Peer): boolean {
    return this.byLink(peer.link) === peer;
  }

  remove(peer: Peer): void {
    if (peer.direction === "in") {
      this.inbound.delete(peer.link.id);
      return;
    }
    this.outboundLinks.delete(peer.link.id);
    if (peer.address !== null && this.outbound.get(peer.address) === peer) this.outbound.delete(peer.address);
  }

  outboundTo(address: string): Peer | undefined {
    return this.outbound.get(address);
  }

  outboundPeers(): IterableIterator<Peer> {
    return this.outbound.values();
  }

  inboundPeers(): IterableIterator<Peer> {
    return this.inbound.values();
  }

  /** Open links we may send on. */
  sendable(): Peer[] {
    return [...this.outbound.values()].filter((p) => p.open);
  }

  get outboundCount(): number {
    return this.outbound.size;
  }

  get inboundCount(): number {
    return this.inbound.size;
  }

  countOutbound(kind: OutboundKind): number {
    let n = 0;
    for (const p of this.outbound.values()) if (p.kind === kind) n++;
    return n;
  }

  /** Both links exist: we can ask X a question and hear its answer. */
  isPaired(address: string): boolean {
    if (this.outbound.get(address)?.open !== true) return false;
    for (const p of this.inbound.values()) if (p.address === address) return true;
    return false;
  }

  /** Inbound links that claim `address`. */
  claimants(address: string): Peer[] {
    return [...this.inbound.values()].filter((p) => p.address === address);
  }

  /** Proven addresses (paired), to pass on in a handshake. */
  pairedAddresses(): string[] {
    return this.sendable()
      .map((p) => p.address!)
      .filter((a) => this.isPaired(a));
  }

  /**
   * What the peer at `address` speaks. Our link to it is what we send on, and
   * its upgrade answer came from the address itself: it decides whether the
   * address is Tabnode. Until it is known, the inbound links claiming the
   * address say (a claim, but one that only changes what is sent to it). A
   * tutorial node is known by the stream form a link claiming it showed.
   */
  dialectOf(address: string): Dialect {
    return dialectOf(this.outbound.get(address), this.claimants(address));
  }

  /** Open links we may send on to Tabnode peers: the ones relayed copies go to. */
  tabnodeSendable(): Peer[] {
    return this.sendable().filter((p) => this.dialectOf(p.address!) === "tabnode");
  }

  list(): PeerView[] {
    return [...this.outbound.values(), ...this.inbound.values()].map((p) => ({
      address: p.address,
      direction: p.direction,
      kind: p.kind,
      open: p.open,
      paired: p.address !== null && this.isPaired(p.address),
      since: p.since,
      remote: p.link.remote,
      dialect: p.address !== null ? this.dialectOf(p.address) : dialectOf(undefined, [p]),
      busy: p.link.busy === true,
      heardAt: p.heardAt,
      height: p.height,
    }));
  }
}

function dialectOf(out: Peer | undefined, claimants: readonly Peer[]): Dialect {
  const shown = out?.link.tabnode ?? null;
  if (shown === true || (shown === null && claimants.some((c) => c.link.tabnode === true))) return "tabnode";
  if (shown === null && !claimants.some((c) => c.link.tabnode === false)) return "unknown";
  return claimants.find((c) => c.form !== null)?.form ?? "tutorial";
}

function newPeer(link: Link, kind: PeerKind, address: string | null, open: boolean, now: number): Peer {
  return { link, direction: link.direction, kind, address, open, since: now, openedAt: null, strikes: [], benign: 0, lastBlockAt: null, lastTxAt: null, form: null, heardAt: null, height: null, quirks: new Set() };
}
