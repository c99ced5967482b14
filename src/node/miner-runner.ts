/**
 * Mining on a node: build a template on the tip, search nonces in short
 * slices, and start over as soon as the tip or the mempool changes. Found
 * blocks go through the node like any other block (validated, stored, then
 * announced).
 */
import { Reason } from "../core/reasons.ts";
import { buildTemplate, sealBlock, type BlockTemplate } from "../core/template.ts";
import type { RandomBytes } from "../core/wallet.ts";
import { searchNonce } from "../miner/nonce-loop.ts";
import type { PeerNode } from "./node.ts";

export interface MinerEnv {
  readonly now: () => number;
  readonly random: RandomBytes;
  /** Runs fn soon, after pending I/O (setImmediate in Node, a message in a worker). */
  readonly defer: (fn: () => void) => void;
  readonly schedule: (fn: () => void, ms: number) => () => void;
  readonly log: (line: string) => void;
}

export interface MinerStats {
  readonly running: boolean;
  readonly hashes: number;
  readonly blocksFound: number;
  /** Hashes per second over the last completed slices. */
  readonly hashrate: number;
  readonly difficulty: number;
}

/** About 20 ms of work at this loop's speed: short enough that a new block stops it at once. */
const SLICE = 4_000;

export class MinerRunner {
  private running = false;
  private template: BlockTemplate | null = null;
  private startedAt = 0;
  private nonce = 0;
  private hashes = 0;
  private blocksFound = 0;
  private rate = 0;
  private remaining: number | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly node: PeerNode,
    private readonly minerAddress: string,
    private readonly env: MinerEnv,
  ) {
    // Any change of tip or mempool makes the template stale: take the new work at once.
    this.unsubscribe = node.on((e) => {
      if (e.type === "chain" || e.type === "mempool") this.template = null;
    });
  }

  /** Mines until stopped, or until `blocks` more blocks are found. */
  start(blocks: number | null = null): void {
    this.remaining = blocks;
    if (this.running) return;
    this.running = true;
    this.env.defer(() => this.step());
  }

  stop(): void {
    this.running = false;
    this.template = null;
  }

  dispose(): void {
    this.stop();
    this.unsubscribe();
  }

  stats(): MinerStats {
    return { running: this.running, hashes: this.hashes, blocksFound: this.blocksFound, hashrate: Math.round(this.rate), difficulty: this.node.chain.difficulty() };
  }

  private step(): void {
    if (!this.running) return;
    if (this.template === null && !this.newTemplate()) return;
    const t = this.template!;
    const sliceStart = this.env.now();
    const r = searchNonce(t.prefix, t.difficulty, this.nonce, SLICE);
    const tried = r.found ? r.nonce - this.nonce + 1 : SLICE;
    this.hashes += tried;
    const ms = this.env.now() - sliceStart;
    if (ms > 0) this.rate = this.rate * 0.8 + ((tried * 1000) / ms) * 0.2;
    if (r.found) this.found(t, r.nonce, r.hash);
    else this.nonce = r.next;
    if (this.running) this.env.defer(() => this.step());
  }

  private newTemplate(): boolean {
    const now = this.env.now();
    const r = buildTemplate({ chain: this.node.chain, mempool: this.node.mempool, minerAddress: this.minerAddress, now, random: this.env.random });
    if (!r.ok) {
      if (r.reason !== Reason.ClockBehindTip) throw new Error(`${r.reason}: ${r.detail}`);
      // The tip is stamped ahead of our clock; we never stamp the future, so wait.
      this.env.schedule(() => this.step(), 100);
      return false;
    }
    this.template = r.template;
    this.startedAt = now;
    this.nonce = 0;
    return true;
  }

  private found(t: BlockTemplate, nonce: number, hash: string): void {
    const { block, announced } = sealBlock(t, nonce, hash, this.env.now() - this.startedAt);
    this.template = null;
    const r = this.node.submitBlock(block, announced);
    if (!r.ok) return this.env.log(`mined block ${hash} refused: ${r.reason}: ${r.detail}`);
    this.blocksFound++;
    this.env.log(`mined block ${t.height} ${hash} at difficulty ${t.difficulty}, announcing ${announced}`);
    if (this.remaining !== null && --this.remaining <= 0) this.stop();
  }
}
