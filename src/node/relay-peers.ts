/**
 * What a tab's node does with the peers its relay names (the welcome, then
 * joins and leaves): the home node is kept for good; every other peer, a tab
 * of this relay or of a relay beside it, or a native node, goes into the
 * address book and is dialed as the node's slots need it. One place for the
 * page's worker and the tests' tab-like peers.
 */
import type { PeerInfo } from "../protocol/relay-envelope.ts";
import type { PeerNode } from "./node.ts";

/** A peer as the relay names it (the envelope's schema). */
export type RelayPeer = PeerInfo;

export class RelayPeers {
  /** What the relay said each address is, for the page's peer list. */
  readonly kinds = new Map<string, RelayPeer["kind"]>();

  constructor(private readonly node: PeerNode) {}

  /** The relay admitted this tab at `address`: the node takes it as its own, and the peers the relay knows. */
  welcome(address: string, peers: readonly RelayPeer[]): void {
    this.node.setAddress(address);
    for (const p of peers) if (p.address !== address) this.join(p);
  }

  join(peer: RelayPeer): void {
    this.kinds.set(peer.address, peer.kind);
    if (peer.address.length === 0) return;
    if (peer.kind === "home") this.node.connect(peer.address, "relay");
    else this.node.learn([peer.address], "relay");
  }

  leave(peer: RelayPeer): void {
    this.kinds.delete(peer.address);
  }
}
