/**
 * The addresses this node knows of, and what it knows about each: who told
 * it, when it was last tried, how often in a row that failed, and whether it
 * ever proved to be a JeChain peer (a link both ways, "tried"). After Bitcoin
 * Core's addrman: addresses heard of ("new") and proven ones ("tried") are
 * kept apart, so a flood of addresses from strangers can push out other
 * strangers' addresses but never the peers this node has proven; one source
 * can only add so many; failures back off exponentially; and an address that
 * never worked is dropped after a few tries and not taken back for a while,
 * whoever names it again. Dialing itself (how many, how fast) is the
 * connection manager's (connections.ts); this file only keeps the facts.
 */

export interface AddressBookBounds {
  /** Addresses heard of but never proven. */
  readonly maxNew: number;
  /** Addresses proven (paired at least once). */
  readonly maxTried: number;
  /** New addresses one source may have in the book. */
  readonly maxPerSource: number;
  /** Wait after the first failure; doubled for each failure in a row, up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /**
   * The most a proven or persistent address waits: a peer that worked is
   * worth a try every few minutes however long it was away (a partition that
   * lasted an hour must not keep the halves apart for another hour).
   */
  readonly retryMaxProvenMs: number;
  /** A never-proven address is dropped after this many failures in a row... */
  readonly maxFailures: number;
  /** ...and refused for this long after, whoever names it. */
  readonly forgetMs: number;
  /** Dropped addresses remembered. */
  readonly maxForgotten: number;
}

export const DEFAULT_ADDRESS_BOOK_BOUNDS: AddressBookBounds = {
  maxNew: 1024,
  maxTried: 256,
  maxPerSource: 32,
  retryBaseMs: 15_000,
  retryMaxMs: 60 * 60_000,
  retryMaxProvenMs: 2 * 60_000,
  maxFailures: 4,
  forgetMs: 60 * 60_000,
  maxForgotten: 4096,
};

export interface AddressEntry {
  readonly address: string;
  /** Who named it first: a peer's provable origin, or "config", "user", "relay". */
  readonly source: string;
  readonly addedAt: number;
  /** Kept whatever happens and retried for ever (PEERS, an operator's or user's own choice). */
  persistent: boolean;
  /** Proven: it once answered with a link of its own. */
  tried: boolean;
  /** Failed dials (or links that died young) in a row. */
  failures: number;
  lastTry: number | null;
  lastSuccess: number | null;
  /** Not dialed before this time (misbehaved on a link this node opened to it). */
  bannedUntil: number;
  /** Its last answer was "full, try again later" (1013): it backs off as a stranger would, however proven. */
  full: boolean;
  /**
   * Known only because a link claimed it: dialed back while a link claims it,
   * never chosen from the book (a claim proves nothing; the claimer dials).
   */
  claimedOnly: boolean;
  /**
   * A tutorial node paired through a dial-back at least once: a peer this node
   * knew, though it never proved its address. When both links are lost it is redialed as the
   * never-proven are (the dial budget, backoff), until `maxFailures` in a row
   * end that (and the next failure drops it): a tutorial node never dials
   * again on its own.
   */
  linked: boolean;
}

export type AddResult = "added" | "known" | "forgotten" | "source-full";

export class AddressBook {
  private readonly entries = new Map<string, AddressEntry>();
  private readonly perSource = new Map<string, number>();
  /** Dropped addresses and until when they stay refused. */
  private readonly forgotten = new Map<string, number>();
  private newCount = 0;

  constructor(readonly bounds: AddressBookBounds = DEFAULT_ADDRESS_BOOK_BOUNDS) {}

  get size(): number {
    return this.entries.size;
  }

  get triedCount(): number {
    return this.entries.size - this.newCount;
  }

  get forgottenCount(): number {
    return this.forgotten.size;
  }

  get(address: string): AddressEntry | undefined {
    return this.entries.get(address);
  }

  all(): IterableIterator<AddressEntry> {
    return this.entries.values();
  }

