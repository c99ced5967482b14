/**
 * The native node's threads (worker_threads): MINE_THREADS mining threads (and
 * the GPU with MINE_GPU=1) and the threads that verify chain streams. Under tsx a thread first registers
 * tsx's loader, so it can import its TypeScript entry.
 */
import { Worker } from "node:worker_threads";
import type { HashPool, PoolListener } from "../miner/pool.ts";
import { gpuMinerThread } from "../miner/gpu-thread.ts";
import { ThreadPool, type DeviceChoice } from "../miner/thread.ts";
import type { VerifyReply, VerifyThreadFactory } from "../node/verify-pool.ts";
import { openNodeGpu } from "./node-gpu.ts";
import type { VerifierName } from "./node-verifier.ts";

function startThread<M>(entry: string, what: string, onMessage: (m: M) => void, workerData?: unknown, onError = (err: Error) => console.error(`${what} thread failed: ${err.message}`)): Worker {
  const tsx = import.meta.resolve("tsx/esm/api");
  const url = new URL(entry, import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
  const w = new Worker(bootstrap, { eval: true, workerData });
  w.on("message", (m: M) => onMessage(m));
  w.on("error", onError);
  return w;
}

/** CPU threads as worker_threads; the GPU in this thread, since it only waits on the device. */
export function nodeThreadPool(choice: DeviceChoice, listener: PoolListener): HashPool {
  return new ThreadPool(
    choice,
    {
      cpu: (report) => {
        const w = startThread("./mine-thread.ts", "mining", report);
        return { post: (c) => w.postMessage(c), terminate: () => void w.terminate() };
      },
      gpu: (report) => gpuMinerThread(openNodeGpu, report, () => performance.now()),
    },
    listener,
  );
}

/** Threads that verify signatures with `verifier` (verify-thread.ts); they do not keep the process alive. */
export const nodeVerifyThreads =
  (verifier: VerifierName): VerifyThreadFactory =>
  (reply, failed) => {
    const w = startThread("./verify-thread.ts", "verification", (r: VerifyReply) => reply(r), { verifier }, (err) => failed(err.message));
    w.unref();
    return { post: (r) => w.postMessage(r), terminate: () => void w.terminate() };
  };
