/** The page's hash pool: one Web Worker per mining thread. */
import type { HashPool, PoolListener } from "../miner/pool.ts";
import { ThreadPool, reportTo, type MinerReport } from "../miner/thread.ts";

export function browserWorkerPool(threads: number, listener: PoolListener): HashPool {
  return new ThreadPool(
    Array.from({ length: threads }, (_, i) => {
      const w = new Worker(new URL("../worker/miner-worker.ts", import.meta.url), { type: "module", name: `tabnode-miner-${i}` });
      w.onmessage = (e: MessageEvent<MinerReport>) => reportTo(listener)(e.data);
      return { post: (c) => w.postMessage(c), terminate: () => void w.terminate() };
    }),
  );
}
