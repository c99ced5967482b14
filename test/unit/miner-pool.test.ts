/** The sliced pool over the fast miner: the same nonce as one long search, stoppable between slices, a new job replacing the old at once. */
import { describe, expect, it } from "vitest";
import { searchNonce } from "../../src/miner/nonce-loop.ts";
import { SLICE, SlicedPool, type MiningJob } from "../../src/miner/pool.ts";
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
