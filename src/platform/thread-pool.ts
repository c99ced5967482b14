/**
 * The native node's hash pool: MINE_THREADS worker_threads. Under tsx the
 * thread first registers tsx's loader, so it can import the TypeScript entry.
 */
import { Worker } from "node:worker_threads";
import type { HashPool, PoolListener } from "../miner/pool.ts";
import { ThreadPool, reportTo, type MinerReport } from "../miner/thread.ts";

const entry = new URL("./mine-thread.ts", import.meta.url).href;

function bootstrap(): string {
  const tsx = import.meta.resolve("tsx/esm/api");
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
}

export function nodeThreadPool(threads: number, listener: PoolListener): HashPool {
  return new ThreadPool(
    Array.from({ length: threads }, () => {
      const w = new Worker(bootstrap(), { eval: true });
      w.on("message", (r: MinerReport) => reportTo(listener)(r));
      w.on("error", (err) => console.error(`mining thread failed: ${err.message}`));
      return { post: (c) => w.postMessage(c), terminate: () => void w.terminate() };
    }),
  );
}
