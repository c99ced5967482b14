/** The reference the miner must agree with: node:crypto over prefix + String(nonce), one nonce after another. */
import { createHash } from "node:crypto";
import type { NonceSearch } from "../../src/miner/nonce-loop.ts";

/** First nonce in [start, min(start + count, 2^53 - 1)) whose hex hash starts with `difficulty` zeros. */
export function referenceSearch(prefix: string, difficulty: number, start: number, count: number): NonceSearch {
  const end = Math.min(start + count, Number.MAX_SAFE_INTEGER);
  const want = "0".repeat(Math.max(0, difficulty));
  const base = createHash("sha256").update(prefix);
  for (let nonce = start; nonce < end; nonce++) {
    const hash = base.copy().update(String(nonce)).digest("hex");
    if (hash.startsWith(want)) return { found: true, nonce, hash };
  }
  return { found: false, next: end };
}

/** A deterministic printable-ASCII prefix of exactly `length` bytes (xorshift, so cases are the same on every run). */
export function asciiPrefix(length: number, seed: number): string {
  let x = seed * 2654435761 + 1;
  let out = "";
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += String.fromCharCode(32 + ((x >>> 0) % 95));
  }
  return out;
}
