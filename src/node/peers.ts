/**
 * The peer table. Seed nodes send only on links they opened and read only on
 * links others opened, so a peer X is really two links: ours to X (we send)
 * and X's to us (we read). The inbound link is named by the first handshake
 * on it (the seed sends [its own address, ...] when its link opens); the pair
 * is complete when both exist, and only then can a question be answered.
 */
import type { Direction, Link } from "./transport.ts";

export interface Peer {
  readonly link: Link;
  readonly direction: Direction;
  /** Outbound: the address dialed. Inbound: the address its first handshake claimed, if any. */
  address: string | null;
  open: boolean;
  readonly since: number;
  /** Times of recent misbehaviour, for the ban rule. */
  strikes: number[];
}

export interface PeerView {
  readonly address: string | null;
  readonly direction: Direction;
  readonly open: boolean;
  readonly since: number;
  readonly remote: string;
}

export class PeerTable {
  private readonly outbound = new Map<string, Peer>();
  private readonly inbound = new Map<number, Peer>();
  private readonly bans = new Map<string, number>();

  addOutbound(address: string, link: Link, now: number): Peer {
    const peer: Peer = { link, direction: "out", address, open: false, since: now, strikes: [] };
    this.outbound.set(address, peer);
    return peer;
  }

  addInbound(link: Link, now: number): Peer {
    const peer: Peer = { link, direction: "in", address: null, open: true, since: now, strikes: [] };
    this.inbound.set(link.id, peer);
    return peer;
  }

  byLink(link: Link): Peer | undefined {
    if (link.direction === "in") return this.inbound.get(link.id);
    for (const p of this.outbound.values()) if (p.link === link) return p;
    return undefined;
  }

  remove(peer: Peer): void {
    if (peer.direction === "in") this.inbound.delete(peer.link.id);
    else if (peer.address !== null && this.outbound.get(peer.address) === peer) this.outbound.delete(peer.address);
  }

  outboundTo(address: string): Peer | undefined {
    return this.outbound.get(address);
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

  /** Addresses we are linked to (ours to them open): what a handshake passes on. */
  knownAddresses(): string[] {
    return this.sendable().map((p) => p.address!);
  }

  /** Both links exist: we can ask X a question and hear its answer. */
  isPaired(address: string): boolean {
    if (this.outbound.get(address)?.open !== true) return false;
    for (const p of this.inbound.values()) if (p.address === address) return true;
    return false;
  }

  /** Every link to or from an address (ours to it, and those that named themselves so). */
  linksOf(address: string): Link[] {
    return [...this.outbound.values(), ...this.inbound.values()].filter((p) => p.address === address).map((p) => p.link);
  }

  ban(address: string, until: number): void {
    this.bans.set(address, until);
  }

  isBanned(address: string, now: number): boolean {
    const until = this.bans.get(address);
    if (until === undefined) return false;
    if (until > now) return true;
    this.bans.delete(address);
    return false;
  }

  list(): PeerView[] {
    return [...this.outbound.values(), ...this.inbound.values()].map((p) => ({
      address: p.address,
      direction: p.direction,
      open: p.open,
      since: p.since,
      remote: p.link.remote,
    }));
  }
}
