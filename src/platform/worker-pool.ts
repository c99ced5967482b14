/** The page's hash pool: one Web Worker per mining thread, and one for the GPU when chosen. */
import { GpuReason } from "../miner/gpu-api.ts";
import type { HashPool, PoolListener } from "../miner/pool.ts";
import { ThreadPool, type DeviceChoice, type MinerReport, type Thread } from "../miner/thread.ts";

let made = 0;

function asThread(w: Worker, report: (r: MinerReport) => void): Thread {
  w.onmessage = (e: MessageEvent<MinerReport>) => report(e.data);
  return { post: (c) => w.postMessage(c), terminate: () => void w.terminate() };
}

export function browserWorkerPool(choice: DeviceChoice, listener: PoolListener): HashPool {
  // Each `new Worker(new URL(...))` is written out: that is the form Vite finds and bundles.
  return new ThreadPool(
    choice,
    {
      cpu: (report) => asThread(new Worker(new URL("../worker/miner-worker.ts", import.meta.url), { type: "module", name: `tabnode-miner-${made++}` }), report),
      gpu: (report) => {
        const w = new Worker(new URL("../worker/gpu-worker.ts", import.meta.url), { type: "module", name: `tabnode-gpu-${made++}` });
        w.onerror = (e) => report({ gpu: { ready: false, reason: GpuReason.DispatchFailed, detail: `the GPU worker failed: ${e.message}` } });
        return asThread(w, report);
      },
    },
    listener,
  );
}
