/**
 * The GPU part of `npm run bench:mine -- --gpu`:
 *   - the kernel in Chromium (WebGPU; here SwiftShader, Chromium's software
 *     adapter) in a module worker: dispatches of 2^16 nonces back to back,
 *     and the mining thread's own rate (dispatches sized to 8 ms), beside the
 *     WebAssembly miner on one worker in the same browser;
 *   - the kernel in Node through the webgpu package, where it finds an
 *     adapter (`--swiftshader` points Dawn at Chromium's SwiftShader driver);
 *   - frame times of the real page (built, on a relay with a home node) while
 *     it mines: idle, CPU, GPU, GPU + CPU, from requestAnimationFrame.
 */
import type { Page } from "playwright-core";
import { startRelay } from "../relay/index.ts";
import { buildPage, launchChromium } from "../test/support/browser.ts";
import { gpuInNode, swiftShaderEnv } from "../test/support/gpu-node-run.ts";
import type { BenchReply, GpuBenchReply } from "../test/support/miner-browser-entry.ts";
import { openMinerPage } from "../test/support/miner-browser.ts";
import { startNode, stopAll, tempDir } from "../test/support/native-process.ts";

const PER_DISPATCH = 1 << 16;

export interface GpuFigures {
  readonly adapter: string | null;
  readonly software: boolean;
  /** The mining thread's rate, dispatches of about 8 ms: what a person mining gets. */
  readonly mined: number | null;
  /** Dispatches of 2^16 nonces back to back. */
  readonly fixed: number | null;
  /** Why there is no figure. */
  readonly reason: string | null;
}

const figures = (r: GpuBenchReply): GpuFigures =>
  r.adapter === null
    ? { adapter: null, software: false, mined: null, fixed: null, reason: `${r.reason}: ${r.detail}` }
    : { adapter: r.adapter, software: r.software, mined: r.mined, fixed: r.hashesPerSecond, reason: null };

/** The GPU in Chromium, and one CPU core (a WebAssembly worker) in the same browser, one after the other. */
export async function chromiumGpu(prefix: string, ms: number, start: number): Promise<{ gpu: GpuFigures; cpuCore: number }> {
  const chromium = await openMinerPage({ webgpu: true });
  try {
    const [gpu] = await chromium.inWorkers<GpuBenchReply>([{ kind: "gpu-bench", prefix, ms, start, perDispatch: PER_DISPATCH }]);
    const [cpu] = await chromium.inWorkers<BenchReply>([{ kind: "bench", impl: "wasm-simd", prefix, ms, start }]);
    return { gpu: figures(gpu!), cpuCore: cpu!.hashesPerSecond };
  } finally {
    await chromium.close();
  }
}

/** The GPU in a Node process through the webgpu package; with `swiftShader`, on Chromium's software Vulkan driver. */
export async function nodeGpu(prefix: string, ms: number, start: number, swiftShader: boolean): Promise<GpuFigures> {
  try {
    return figures(await gpuInNode<GpuBenchReply>({ kind: "gpu-bench", prefix, ms, start, perDispatch: PER_DISPATCH }, swiftShader ? swiftShaderEnv() : {}));
  } catch (err) {
    return { adapter: null, software: false, mined: null, fixed: null, reason: `the Node GPU process failed: ${(err as Error).message.split("\n").slice(0, 2).join(" ")}` };
  }
}

export interface FrameTimes {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Frames that took over 25 ms (a 60 Hz frame missed). */
  readonly over25: number;
  readonly hashrate: number;
}

/** requestAnimationFrame intervals over `ms` in the page, while it does whatever it was set to. */
async function frameTimes(page: Page, ms: number): Promise<Omit<FrameTimes, "hashrate">> {
  // A string, not a function: tsx would wrap a named function in a helper the page does not have.
  const deltas = (await page.evaluate(`new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const t0 = last;
    function tick(now) {
      out.push(now - last);
      last = now;
      if (now - t0 < ${ms}) requestAnimationFrame(tick);
      else resolve(out);
    }
    requestAnimationFrame(tick);
  })`)) as number[];
  const sorted = deltas.slice(1).sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
  return { frames: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Number(sorted.at(-1)!.toFixed(1)), over25: sorted.filter((d) => d > 25).length };
}

/**
 * The built page on a relay with a home node, in Chromium with WebGPU: frame
 * times idle, then mining on 1 CPU thread, the GPU, and the GPU with 1 CPU
 * thread, `ms` each after 3 s of warm-up.
 */
export async function pageFrameTimes(ms: number): Promise<Record<string, FrameTimes>> {
  const dist = tempDir("bench-dist");
  buildPage(dist);
  const home = await startNode();
  const relay = await startRelay({ host: "127.0.0.1", port: 0, homeNode: home.address, staticDir: dist });
  const browser = await launchChromium({ webgpu: true });
  try {
    const page = await browser.newPage();
    await page.goto(relay.url);
    await page.getByTestId("address").filter({ hasText: /^04[0-9a-f]{128}$/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId("gpu-adapter").waitFor({ timeout: 20_000 });
    const rate = async () => Number(((await page.getByTestId("hashrate").textContent()) ?? "0").trim());
    const out: Record<string, FrameTimes> = {};
    out.idle = { ...(await frameTimes(page, ms)), hashrate: 0 };
    const modes: [string, "cpu" | "gpu" | "both"][] = [
      ["CPU, 1 thread", "cpu"],
      ["GPU", "gpu"],
      ["GPU + CPU, 1 thread", "both"],
    ];
    for (const [label, devices] of modes) {
      await page.getByTestId("mine-devices").selectOption(devices);
      await page.getByTestId("mine-toggle").click();
      await page.waitForTimeout(3000);
      const frames = await frameTimes(page, ms);
      out[label] = { ...frames, hashrate: await rate() };
      await page.getByTestId("mine-toggle").click();
      await page.waitForTimeout(500);
    }
    return out;
  } finally {
    await browser.close();
    await relay.close();
    await stopAll();
  }
}
