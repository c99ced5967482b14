/**
 * A hash pool runs one mining job at a time on one or more threads. The miner
 * (src/node/miner-runner.ts) builds jobs from block templates; the pool only
 * searches nonces. Thread i starts at i * 10^12, so threads never overlap.
 */
import { minerImplementation, searchNonce } from "./nonce-loop.ts";

export interface MiningJob {
  readonly id: number;
  /** prevHash + timestamp + JSON(data): everything before the nonce. */
  readonly prefix: string;
  readonly difficulty: number;
}

export interface PoolListener {
  found(jobId: number, nonce: number, hash: string): void;
  /** Hashes tried since the last report, across threads. */
  hashes(count: number): void;
}

export interface HashPool {
  readonly threads: number;
  /** Starts a job on every thread, replacing the one before. */
  run(job: MiningJob): void;
  stop(): void;
  /** Stops for good and frees the threads. */
  dispose(): void;
}

export const THREAD_STRIDE = 1e12;

/**
 * Nonces per slice: 10 to 20 ms of work, short enough that a new job replaces
 * the old one at once, long enough that the pause between slices costs
 * nothing. Per core, WebAssembly SIMD does 5.7 to 14 M hashes/s (7 to 18 ms
 * a slice) and the JavaScript loop 1.1 to 2.2 M, depending on how the
 * prefix's length leaves the tail (Node 20 and Chromium, EPYC, measured).
 */
export const SLICE = minerImplementation() === "wasm-simd" ? 100_000 : 20_000;

/**
 * A pool of one, in the calling thread, in slices between which pending I/O
 * runs (setImmediate in Node, a message in a worker).
 */
export class SlicedPool implements HashPool {
  readonly threads = 1;
  private job: MiningJob | null = null;
  private nonce = 0;
  private scheduled = false;

  constructor(
    private readonly listener: PoolListener,
    private readonly defer: (fn: () => void) => void,
    private readonly startNonce = 0,
  ) {}

  run(job: MiningJob): void {
    this.job = job;
    this.nonce = this.startNonce;
    this.kick();
  }

  stop(): void {
    this.job = null;
  }

  dispose(): void {
    this.stop();
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => this.step());
  }

  private step(): void {
    this.scheduled = false;
    const job = this.job;
    if (job === null) return;
    const r = searchNonce(job.prefix, job.difficulty, this.nonce, SLICE);
    this.listener.hashes(r.found ? r.nonce - this.nonce + 1 : SLICE);
    if (r.found) {
      this.job = null;
      this.listener.found(job.id, r.nonce, r.hash);
      return;
    }
    this.nonce = r.next;
    this.kick();
  }
}
