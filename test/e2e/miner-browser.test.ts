/**
 * The miner in real Chromium, in module workers as the page runs it and in the
 * page itself: WebAssembly SIMD is there and used, and both implementations
 * find what node:crypto finds over every tail layout, each growth of the digit
 * count, random prefixes and difficulties up to 6.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckReply, MinerCase } from "../support/miner-browser-entry.ts";
import { openMinerPage, type MinerPage } from "../support/miner-browser.ts";
import { asciiPrefix, referenceSearch } from "../support/miner-reference.ts";

let chromium: MinerPage;

beforeAll(async () => {
  chromium = await openMinerPage();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
});

function layoutCases(): MinerCase[] {
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

function randomCases(): MinerCase[] {
  return fc.sample(
    fc.record({
      prefix: fc.string({ unit: "binary", maxLength: 300 }),
      difficulty: fc.integer({ min: 0, max: 3 }),
      start: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 1e15 })),
      count: fc.integer({ min: 0, max: 3000 }),
    }),
    { seed: 7_345_001, numRuns: 300 },
  );
}

const HARD_CASES: MinerCase[] = [
  { prefix: asciiPrefix(5116, 3), difficulty: 5, start: 1_522_097 - 60_000, count: 70_000 },
  { prefix: asciiPrefix(5116, 3), difficulty: 6, start: 1_740_621 - 60_000, count: 70_000 },
  { prefix: asciiPrefix(64, 2), difficulty: 6, start: 16_265_391 - 60_000, count: 70_000 },
  { prefix: asciiPrefix(55, 1), difficulty: 5, start: 0, count: 10_000 },
];

function expectReference(reply: CheckReply, cases: readonly MinerCase[]) {
  const want = cases.map((c) => referenceSearch(c.prefix, c.difficulty, c.start, c.count));
  expect(reply.results["wasm-simd"]).toEqual(want);
  expect(reply.results.js).toEqual(want);
}

describe("the miner in Chromium", () => {
  it("has WebAssembly SIMD and uses it", async () => {
    const [reply] = await chromium.inWorkers<CheckReply>([{ kind: "check", cases: [] }]);
    expect(reply).toMatchObject({ simd: true, implementation: "wasm-simd" });
  });

  it("in workers: every tail layout across each growth of the digit count, random prefixes, difficulty 5 and 6", async () => {
    const sets = [layoutCases(), randomCases(), HARD_CASES];
    const replies = await chromium.inWorkers<CheckReply>(sets.map((cases) => ({ kind: "check" as const, cases })));
    replies.forEach((reply, i) => expectReference(reply, sets[i]!));
  });

  it("in the page itself", async () => {
    const cases = randomCases().slice(0, 100);
    expectReference(await chromium.inPage<CheckReply>({ kind: "check", cases }), cases);
  });
});
