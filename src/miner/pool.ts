/**
 * A hash pool runs one mining job at a time on one or more threads. The miner
 * (src/node/miner-runner.ts) builds jobs from block templates; the pool only
 * searches nonces, each thread in a range of its own (nonceStarts).
 */
import { minerImplementation, searchNonce } from "./nonce-loop.ts";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { costsOneCompression, tailLayout } from "./preimage.ts";
import type { GpuState } from "./thread.ts";

export interface MiningJob {
  readonly id: number;
  /** prevHash + timestamp + JSON(data): everything before the nonce. */
  readonly prefix: string;
  readonly difficulty: number;
}

/** What hashes: the CPU (threads) or the GPU. */
export type MiningDevice = "cpu" | "gpu";

export interface PoolListener {
  found(jobId: number, nonce: number, hash: string): void;
  /** Hashes tried since the last report, by the CPU threads (the default) or the GPU. */
  hashes(count: number, device?: MiningDevice): void;
  /** The GPU thread's state: ready on an adapter, or why it stopped (the pool then mines on the CPU). */
  gpu?(state: GpuState): void;
}

export interface HashPool {
  /** CPU threads. */
  readonly threads: number;
  /** Whether a GPU thread is in the pool. */
  readonly gpu?: boolean;
  /** Starts a job on every thread, replacing the one before. */
  run(job: MiningJob): void;
  stop(): void;
  /** Stops for good and frees the threads. */
  dispose(): void;
}

export const THREAD_STRIDE = 1e12;

/**
 * Where each of `threads` threads starts on a job. Any nonce is as good as
 * another to the network, but not to the miner: the nonce's digit count
 * decides how the tail (the prefix's last bytes, the digits, the padding)
 * falls over 64-byte blocks. When the digits that change end in the first
 * block and the padding spills into a second, every nonce costs two
 * compressions (about 6-7 M hashes/s against 10-12 M; for any one digit
 * count, 10 of the 64 prefix lengths mod 64). So the threads search nonces of the largest
 * digit count from 16 down to 12 whose tail costs one compression with at
 * least 100 nonces per segment, each thread 10^12 nonces (or an equal share
 * of that digit count) apart. Where no such count exists (the prefix's length
 * mod 64 is 44 to 49), thread i starts at i * 10^12.
 */
export function nonceStarts(prefix: string, threads: number): number[] {
  const rest = utf8ToBytes(prefix).length % 64;
  for (let digits = 16; digits >= 12; digits--) {
    const base = 10 ** (digits - 1);
    if (costsOneCompression(tailLayout(rest, digits))) {
      const stride = Math.min(THREAD_STRIDE, Math.floor((9 * base) / threads));
      return Array.from({ length: threads }, (_, i) => base + i * stride);
    }
  }
  return Array.from({ length: threads }, (_, i) => i * THREAD_STRIDE);
}

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
    /** Where to start every job; by default, where nonceStarts puts a single thread. */
    private readonly startNonce?: number,
  ) {}

  run(job: MiningJob): void {
    this.job = job;
    this.nonce = this.startNonce ?? nonceStarts(job.prefix, 1)[0]!;
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
