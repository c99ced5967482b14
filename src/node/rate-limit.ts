/**
 * Small, bounded rate limits for the peer logic, on the node's clock.
 */

/**
 * At most one event per key per interval. Keys are kept in order of use and
 * the least recently used goes first past `maxKeys`, so the table stays small
 * however many keys a stranger makes up.
 */
export class Intervals {
  private readonly last = new Map<string, number>();

  constructor(private readonly maxKeys = 4096) {}

  /** True (and counted) if `key` last happened `intervalMs` or more ago, or never. */
  allow(key: string, now: number, intervalMs: number): boolean {
    const at = this.last.get(key);
    if (at !== undefined && now - at < intervalMs) return false;
    this.last.delete(key);
    this.last.set(key, now);
    if (this.last.size > this.maxKeys) this.last.delete(this.last.keys().next().value as string);
    return true;
  }

  get size(): number {
    return this.last.size;
  }
}

/** A token bucket: `perMinute` tokens a minute, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private at: number | null = null;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(now: number): boolean {
    if (this.at !== null) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perMinute) / 60_000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Log lines that strangers can cause at will (a bad frame, a cut link, a
 * failed dial): each kind gets `perMinute` lines, and what goes past is
 * counted and said with the next line of that kind, so a flood costs the log
 * a few lines a minute, not one a frame. Kinds are a fixed set (reason codes).
 */
export class LogBudget {
  private readonly kinds = new Map<string, { bucket: TokenBucket; suppressed: number }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly perMinute = 20,
  ) {}

  line(kind: string, now: number, text: string): void {
    let k = this.kinds.get(kind);
    if (k === undefined) {
      k = { bucket: new TokenBucket(this.perMinute, this.perMinute), suppressed: 0 };
      this.kinds.set(kind, k);
    }
    if (!k.bucket.take(now)) {
      k.suppressed++;
      return;
    }
    this.log(k.suppressed > 0 ? `${text} (and ${k.suppressed} more like it, not logged)` : text);
    k.suppressed = 0;
  }
}
