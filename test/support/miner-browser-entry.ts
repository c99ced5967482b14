/**
 * The miner in the browser, for the Chromium test and the benchmark: bundled
 * with esbuild and loaded as a module worker (or imported by the page). It
 * answers one request per message.
 */
import { minerImplementation, searchNonceWith, type MinerImplementation, type NonceSearch } from "../../src/miner/nonce-loop.ts";
import { wasmSimdSupported } from "../../src/miner/wasm-kernel.ts";
import { answerGpu } from "./gpu-requests.ts";
import { openBrowserGpu } from "../../src/platform/browser-gpu.ts";
import { gpuMinerThread } from "../../src/miner/gpu-thread.ts";
import type { MinerReport } from "../../src/miner/thread.ts";
import type { GpuDevice } from "../../src/miner/gpu-api.ts";

export interface MinerCase {
  readonly prefix: string;
  readonly difficulty: number;
  readonly start: number;
  readonly count: number;
}

export type MinerRequest =
  | { readonly kind: "check"; readonly cases: readonly MinerCase[] }
  /** Hashes `prefix` at an unreachable difficulty for about `ms` milliseconds, from nonce `start`. */
  | { readonly kind: "bench"; readonly impl: MinerImplementation; readonly prefix: string; readonly ms: number; readonly start: number }
  /** The cases on the GPU, in dispatches of at most `perDispatch` nonces. */
  | { readonly kind: "gpu-check"; readonly cases: readonly MinerCase[]; readonly perDispatch: number }
  /** Hashes on the GPU at an unreachable difficulty for about `ms` milliseconds, in dispatches of `perDispatch` nonces. */
  | { readonly kind: "gpu-bench"; readonly prefix: string; readonly ms: number; readonly start: number; readonly perDispatch: number }
  /** A GPU mining thread on a job it cannot finish; once it has hashed, its device is destroyed: what does it report? */
  | { readonly kind: "gpu-lost"; readonly prefix: string };

export interface GpuLostReply {
  readonly reports: MinerReport[];
}

export type GpuCheckReply = { readonly adapter: string; readonly software: boolean; readonly results: NonceSearch[] } | { readonly adapter: null; readonly reason: string; readonly detail: string };

export type GpuBenchReply =
  /** hashesPerSecond: dispatches of `perDispatch` back to back; mined: the mining thread's rate (dispatches of about 8 ms). */
  | { readonly adapter: string; readonly software: boolean; readonly hashesPerSecond: number; readonly dispatches: number; readonly mined: number }
  | { readonly adapter: null; readonly reason: string; readonly detail: string };

export interface CheckReply {
  readonly implementation: MinerImplementation;
  readonly simd: boolean;
  readonly results: Record<MinerImplementation, NonceSearch[]>;
}

export interface BenchReply {
  /** The median of ten bursts of a tenth of `ms` each. */
  readonly hashesPerSecond: number;
}

/** Mines until the thread has reported hashes, destroys its device, and waits for its last word. */
async function gpuLost(prefix: string): Promise<GpuLostReply> {
  const reports: MinerReport[] = [];
  let device: GpuDevice | null = null;
  let settle = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  const thread = gpuMinerThread(
    async () => {
      const opened = await openBrowserGpu();
      if (opened.ok) device = opened.device;
      return opened;
    },
    (r) => {
      reports.push(r);
      if ("hashes" in r) device?.destroy();
      if ("gpu" in r && !r.gpu.ready) settle();
    },
    () => performance.now(),
  );
  thread.post({ job: { id: 1, prefix, difficulty: 64 }, start: 1_000_000 });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  thread.terminate();
  return { reports };
}

export function answer(req: MinerRequest): CheckReply | BenchReply | Promise<GpuCheckReply | GpuBenchReply | GpuLostReply> {
  if (req.kind === "gpu-check" || req.kind === "gpu-bench") return answerGpu(req, openBrowserGpu);
  if (req.kind === "gpu-lost") return gpuLost(req.prefix);
  if (req.kind === "check") {
    const run = (impl: MinerImplementation) => req.cases.map((c) => searchNonceWith(impl, c.prefix, c.difficulty, c.start, c.count));
    return { implementation: minerImplementation(), simd: wasmSimdSupported(), results: { "wasm-simd": run("wasm-simd"), js: run("js") } };
  }
  const chunk = req.impl === "wasm-simd" ? 200_000 : 50_000;
  let from = req.start;
  const burst = (length: number) => {
    const t0 = performance.now();
    let hashes = 0;
    let now = t0;
    while (now - t0 < length) {
      searchNonceWith(req.impl, req.prefix, 64, from, chunk);
      from += chunk;
      hashes += chunk;
      now = performance.now();
    }
    return (hashes * 1000) / (now - t0);
  };
  burst(Math.min(1000, req.ms / 2));
  const rates = Array.from({ length: 10 }, () => burst(req.ms / 10)).sort((a, b) => a - b);
  return { hashesPerSecond: (rates[4]! + rates[5]!) / 2 };
}

interface WorkerScope {
  onmessage: ((e: { data: MinerRequest }) => void) | null;
  postMessage(m: unknown): void;
}
const scope = globalThis as unknown as Partial<WorkerScope> & { document?: unknown };
// In a worker (no document), answer messages; in the page, only export.
if (scope.document === undefined) scope.onmessage = (e) => void Promise.resolve(answer(e.data)).then((r) => scope.postMessage!(r));
