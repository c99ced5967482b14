/**
 * The GPU kernel in real Chromium, on WebGPU's software adapter
 * (SwiftShader: this machine has no GPU), in a module worker as the page
 * mines: the first valid nonce and `next` equal node:crypto's over every tail
 * layout, each growth of the digit count, every prefix length mod 64 where
 * the pool starts the GPU, the cuts between dispatches, random prefixes, and
 * difficulties 0 to 8 and beyond. A lost device is reported as such. Without
 * the WebGPU flags, Chromium offers no adapter, and the reason says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GpuCheckReply, GpuLostReply, MinerCase } from "../support/miner-browser-entry.ts";
import { openMinerPage, type MinerPage } from "../support/miner-browser.ts";
import { difficultyCases, gpuBoundaryCases, layoutCases, randomCases } from "../support/miner-cases.ts";
import { asciiPrefix, referenceSearch } from "../support/miner-reference.ts";

let chromium: MinerPage;

beforeAll(async () => {
  chromium = await openMinerPage({ webgpu: true });
}, 120_000);

afterAll(async () => {
  await chromium?.close();
});

async function onGpu(cases: readonly MinerCase[], perDispatch: number) {
  const [reply] = await chromium.inWorkers<GpuCheckReply>([{ kind: "gpu-check", cases, perDispatch }]);
  if (reply!.adapter === null) throw new Error(`no GPU: ${reply!.reason}: ${reply!.detail}`);
  return reply!;
}

const expectReference = (results: unknown[], cases: readonly MinerCase[]) =>
  cases.forEach((c, i) => expect(results[i], `${c.prefix.length} bytes, d=${c.difficulty}, start=${c.start}, count=${c.count}`).toEqual(referenceSearch(c.prefix, c.difficulty, c.start, c.count)));

describe("the GPU kernel in Chromium (WebGPU on SwiftShader)", () => {
  it("runs on the software adapter, and says it is one", async () => {
    const reply = await onGpu([], 1 << 16);
    expect(reply).toMatchObject({ adapter: expect.stringMatching(/swiftshader/i), software: true });
  });

  it("every tail layout across each growth of the digit count", async () => {
    const cases = layoutCases();
    expectReference((await onGpu(cases, 1 << 16)).results, cases);
  }, 180_000);

  it("every prefix length mod 64 from the GPU's start, and nonces around multiples of 10^9", async () => {
    const cases = gpuBoundaryCases();
    expectReference((await onGpu(cases, 1 << 16)).results, cases);
  }, 120_000);

  it("random prefixes, starts and difficulties 0 to 3, in dispatches of 997 nonces", async () => {
    const cases = randomCases(20_260_101, 200);
    expectReference((await onGpu(cases, 997)).results, cases);
  }, 120_000);

  it("difficulties 0 to 8, and beyond the first state word", async () => {
    const cases = difficultyCases();
    expectReference((await onGpu(cases, 1 << 16)).results, cases);
  }, 180_000);

  it("a lost device ends GPU mining with gpu-device-lost, after hashes were counted", async () => {
    const [reply] = await chromium.inWorkers<GpuLostReply>([{ kind: "gpu-lost", prefix: asciiPrefix(5116, 9) }]);
    const reports = reply!.reports;
    expect(reports[0]).toMatchObject({ gpu: { ready: true, adapter: { software: true } } });
    expect(reports.some((r) => "hashes" in r && r.hashes > 0)).toBe(true);
    expect(reports.at(-1)).toMatchObject({ gpu: { ready: false, reason: "gpu-device-lost" } });
    expect(reports.filter((r) => "found" in r)).toEqual([]);
  }, 60_000);
});

describe("Chromium without the WebGPU flags", () => {
  it("offers no adapter, and the reason says so", async () => {
    const plain = await openMinerPage();
    try {
      const [reply] = await plain.inWorkers<GpuCheckReply>([{ kind: "gpu-check", cases: [], perDispatch: 1 }]);
      expect(reply).toMatchObject({ adapter: null, reason: "gpu-no-adapter" });
    } finally {
      await plain.close();
    }
  }, 60_000);
});
