/**
 * The miner in the browser, for the Chromium test and the benchmark: bundled
 * with esbuild and loaded as a module worker (or imported by the page). It
 * answers one request per message.
 */
import { minerImplementation, searchNonceWith, type MinerImplementation, type NonceSearch } from "../../src/miner/nonce-loop.ts";
import { wasmSimdSupported } from "../../src/miner/wasm-kernel.ts";

export interface MinerCase {
  readonly prefix: string;
  readonly difficulty: number;
  readonly start: number;
  readonly count: number;
}

export type MinerRequest =
  | { readonly kind: "check"; readonly cases: readonly MinerCase[] }
  /** Hashes `prefix` at an unreachable difficulty for about `ms` milliseconds, from nonce `start`. */
  | { readonly kind: "bench"; readonly impl: MinerImplementation; readonly prefix: string; readonly ms: number; readonly start: number };

export interface CheckReply {
  readonly implementation: MinerImplementation;
  readonly simd: boolean;
  readonly results: Record<MinerImplementation, NonceSearch[]>;
}

export interface BenchReply {
  /** The median of ten bursts of a tenth of `ms` each. */
  readonly hashesPerSecond: number;
}

export function answer(req: MinerRequest): CheckReply | BenchReply {
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
if (scope.document === undefined) scope.onmessage = (e) => scope.postMessage!(answer(e.data));
