/** The sliced pool over the fast miner: the same nonce as one long search, stoppable between slices, a new job replacing the old at once. */
import { describe, expect, it } from "vitest";
import { searchNonce } from "../../src/miner/nonce-loop.ts";
import { SLICE, SlicedPool, THREAD_STRIDE, nonceStarts, type MiningJob } from "../../src/miner/pool.ts";
import { fillSegment, newSegment, planPrefix } from "../../src/miner/preimage.ts";
import { asciiPrefix } from "../support/miner-reference.ts";

type Event = { found: [number, number, string] } | { hashes: number };

function harness(startNonce = 0) {
  const events: Event[] = [];
  const queue: (() => void)[] = [];
  const pool = new SlicedPool(
    { found: (id, nonce, hash) => events.push({ found: [id, nonce, hash] }), hashes: (n) => events.push({ hashes: n }) },
    (fn) => queue.push(fn),
    startNonce,
  );
  /** Runs queued slices, as the event loop would, up to `max` of them. */
  const drain = (max = Infinity) => {
    for (let i = 0; i < max && queue.length > 0; i++) queue.shift()!();
  };
  return { pool, events, drain, queue };
}

const job = (id: number, difficulty: number, seed: number): MiningJob => ({ id, prefix: asciiPrefix(5116, seed), difficulty });

describe("SlicedPool", () => {
  it("finds what searchNonce finds, counting every hash tried", () => {
    const { pool, events, drain } = harness();
    const j = job(1, 6, 41);
    pool.run(j);
    drain();
    const want = searchNonce(j.prefix, j.difficulty, 0, 1e9);
    expect(want.found).toBe(true);
    if (!want.found) return;
    expect(events.at(-1)).toEqual({ found: [1, want.nonce, want.hash] });
    const hashed = events.reduce((n, e) => n + ("hashes" in e ? e.hashes : 0), 0);
    expect(hashed).toBe(want.nonce + 1);
    expect(want.nonce).toBeGreaterThan(SLICE);
  });

  it("stops between slices and starts a new job from its own start nonce", () => {
    const { pool, events, drain, queue } = harness(1e12);
    pool.run(job(1, 9, 42));
    drain(3);
    pool.stop();
    drain();
    expect(queue).toHaveLength(0);
    expect(events.filter((e) => "found" in e)).toEqual([]);
    const j2 = job(2, 2, 43);
    pool.run(j2);
    drain();
    const want = searchNonce(j2.prefix, 2, 1e12, 1e6);
    if (!want.found) throw new Error("difficulty 2 found nothing in a million nonces");
    expect(want.nonce).toBeGreaterThanOrEqual(1e12);
    expect(events.at(-1)).toEqual({ found: [2, want.nonce, want.hash] });
  });

  // About 15 ms when the machine is idle; the bound is loose so a busy test machine does not fail it.
  it("a slice stays short at this SLICE", () => {
    const prefix = asciiPrefix(5116, 44);
    searchNonce(prefix, 64, 0, SLICE);
    const t = performance.now();
    for (let i = 1; i <= 5; i++) searchNonce(prefix, 64, i * SLICE, SLICE);
    expect((performance.now() - t) / 5).toBeLessThan(150);
  });
});

describe("nonceStarts", () => {
  /** Blocks compressed per nonce and nonces per segment, for nonces with the digit count of `start`. */
  const layout = (prefix: string, start: number) => {
    const seg = newSegment();
    fillSegment(planPrefix(prefix), start, start + 1, seg);
    return { blocks: seg.blocks, fastLen: seg.fastLen };
  };

  it("gives every thread a disjoint range of safe nonces of one digit count, one compression each where any digit count allows", () => {
    let fast = 0;
    for (let r = 0; r < 64; r++) {
      const prefix = asciiPrefix(5120 + r, r);
      for (const threads of [1, 2, 8, 256]) {
        const starts = nonceStarts(prefix, threads);
        expect(starts).toHaveLength(threads);
        const share = starts[0]! > 0 ? Math.min(THREAD_STRIDE, 9 * 10 ** (String(starts[0]).length - 1)) : THREAD_STRIDE;
        const stride = threads > 1 ? starts[1]! - starts[0]! : share;
        expect(stride).toBeGreaterThanOrEqual(1e9);
        for (const [i, start] of starts.entries()) {
          expect(Number.isSafeInteger(start + stride)).toBe(true);
          expect(start).toBe(starts[0]! + i * stride);
          if (starts[0]! > 0) expect(String(start + stride - 1).length).toBe(String(starts[0]).length);
        }
      }
      const [start] = nonceStarts(prefix, 2);
      const chosen = layout(prefix, start!);
      if (start! > 0) {
        expect(chosen.blocks).toBe(1);
        expect(chosen.fastLen).toBeGreaterThanOrEqual(2);
        fast++;
      } else {
        // No digit count from 12 to 16 gives one compression: the tail lengths 44 to 49.
        expect(r).toBeGreaterThanOrEqual(44);
        expect(r).toBeLessThanOrEqual(49);
      }
    }
    expect(fast).toBe(58);
  });

  it("moves 7-digit nonces' slow tails (lengths 50 to 58 mod 64) to digit counts that cost one compression", () => {
    const oneCompression = (l: { blocks: number; fastLen: number }) => l.blocks === 1 && l.fastLen >= 2;
    for (let r = 50; r <= 58; r++) {
      const prefix = asciiPrefix(5120 + r, r);
      expect(oneCompression(layout(prefix, 1_000_000))).toBe(false);
      expect(oneCompression(layout(prefix, nonceStarts(prefix, 1)[0]!))).toBe(true);
    }
  });

  it("is where a pool of one starts when given no start of its own", () => {
    const events: number[] = [];
    const queue: (() => void)[] = [];
    const pool = new SlicedPool({ found: (_id, nonce) => events.push(nonce), hashes: () => {} }, (fn) => queue.push(fn));
    const j = { id: 1, prefix: asciiPrefix(5120 + 55, 7), difficulty: 1 };
    pool.run(j);
    while (queue.length > 0) queue.shift()!();
    const start = nonceStarts(j.prefix, 1)[0]!;
    expect(start).toBe(1e15);
    const want = searchNonce(j.prefix, 1, start, 1000);
    if (!want.found) throw new Error("difficulty 1 found nothing in 1,000 nonces");
    expect(events).toEqual([want.nonce]);
  });
});
