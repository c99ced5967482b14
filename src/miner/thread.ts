/**
 * One mining thread, whatever runs it (a Web Worker in the page, a
 * worker_thread in the native node): takes jobs, searches in slices, reports
 * found nonces and, every 250 ms, the hashes tried.
 */
import { SlicedPool, nonceStarts, type HashPool, type MiningJob, type PoolListener } from "./pool.ts";

export type MinerCommand = { readonly job: MiningJob; readonly start: number } | { readonly stop: true };
export type MinerReport = { readonly found: { jobId: number; nonce: number; hash: string } } | { readonly hashes: number };

export function minerThread(post: (r: MinerReport) => void, defer: (fn: () => void) => void): (c: MinerCommand) => void {
  let counted = 0;
  const report = setInterval(() => {
    if (counted === 0) return;
    post({ hashes: counted });
    counted = 0;
  }, 250);
  (report as { unref?: () => void }).unref?.();
  let pool: SlicedPool | null = null;
  const listener = {
    found: (jobId: number, nonce: number, hash: string) => post({ found: { jobId, nonce, hash } }),
    hashes: (n: number) => void (counted += n),
  };
  return (m) => {
    if ("stop" in m) return pool?.stop();
    pool?.stop();
    pool = new SlicedPool(listener, defer, m.start);
    pool.run(m.job);
  };
}

/** What a pool needs of one thread, however it is made. */
export interface Thread {
  post(c: MinerCommand): void;
  terminate(): void;
}

/** A pool of threads, each searching its own nonce range (see nonceStarts). */
export class ThreadPool implements HashPool {
  constructor(private readonly pool: Thread[]) {}

  get threads(): number {
    return this.pool.length;
  }

  run(job: MiningJob): void {
    const starts = nonceStarts(job.prefix, this.pool.length);
    this.pool.forEach((t, i) => t.post({ job, start: starts[i]! }));
  }

  stop(): void {
    for (const t of this.pool) t.post({ stop: true });
  }

  dispose(): void {
    for (const t of this.pool) t.terminate();
    this.pool.length = 0;
  }
}

/** Routes a thread's reports to the pool's listener. */
export const reportTo = (listener: PoolListener) => (r: MinerReport) => {
  if ("found" in r) listener.found(r.found.jobId, r.found.nonce, r.found.hash);
  else listener.hashes(r.hashes);
};
