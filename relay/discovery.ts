/**
 * Which peers each tab is told of. A tab is told of at most PEERS_PER_TAB
 * others (this relay's tabs and other relays' peers; the home node and PEERS
 * always come on top): all of them while there are few, a random sample when
 * there are more. It hears when one of those leaves, and of newcomers while it
 * knows fewer than PEERS_PER_TAB. A tab's node takes no more than 32
 * addresses from its relay anyway (its address book's bound per source), so a
 * longer list would be bytes for nothing; and telling every tab of every
 * other is n^2: from 4,000 to 6,000 tabs, connecting the last 2,000 took 26 s
 * on the bench, against 3 s for the first 2,000 (npm run bench:relay -- --capacity), and a relay restart
 * with n tabs coming back sends n welcomes of n addresses.
 *
 * Changes are sent in batches, at most every PEER_BATCH_MS, one `peers` event
 * per tab that has news, so tabs coming and going at once cost one event per
 * tab told, not one per change.
 */
import type { PeerInfo } from "./envelope.ts";
import type { Tab } from "./tab.ts";

/** As many as a tab's address book takes from one source (src/node/address-book.ts, maxPerSource). */
export const PEERS_PER_TAB = 32;
/** How long changes gather before they are sent: short enough for a live peer list. */
export const PEER_BATCH_MS = 100;

interface News {
  readonly join: PeerInfo[];
  readonly leave: PeerInfo[];
}

export class Discovery {
  /** Every peer a tab may be told of (this relay's tabs, other relays' peers), in an array for picks at random. */
  private readonly pool: PeerInfo[] = [];
  private readonly poolIndex = new Map<string, number>();
  /** For each peer, the tabs told of it: they hear when it leaves. */
  private readonly tellers = new Map<string, Set<Tab>>();
  /** Tabs told of fewer than PEERS_PER_TAB peers, oldest first: newcomers are announced to them. */
  private readonly hungry = new Set<Tab>();
  private readonly pending = new Map<Tab, News>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly pick: (n: number) => number) {}

  /** The peers a tab's welcome names (a sample of the pool, never itself); from now on it hears of their leaving. */
  welcome(tab: Tab): PeerInfo[] {
    this.forget(tab);
    const chosen: PeerInfo[] = [];
    const others = this.pool.length - (this.poolIndex.has(tab.address) ? 1 : 0);
    if (others <= PEERS_PER_TAB) {
      for (const p of this.pool) if (p.address !== tab.address) chosen.push(p);
    } else {
      const picked = new Set<number>();
      while (chosen.length < PEERS_PER_TAB) {
        const i = this.pick(this.pool.length);
        const p = this.pool[i]!;
        if (picked.has(i) || p.address === tab.address) continue;
        picked.add(i);
        chosen.push(p);
      }
    }
    for (const p of chosen) this.tell(tab, p);
    if (tab.told.size < PEERS_PER_TAB) this.hungry.add(tab);
    return chosen;
  }

  /** A peer came: into the pool, and announced to tabs that know fewer than PEERS_PER_TAB. */
  join(peer: PeerInfo): void {
    if (this.poolIndex.has(peer.address)) return;
    this.poolIndex.set(peer.address, this.pool.length);
    this.pool.push(peer);
    let told = 0;
    for (const tab of this.hungry) {
      if (told >= PEERS_PER_TAB) break;
      if (tab.address === peer.address) continue;
      this.tell(tab, peer);
      this.queue(tab).join.push(peer);
      told++;
    }
  }

  /** A peer went: out of the pool, and every tab told of it hears so. */
  leave(peer: PeerInfo): void {
    const i = this.poolIndex.get(peer.address);
    if (i === undefined) return;
    const last = this.pool.pop()!;
    if (last.address !== peer.address) {
      this.pool[i] = last;
      this.poolIndex.set(last.address, i);
    }
    this.poolIndex.delete(peer.address);
    for (const tab of this.tellers.get(peer.address) ?? []) {
      tab.told.delete(peer.address);
      this.hungry.add(tab);
      const news = this.queue(tab);
      // A peer that came and went within one batch is news to no one.
      const joined = news.join.findIndex((p) => p.address === peer.address);
      if (joined === -1) news.leave.push(peer);
      else news.join.splice(joined, 1);
    }
    this.tellers.delete(peer.address);
  }

  /** A tab's record is gone (its address released): it is told of nothing any more. */
  forget(tab: Tab): void {
    for (const address of tab.told) this.tellers.get(address)?.delete(tab);
    tab.told.clear();
    this.hungry.delete(tab);
    this.pending.delete(tab);
  }

  private tell(tab: Tab, peer: PeerInfo): void {
    tab.told.add(peer.address);
    let set = this.tellers.get(peer.address);
    if (set === undefined) this.tellers.set(peer.address, (set = new Set()));
    set.add(tab);
    if (tab.told.size >= PEERS_PER_TAB) this.hungry.delete(tab);
  }

  private queue(tab: Tab): News {
    let news = this.pending.get(tab);
    if (news === undefined) this.pending.set(tab, (news = { join: [], leave: [] }));
    if (this.timer === null && !this.stopped) {
      this.timer = setTimeout(() => this.flush(), PEER_BATCH_MS);
      this.timer.unref();
    }
    return news;
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [tab, { join, leave }] of pending) if (join.length > 0 || leave.length > 0) tab.event({ t: "peers", join, leave });
  }

  /** The relay is stopping: nothing more is sent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
