/**
 * One mining thread, whatever runs it (a Web Worker in the page, a
 * worker_thread in the native node): takes jobs, searches in slices, reports
 * found nonces and, every 250 ms, the hashes tried. A GPU thread
 * (gpu-thread.ts) takes the same commands and reports also its state.
 */
import type { GpuAdapterSummary, GpuReason } from "./gpu-api.ts";
import { SlicedPool, nonceStarts, type HashPool, type MiningJob, type PoolListener } from "./pool.ts";

export type MinerCommand = { readonly job: MiningJob; readonly start: number } | { readonly stop: true };

/** A GPU thread's state: ready on an adapter, or unable to mine (it then stays idle for good). */
export type GpuState = { readonly ready: true; readonly adapter: GpuAdapterSummary } | { readonly ready: false; readonly reason: GpuReason; readonly detail: string };

export type MinerReport = { readonly found: { jobId: number; nonce: number; hash: string } } | { readonly hashes: number } | { readonly gpu: GpuState };

const REPORT_MS = 250;

/** Hashes counted as they are tried, posted every 250 ms (not per slice: a message per 10 ms would be noise). */
export function hashReporter(post: (r: MinerReport) => void): { add(n: number): void; stop(): void } {
  let counted = 0;
  const timer = setInterval(() => {
    if (counted === 0) return;
    post({ hashes: counted });
    counted = 0;
  }, REPORT_MS);
  (timer as { unref?: () => void }).unref?.();
  return { add: (n) => void (counted += n), stop: () => clearInterval(timer) };
}

export function minerThread(post: (r: MinerReport) => void, defer: (fn: () => void) => void): (c: MinerCommand) => void {
  const counter = hashReporter(post);
  let pool: SlicedPool | null = null;
  const listener = {
    found: (jobId: number, nonce: number, hash: string) => post({ found: { jobId, nonce, hash } }),
    hashes: (n: number) => counter.add(n),
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

/** Where mining runs: CPU threads, the GPU, or both. */
export interface DeviceChoice {
  readonly cpuThreads: number;
  readonly gpu: boolean;
}

/** Makes threads that send their reports to `report`. */
export interface ThreadFactory {
  cpu(report: (r: MinerReport) => void): Thread;
  gpu(report: (r: MinerReport) => void): Thread;
}

/**
 * A pool of CPU threads and, if chosen, a GPU thread, each searching its own
 * nonce range (nonceStarts; the GPU takes the last, so that, hundreds of
 * times faster, it never runs into a CPU thread's range). When the GPU cannot
 * mine (no WebGPU, no adapter, a lost device), the pool goes on with its CPU
 * threads, or with one if it had none, and tells the listener why.
 */
export class ThreadPool implements HashPool {
  private readonly cpus: Thread[];
  private gpuThread: Thread | null;
  private job: MiningJob | null = null;

  constructor(
    choice: DeviceChoice,
    private readonly factory: ThreadFactory,
    private readonly listener: PoolListener,
  ) {
    this.cpus = Array.from({ length: choice.cpuThreads }, () => factory.cpu(this.cpuReport));
    this.gpuThread = choice.gpu ? factory.gpu((r) => this.gpuReport(r)) : null;
    if (this.cpus.length === 0 && this.gpuThread === null) this.cpus.push(factory.cpu(this.cpuReport));
  }

  get threads(): number {
    return this.cpus.length;
  }

  get gpu(): boolean {
    return this.gpuThread !== null;
  }

  run(job: MiningJob): void {
    this.job = job;
    const all = this.gpuThread === null ? this.cpus : [...this.cpus, this.gpuThread];
    const starts = nonceStarts(job.prefix, all.length);
    all.forEach((t, i) => t.post({ job, start: starts[i]! }));
  }

  stop(): void {
    this.job = null;
    for (const t of this.cpus) t.post({ stop: true });
    this.gpuThread?.post({ stop: true });
  }

  dispose(): void {
    this.job = null;
    for (const t of this.cpus) t.terminate();
    this.cpus.length = 0;
    this.gpuThread?.terminate();
    this.gpuThread = null;
  }

  private readonly cpuReport = (r: MinerReport) => {
    if ("found" in r) this.listener.found(r.found.jobId, r.found.nonce, r.found.hash);
    else if ("hashes" in r) this.listener.hashes(r.hashes, "cpu");
  };

  private gpuReport(r: MinerReport): void {
    if (this.gpuThread === null) return;
    if (!("gpu" in r)) {
      if ("found" in r) this.listener.found(r.found.jobId, r.found.nonce, r.found.hash);
      else this.listener.hashes(r.hashes, "gpu");
      return;
    }
    this.listener.gpu?.(r.gpu);
    if (r.gpu.ready) return;
    this.gpuThread.terminate();
    this.gpuThread = null;
    if (this.cpus.length > 0) return;
    // The GPU was the only miner: one CPU thread takes its place, on the current job.
    const cpu = this.factory.cpu(this.cpuReport);
    this.cpus.push(cpu);
    if (this.job !== null) cpu.post({ job: this.job, start: nonceStarts(this.job.prefix, 1)[0]! });
  }
}
