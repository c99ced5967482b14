/** The page's hash pool: one Web Worker per mining thread, each on its own nonce range. */
import type { HashPool, MiningJob, PoolListener } from "../miner/pool.ts";
import { THREAD_STRIDE } from "../miner/pool.ts";
import type { MinerCommand, MinerReport } from "../worker/miner-worker.ts";

export class WorkerPool implements HashPool {
  private readonly workers: Worker[] = [];

  constructor(
    readonly threads: number,
    listener: PoolListener,
  ) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL("../worker/miner-worker.ts", import.meta.url), { type: "module", name: `tabnode-miner-${i}` });
      w.onmessage = (e: MessageEvent<MinerReport>) => {
        const r = e.data;
        if ("found" in r) listener.found(r.found.jobId, r.found.nonce, r.found.hash);
        else listener.hashes(r.hashes);
      };
      this.workers.push(w);
    }
  }

  run(job: MiningJob): void {
    this.workers.forEach((w, i) => w.postMessage({ job, start: i * THREAD_STRIDE } satisfies MinerCommand));
  }

  stop(): void {
    for (const w of this.workers) w.postMessage({ stop: true } satisfies MinerCommand);
  }

  dispose(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
