/**
 * Per-connection budgets: a token bucket for messages and one for bytes. The
 * clock is a parameter so the rule can be tested without waiting.
 */
import type { RelayLimits } from "./options.ts";
import { RelayReason } from "./reasons.ts";

export type Clock = () => number; // milliseconds, monotonic

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private readonly now: Clock,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(n: number): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

export class RateLimiter {
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(limits: Pick<RelayLimits, "framesPerSecond" | "bytesPerSecond" | "maxFrameBytes">, now: Clock) {
    this.frames = new TokenBucket(limits.framesPerSecond, limits.framesPerSecond, now);
    // The burst always fits one largest frame, or a low byte rate would refuse it forever.
    this.bytes = new TokenBucket(limits.bytesPerSecond, Math.max(limits.bytesPerSecond, limits.maxFrameBytes), now);
  }

  /** null when the message fits both budgets, else the budget it broke. */
  take(byteLength: number): RelayReason | null {
    if (!this.frames.take(1)) return RelayReason.RateFrames;
    if (!this.bytes.take(byteLength)) return RelayReason.RateBytes;
    return null;
  }
}
