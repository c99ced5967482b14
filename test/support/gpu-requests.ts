/**
 * The GPU kernel's test and bench requests, answered the same way in
 * Chromium (miner-browser-entry.ts, navigator.gpu) and in Node
 * (gpu-node-run.ts, the webgpu package).
 */
import type { GpuOpened } from "../../src/miner/gpu-api.ts";
import { GpuSearch } from "../../src/miner/gpu-search.ts";
import { gpuMinerThread } from "../../src/miner/gpu-thread.ts";
import type { NonceSearch } from "../../src/miner/nonce-loop.ts";
import type { GpuBenchReply, GpuCheckReply, MinerRequest } from "./miner-browser-entry.ts";

export type GpuRequest = Extract<MinerRequest, { kind: "gpu-check" | "gpu-bench" }>;

export async function answerGpu(req: GpuRequest, open: () => Promise<GpuOpened>): Promise<GpuCheckReply | GpuBenchReply> {
  const opened = await open();
  if (!opened.ok) return { adapter: null, reason: opened.reason, detail: opened.detail };
  const gpu = await GpuSearch.create(opened.device);
  const { name: adapter, software } = opened.adapter;
  try {
    if (req.kind === "gpu-check") {
      const results: NonceSearch[] = [];
      for (const c of req.cases) results.push(await gpu.search(c.prefix, c.difficulty, c.start, c.count, req.perDispatch));
      return { adapter, software, results };
    }
    const fixed = await gpuRate(gpu, req.prefix, req.ms, req.start, req.perDispatch);
    return { adapter, software, ...fixed, mined: await minedRate(open, req.prefix, req.ms, req.start) };
  } finally {
    gpu.dispose();
    opened.device.destroy();
  }
}

/** Hashes/s of the GPU mining thread itself (dispatches sized to SLICE_MS), over `ms` after a second's warm-up. */
async function minedRate(open: () => Promise<GpuOpened>, prefix: string, ms: number, start: number): Promise<number> {
  let counted = 0;
  let since = Infinity;
  const thread = gpuMinerThread(open, (r) => void ("hashes" in r && performance.now() >= since && (counted += r.hashes)), () => performance.now());
  thread.post({ job: { id: 1, prefix, difficulty: 64 }, start });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  since = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsed = performance.now() - since;
  thread.terminate();
  return (counted * 1000) / elapsed;
}

/** Hashes/s over `ms` after a warm-up dispatch, and how many dispatches that took. */
async function gpuRate(gpu: GpuSearch, prefix: string, ms: number, start: number, perDispatch: number): Promise<{ hashesPerSecond: number; dispatches: number }> {
  await gpu.search(prefix, 64, start, perDispatch, perDispatch);
  let from = start + perDispatch;
  let dispatches = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await gpu.search(prefix, 64, from, perDispatch, perDispatch);
    from += perDispatch;
    dispatches++;
  }
  return { hashesPerSecond: (dispatches * perDispatch * 1000) / (performance.now() - t0), dispatches };
}

