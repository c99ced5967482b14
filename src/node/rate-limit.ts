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
