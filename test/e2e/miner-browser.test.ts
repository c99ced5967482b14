/**
 * The miner in real Chromium, in module workers as the page runs it and in the
 * page itself: WebAssembly SIMD is there and used, and both implementations
 * find what node:crypto finds over every tail layout, each growth of the digit
 * count, random prefixes and difficulties up to 6.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckReply, MinerCase } from "../support/miner-browser-entry.ts";
import { openMinerPage, type MinerPage } from "../support/miner-browser.ts";
import { HARD_CASES, layoutCases, randomCases } from "../support/miner-cases.ts";
import { referenceSearch } from "../support/miner-reference.ts";

let chromium: MinerPage;

beforeAll(async () => {
  chromium = await openMinerPage();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
});

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
