/**
 * Search cases the miners must answer exactly as node:crypto does
 * (referenceSearch), shared by the CPU miner's Chromium test and the GPU
 * kernel's tests in Chromium and in Node.
 */
import fc from "fast-check";
import { nonceStarts } from "../../src/miner/pool.ts";
import type { MinerCase } from "./miner-browser-entry.ts";
import { asciiPrefix } from "./miner-reference.ts";

/** Every tail layout (prefix lengths 0 to 140, and 5 KB ones), across each growth of the digit count from 10 to 10^15. */
export function layoutCases(): MinerCase[] {
  const cases: MinerCase[] = [];
  for (let length = 0; length <= 140; length++) {
    const prefix = asciiPrefix(length, length);
    for (let k = 1; k <= 15; k++) {
      const growth = 10 ** k;
      cases.push({ prefix, difficulty: 1, start: growth - 9 + (length % 12), count: 30 });
    }
  }
  for (const length of [5111, 5112, 5116, 5119, 5120]) {
    const prefix = asciiPrefix(length, length);
    for (let k = 1; k <= 15; k++) for (let start = 10 ** k - 9; start <= 10 ** k + 2; start++) cases.push({ prefix, difficulty: 1, start, count: 30 });
  }
  return cases;
}

/** Random prefixes (any Unicode), starts and difficulties 0 to 3. */
export function randomCases(seed = 7_345_001, numRuns = 300): MinerCase[] {
  return fc.sample(
    fc.record({
      prefix: fc.string({ unit: "binary", maxLength: 300 }),
      difficulty: fc.integer({ min: 0, max: 3 }),
      start: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 1e15 })),
      count: fc.integer({ min: 0, max: 3000 }),
    }),
    { seed, numRuns },
  );
}

/** Windows around hits at difficulty 5 and 6, found once with the CPU miner. */
export const HARD_CASES: MinerCase[] = [
  { prefix: asciiPrefix(5116, 3), difficulty: 5, start: 1_522_097 - 60_000, count: 70_000 },
  { prefix: asciiPrefix(5116, 3), difficulty: 6, start: 1_740_621 - 60_000, count: 70_000 },
  { prefix: asciiPrefix(64, 2), difficulty: 6, start: 16_265_391 - 60_000, count: 70_000 },
  { prefix: asciiPrefix(55, 1), difficulty: 5, start: 0, count: 10_000 },
];

/**
 * Hits at difficulty 7 and 8, found once with the CPU miner (about 2.7 * 10^8
 * and 1.6 * 10^9 nonces searched), so a test can search a short window.
 */
export const DEEP_HITS = [
  { length: 119, seed: 4, difficulty: 7, hit: 153_438_601 },
  { length: 5116, seed: 3, difficulty: 8, hit: 1_583_695_458 },
] as const;

/**
 * Difficulties 0 to 8 (and beyond the first state word): 0 to 4 from nonce 0
 * on one- and two-block tails; windows ending past the hits at 5 to 8, and
 * ending one short of them (nothing found, the search ends at the hit); 9, 16
 * and 64, where nothing is found.
 */
export function difficultyCases(): MinerCase[] {
  const cases: MinerCase[] = [...HARD_CASES];
  for (const length of [0, 55, 56, 63, 64, 119, 5116]) {
    const prefix = asciiPrefix(length, 11);
    for (let difficulty = 0; difficulty <= 4; difficulty++) cases.push({ prefix, difficulty, start: 0, count: 1_000_000 });
  }
  for (const { length, seed, difficulty, hit } of [...DEEP_HITS, { length: 119, seed: 4, difficulty: 5, hit: 1_944_624 }, { length: 55, seed: 1, difficulty: 6, hit: 19_523_991 }]) {
    const prefix = asciiPrefix(length, seed);
    cases.push({ prefix, difficulty, start: hit - 60_000, count: 70_000 }, { prefix, difficulty, start: hit - 60_000, count: 60_000 });
  }
  for (const difficulty of [8, 9, 16, 64]) cases.push({ prefix: asciiPrefix(80, 13), difficulty, start: 0, count: 20_000 });
  return cases;
}

/**
 * Where the GPU's dispatches are cut: every prefix length mod 64 (5 KB
 * prefixes) from where the pool starts a GPU beside a CPU thread; and nonces
 * around multiples of 10^9, where the digits above the last 9 change.
 */
export function gpuBoundaryCases(): MinerCase[] {
  const cases: MinerCase[] = [];
  const long = asciiPrefix(5200, 77);
  for (let r = 0; r < 64; r++) {
    const prefix = long.slice(0, 5056 + r);
    cases.push({ prefix, difficulty: 2, start: nonceStarts(prefix, 2)[1]!, count: 2000 });
  }
  for (const length of [0, 40, 55, 56, 63, 64, 100, 119]) {
    const prefix = asciiPrefix(length, length + 5);
    for (const k of [1, 7, 123_456, 9_007_198]) cases.push({ prefix, difficulty: 1, start: k * 1e9 - 7, count: 40 });
  }
  return cases;
}