  /** Adds an address heard of; one already known keeps its history. */
  add(address: string, source: string, now: number, persistent = false, claimed = false): AddResult {
    const known = this.entries.get(address);
    if (known !== undefined) {
      if (persistent) known.persistent = true;
      if (!claimed) known.claimedOnly = false;
      return "known";
    }
    if (!persistent) {
      const until = this.forgotten.get(address);
      if (until !== undefined && until > now) return "forgotten";
      if ((this.perSource.get(source) ?? 0) >= this.bounds.maxPerSource) return "source-full";
    }
    this.forgotten.delete(address);
    if (this.newCount >= this.bounds.maxNew && !this.evictNew(source)) return "source-full";
    this.entries.set(address, { address, source, addedAt: now, persistent, tried: false, failures: 0, lastTry: null, lastSuccess: null, bannedUntil: 0, full: false, claimedOnly: claimed && !persistent, linked: false });
    this.newCount++;
    this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1);
    return "added";
  }

  /** When it may be dialed next: after its ban, and after the backoff of its failures in a row. */
  readyAt(entry: AddressEntry): number {
    const max = (entry.tried || entry.persistent) && !entry.full ? this.bounds.retryMaxProvenMs : this.bounds.retryMaxMs;
    const backoff = entry.failures === 0 ? 0 : Math.min(this.bounds.retryBaseMs * 2 ** (entry.failures - 1), max);
    return Math.max(entry.bannedUntil, (entry.lastTry ?? -Infinity) + backoff);
  }

  isBanned(address: string, now: number): boolean {
    return (this.entries.get(address)?.bannedUntil ?? 0) > now;
  }

  attempted(address: string, now: number): void {
    const e = this.entries.get(address);
    if (e !== undefined) e.lastTry = now;
  }

  /** A dial failed, or a link died young or served nothing. */
  failed(address: string, now: number, full = false): void {
    const e = this.entries.get(address);
    if (e === undefined) return;
    e.failures++;
    e.lastTry = now;
    e.full = full;
    if (e.tried || e.persistent || e.failures < this.bounds.maxFailures) return;
    // A peer a dial-back paired with is no longer redialed, but kept: a link that claims it again is still dialed back.
    if (e.linked) e.linked = false;
    else this.forget(e, now);
  }

  /** A dial-back to a tutorial node paired: it is a peer again, though no proven one; its failures start over. */
  relinked(address: string): void {
    const e = this.entries.get(address);
    if (e === undefined) return;
    e.linked = true;
    e.failures = 0;
    e.full = false;
  }

  /** It answered with a link of its own: a proven peer. */
  succeeded(address: string, now: number): void {
    const e = this.entries.get(address);
    if (e === undefined) return;
    e.failures = 0;
    e.full = false;
    e.lastSuccess = now;
    if (e.tried) return;
    e.tried = true;
    this.newCount--;
    this.countSource(e.source, -1);
    if (this.triedCount > this.bounds.maxTried) this.evictTried(e);
  }

  ban(address: string, until: number): void {
    const e = this.entries.get(address);
    if (e !== undefined) e.bannedUntil = Math.max(e.bannedUntil, until);
  }

  /**
   * Addresses ready to dial now, proven ones first (most recently proven
   * first), then new ones in an order that takes one from each source in
   * turn, so no one source's addresses fill the outbound slots. Never one
   * known only from a claim (`claimedOnly`).
   */
  candidates(now: number, skip: (address: string) => boolean, shuffle: <T>(items: T[]) => T[]): AddressEntry[] {
    const ready = [...this.entries.values()].filter((e) => !e.persistent && !e.claimedOnly && !skip(e.address) && this.readyAt(e) <= now);
    const tried = ready.filter((e) => e.tried).sort((a, b) => (b.lastSuccess ?? 0) - (a.lastSuccess ?? 0));
    const bySource = new Map<string, AddressEntry[]>();
    for (const e of shuffle(ready.filter((e) => !e.tried))) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
    const fresh: AddressEntry[] = [];
    for (let round = 0, any = true; any; round++) {
      any = false;
      for (const list of bySource.values()) {
        const e = list[round];
        if (e === undefined) continue;
        fresh.push(e);
        any = true;
      }
    }
    return [...tried, ...fresh];
  }

  private forget(e: AddressEntry, now: number): void {
    this.remove(e);
    this.forgotten.set(e.address, now + this.bounds.forgetMs);
    if (this.forgotten.size > this.bounds.maxForgotten) this.forgotten.delete(this.forgotten.keys().next().value as string);
  }

  private remove(e: AddressEntry): void {
    this.entries.delete(e.address);
    if (e.tried) return;
    this.newCount--;
    this.countSource(e.source, -1);
  }

  private countSource(source: string, delta: number): void {
    const n = (this.perSource.get(source) ?? 0) + delta;
    if (n <= 0) this.perSource.delete(source);
    else this.perSource.set(source, n);
  }

  /** Makes room among new addresses: the most failed of the source with most of them, oldest first. */
  private evictNew(incoming: string): boolean {
    let source: string | null = null;
    for (const [s, n] of this.perSource) if (s !== incoming && (source === null || n > this.perSource.get(source)!)) source = s;
    let victim: AddressEntry | undefined;
    for (const e of this.entries.values()) {
      if (e.tried || e.persistent || (source !== null && e.source !== source)) continue;
      if (victim === undefined || e.failures > victim.failures || (e.failures === victim.failures && e.addedAt < victim.addedAt)) victim = e;
    }
    if (victim === undefined) return false;
    this.remove(victim);
    return true;
  }

  /** Makes room among proven addresses: the one proven longest ago goes (never `keep` or a persistent one). */
  private evictTried(keep: AddressEntry): void {
    let victim: AddressEntry | undefined;
    for (const e of this.entries.values()) {
      if (!e.tried || e === keep || e.persistent) continue;
      if (victim === undefined || (e.lastSuccess ?? 0) < (victim.lastSuccess ?? 0)) victim = e;
    }
    if (victim !== undefined) this.remove(victim);
  }
}
