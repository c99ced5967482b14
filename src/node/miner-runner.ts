/**
 * Mining on a node: build a template on the tip, hand it to a hash pool as a
 * job, and replace the job as soon as the tip or the mempool changes. Found
 * blocks go through the node like any other block (validated, stored, then
 * announced).
 *
 * A block's stamp is chosen once per tip: new transactions rebuild the job
 * with the same stamp, so the announced difficulty measures the whole time
 * spent on the tip (PROTOCOL.md: from the block's timestamp). Otherwise steady
 * traffic would make every block look fast and the difficulty climb on.
 */
import { Reason } from "../core/reasons.ts";
import { buildTemplate, sealBlock, type BlockTemplate } from "../core/template.ts";
import type { RandomBytes } from "../core/wallet.ts";
import type { GpuReason } from "../miner/gpu-api.ts";
import type { HashPool, MiningDevice, PoolListener } from "../miner/pool.ts";
import type { GpuState } from "../miner/thread.ts";
import type { PeerNode } from "./node.ts";

export interface MinerEnv {
  readonly now: () => number;
  readonly random: RandomBytes;
  readonly schedule: (fn: () => void, ms: number) => () => void;
  readonly log: (line: string) => void;
}

/** The GPU's part: starting (opening the adapter, compiling the kernel), mining, or failed and why. */
export interface GpuStats {
  readonly state: "starting" | "mining" | "failed";
  readonly adapter: string | null;
  /** A software adapter (SwiftShader...): its rate is a CPU's, not a GPU's. */
  readonly software: boolean;
  readonly hashrate: number;
  readonly reason: GpuReason | null;
  readonly detail: string | null;
}

export interface MinerStats {
  readonly running: boolean;
  /** CPU threads. */
  readonly threads: number;
  /** The CPU threads' hashes per second. */
  readonly cpuHashrate: number;
  /** Null when the GPU was not chosen. */
  readonly gpu: GpuStats | null;
  readonly hashes: number;
  readonly blocksFound: number;
  /** Coins earned by blocks this miner found (rewards plus gas), while they stay on the main chain or not. */
  readonly earned: number;
  /** Hashes per second, smoothed over the last few seconds. */
  readonly hashrate: number;
  readonly difficulty: number;
}

export type PoolFactory = (listener: PoolListener) => HashPool;

/** Hashes per second, smoothed: each second's rate averaged with the one before. */
class RateMeter {
  rate = 0;
  private windowStart = 0;
  private windowHashes = 0;

  reset(now: number): void {
    this.windowStart = now;
    this.windowHashes = 0;
  }

  add(count: number, now: number): void {
    this.windowHashes += count;
    const ms = now - this.windowStart;
    if (ms < 1000) return;
    const current = (this.windowHashes * 1000) / ms;
    this.rate = this.rate === 0 ? current : this.rate * 0.5 + current * 0.5;
    this.reset(now);
  }
}

