/**
 * Peers as a person thinks of them: one row per address, whatever links it
 * takes (a JeChain peer is two links, ours to it and its to us), with what
 * this tab knows of it. Pure: the node's link views and what the relay and
 * the browser said of each address go in, rows come out.
 */
import { isTutorial, type Dialect } from "../protocol/dialect.ts";
import type { PeerView } from "../node/peers.ts";
import type { PeerKindShown, PeerRow } from "./messages.ts";

export interface PeerFacts {
  /** What the relay said the address is, if it named it. */
  relayKind(address: string): "tab" | "native" | "home" | undefined;
  /** Another tab of this browser (own-tabs.ts). */
  ownTab(address: string): boolean;
  /** A tab of this browser that said it closed: its links linger at the relay for a while, no one behind them. */
  closedTab(address: string): boolean;
}

/** A relay's address for a tab: `ws(s)://host/peer/<id>` (relay/tab-registry.ts). */
const TAB_ADDRESS = /^wss?:\/\/[^/]+(\/.*)?\/peer\/[^/]+$/;

export function peerKind(address: string, dialect: Dialect, facts: PeerFacts): PeerKindShown {
  if (facts.ownTab(address)) return "own-tab";
  const said = facts.relayKind(address);
  if (said === "home") return "home";
  if (said === "tab" || TAB_ADDRESS.test(address)) return "tab";
  if (isTutorial(dialect)) return "tutorial";
  return "native";
}

const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Rows for the addresses this node hears: a JeChain peer speaks on the link
 * it opened to us, so an address is a peer once such a link names it. Our
 * own link alone proves nothing (the relay answers for a tab that closed, in
 * its grace period): those addresses are `waiting`, for it to link back.
 * Inbound links that have named no address are counted apart: no one yet.
 */
export function peerRows(views: readonly PeerView[], facts: PeerFacts): { readonly rows: PeerRow[]; readonly unnamed: number; readonly waiting: string[] } {
  const by = new Map<string, PeerView[]>();
  let unnamed = 0;
  for (const v of views) {
    if (v.address !== null && facts.closedTab(v.address)) continue;
    if (v.address === null) {
      unnamed++;
      continue;
    }
    by.set(v.address, [...(by.get(v.address) ?? []), v]);
  }
  const rows: PeerRow[] = [];
  const waiting: string[] = [];
  for (const [address, links] of by) {
    const inbound = links.some((l) => l.direction === "in");
    const outbound = links.some((l) => l.direction === "out" && l.open);
    if (!inbound) {
      if (outbound) waiting.push(address);
      continue;
    }
    const dialect = links[0]!.dialect;
    rows.push({
      address,
      kind: peerKind(address, dialect, facts),
      dialect,
      busy: links.some((l) => l.busy),
      inbound,
      outbound,
      paired: links.some((l) => l.paired),
      since: Math.min(...links.map((l) => l.since)),
      heardAt: links.reduce<number | null>((t, l) => later(t, l.heardAt), null),
      height: links.reduce<number | null>((h, l) => later(h, l.height), null),
    });
  }
  rows.sort((a, b) => a.since - b.since || a.address.localeCompare(b.address));
  return { rows, unnamed, waiting };
}