export class MinerRunner implements PoolListener {
  private running = false;
  private template: BlockTemplate | null = null;
  private jobId = 0;
  /** The tip the current stamp belongs to, and when mining on it began. */
  private stamp: { readonly tip: string; readonly since: number } | null = null;
  private cancelRetry: (() => void) | null = null;
  private hashCount = 0;
  private blocksFound = 0;
  private earned = 0;
  private readonly meters = { cpu: new RateMeter(), gpu: new RateMeter() };
  private gpuState: GpuState | null = null;
  private remaining: number | null = null;
  private pool: HashPool;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly node: PeerNode,
    private readonly minerAddress: string,
    private readonly env: MinerEnv,
    private readonly makePool: PoolFactory,
  ) {
    this.pool = makePool(this);
    // Any change of tip or mempool makes the job stale: take the new work at once.
    this.unsubscribe = node.on((e) => {
      if (this.running && (e.type === "chain" || e.type === "mempool")) this.newJob();
    });
  }

  /** Mines until stopped, or until `blocks` more blocks are found. */
  start(blocks: number | null = null): void {
    this.remaining = blocks;
    if (this.running) return;
    this.running = true;
    for (const m of Object.values(this.meters)) m.reset(this.env.now());
    this.newJob();
  }

  stop(): void {
    this.running = false;
    this.template = null;
    // Time stopped is not time spent mining: a later start takes a new stamp.
    this.stamp = null;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.pool.stop();
  }

  /** Replaces the pool (another number of threads) and carries on. */
  usePool(makePool: PoolFactory): void {
    this.pool.dispose();
    this.gpuState = null;
    this.meters.gpu.rate = 0;
    this.meters.cpu.rate = 0;
    this.pool = makePool(this);
    if (this.running) this.newJob();
  }

  dispose(): void {
    this.stop();
    this.pool.dispose();
    this.unsubscribe();
  }

  stats(): MinerStats {
    const { cpu, gpu } = this.meters;
    return {
      running: this.running,
      threads: this.pool.threads,
      cpuHashrate: Math.round(cpu.rate),
      gpu: this.gpuStats(),
      hashes: this.hashCount,
      blocksFound: this.blocksFound,
      earned: this.earned,
      hashrate: Math.round(cpu.rate + gpu.rate),
      difficulty: this.node.chain.difficulty(),
    };
  }

  private gpuStats(): GpuStats | null {
    const s = this.gpuState;
    const hashrate = Math.round(this.meters.gpu.rate);
    if (s === null) return this.pool.gpu === true ? { state: "starting", adapter: null, software: false, hashrate, reason: null, detail: null } : null;
    if (s.ready) return { state: "mining", adapter: s.adapter.name, software: s.adapter.software, hashrate, reason: null, detail: null };
    return { state: "failed", adapter: null, software: false, hashrate: 0, reason: s.reason, detail: s.detail };
  }

  hashes(count: number, device: MiningDevice = "cpu"): void {
    this.hashCount += count;
    this.meters[device].add(count, this.env.now());
  }

  gpu(state: GpuState): void {
    this.gpuState = state;
    if (!state.ready) this.meters.gpu.rate = 0;
    if (state.ready) this.env.log(`mining on the GPU: ${state.adapter.name}${state.adapter.software ? " (a software adapter: its rate is not a GPU's)" : ""}`);
    else this.env.log(`GPU mining unavailable (${state.reason}): ${state.detail}; mining goes on with ${Math.max(1, this.pool.threads)} CPU thread(s)`);
  }

  found(jobId: number, nonce: number, hash: string): void {
    const t = this.template;
    if (!this.running || t === null || jobId !== this.jobId) return;
    const { block, announced } = sealBlock(t, nonce, hash, this.env.now());
    this.template = null;
    const r = this.node.submitBlock(block, announced);
    if (!r.ok) {
      this.env.log(`mined block ${hash} refused: ${r.reason}: ${r.detail}`);
      return this.newJob();
    }
    this.blocksFound++;
    this.earned += block.data[0]!.amount;
    this.env.log(`mined block ${t.height} ${hash} at difficulty ${t.difficulty}, announcing ${announced}`);
    if (this.remaining !== null && --this.remaining <= 0) this.stop();
    // Otherwise the node's chain event for this block starts the next job.
  }

  private newJob(): void {
    const waiting = this.cancelRetry !== null;
    this.cancelRetry?.();
    this.cancelRetry = null;
    if (!this.running) return;
    const tip = this.node.chain.tip().block.hash;
    const now = this.stamp?.tip === tip ? this.stamp.since : this.env.now();
    const r = buildTemplate({ chain: this.node.chain, mempool: this.node.mempool, minerAddress: this.minerAddress, now, random: this.env.random });
    if (!r.ok) {
      if (r.reason !== Reason.ClockBehindTip) throw new Error(`${r.reason}: ${r.detail}`);
      // Our clock went back since the tip was accepted: no stamp after it is one our own rules accept yet.
      if (!waiting) this.env.log(`miner waiting: ${r.detail}`);
      this.template = null;
      this.pool.stop();
      this.cancelRetry = this.env.schedule(() => this.newJob(), 100);
      return;
    }
    this.template = r.template;
    this.stamp = { tip, since: now };
    this.pool.run({ id: ++this.jobId, prefix: r.template.prefix, difficulty: r.template.difficulty });
  }
}
