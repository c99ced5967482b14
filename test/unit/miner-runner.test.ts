/**
 * The miner on a node: which stamp it puts on a block and what difficulty it
 * announces. A real node on the in-memory store, the real sliced pool hashing
 * real nonces (difficulty 1-2), a manual clock and scheduler: the test decides
 * when time passes and when the pool's slices run.
 */
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/core/block.ts";
import { params } from "../../src/core/params.ts";
import { SlicedPool, type MiningJob, type PoolListener } from "../../src/miner/pool.ts";
import { MinerRunner } from "../../src/node/miner-runner.ts";
import { DEFAULT_NODE_CONFIG, PeerNode } from "../../src/node/node.ts";
import { MemoryStore } from "../../src/node/store.ts";
import { GENESIS_HOLDER, T0, forge, newWallet, pay, random, reward } from "../support/chain-builder.ts";

const minerWallet = newWallet();
const bob = newWallet();

/** The real sliced pool, its slices queued for the test to run, every job it is given recorded. */
class QueuedPool extends SlicedPool {
  constructor(
    listener: PoolListener,
    private readonly slices: (() => void)[],
    private readonly jobs: MiningJob[],
  ) {
    super(listener, (fn) => slices.push(fn), 0);
  }
  override run(job: MiningJob): void {
    this.jobs.push(job);
    super.run(job);
  }
}

async function setup() {
  let clock = T0;
  const timers = new Set<{ at: number; fn: () => void }>();
  const logs: string[] = [];
  const env = {
    now: () => clock,
    schedule: (fn: () => void, ms: number) => {
      const timer = { at: clock + ms, fn };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    log: (line: string) => void logs.push(line),
  };
  const node = await PeerNode.open(new MemoryStore(), { ...DEFAULT_NODE_CONFIG, address: "ws://localhost:1" }, { ...env, random });
  const slices: (() => void)[] = [];
  const jobs: MiningJob[] = [];
  const miner = new MinerRunner(node, minerWallet.address, { ...env, random }, (listener) => new QueuedPool(listener, slices, jobs));
  return {
    node,
    miner,
    jobs,
    logs,
    now: () => clock,
    /** Moves the clock on, running the timers that fall due. */
    advance(ms: number) {
      clock += ms;
      for (const t of [...timers]) {
        if (t.at > clock) continue;
        timers.delete(t);
        t.fn();
      }
    },
    /** Runs the pool's slices until the job in hand is found, then lets the node store and announce the block. */
    async mine() {
      const before = node.chain.height;
      while (slices.length > 0) slices.shift()!();
      await node.flushed();
      expect(node.chain.height).toBe(before + 1);
      return node.chain.tip();
    },
    /** A block from elsewhere on the tip, stamped `timestamp`, announcing `announced`. */
    async receive(timestamp: number, announced: number) {
      const tip = node.chain.tip().block;
      const block: Block = forge(tip.hash, String(timestamp), [reward(newWallet().address, params.reward)], node.chain.difficulty());
      expect(node.submitBlock(block, announced).ok).toBe(true);
      await node.flushed();
      return block;
    },
  };
}

type Harness = Awaited<ReturnType<typeof setup>>;

/** A job's preimage is the tip's hash, the stamp, then the data's JSON: the stamp of the latest job (or of `job`). */
const stampOf = (h: Harness, job = h.jobs.at(-1)!) => {
  const tip = h.node.chain.tip().block.hash;
  expect(job.prefix.startsWith(tip)).toBe(true);
  return Number(/^(\d+)\[/.exec(job.prefix.slice(tip.length))![1]);
};

describe("the miner's stamp", () => {
  it("a tip stamped 100 s ahead of the clock: mines at once, stamped just after it, and the node accepts the block", async () => {
    const h = await setup();
    const ahead = await h.receive(h.now() + 100_000, 2);
    h.miner.start(1);
    expect(h.jobs).toHaveLength(1);
    expect(stampOf(h)).toBe(Number(ahead.timestamp) + 1);
    h.advance(5_000);
    const mined = await h.mine();
    expect(mined.block.prevHash).toBe(ahead.hash);
    expect(mined.block.timestamp).toBe(String(Number(ahead.timestamp) + 1));
    expect(h.miner.stats().blocksFound).toBe(1);
    // Found 5 s after it started on the tip: fast, whatever the stamp says.
    expect(mined.next).toBe(3);
  });

  it("a tip stamped in the past: the stamp is the clock", async () => {
    const h = await setup();
    await h.receive(h.now() - 5_000, 2);
    h.miner.start(1);
    expect(stampOf(h)).toBe(h.now());
    const mined = await h.mine();
    expect(mined.timestamp).toBe(T0);
  });

  it("a tip stamped ahead: mining time is counted from when the miner started on it, not from the stamp", async () => {
    const h = await setup();
    await h.receive(h.now() + 100_000, 2);
    h.miner.start(1);
    h.advance(40_000);
    // Found - stamp would be -60 s, always "fast"; 40 s were spent mining: slow.
    expect((await h.mine()).next).toBe(1);
  });

  it("a tip beyond the clock's allowance (the clock went back): waits, then mines as soon as a stamp is allowed", async () => {
    const h = await setup();
    const edge = await h.receive(h.now() + params.maxFutureMs, 2);
    h.miner.start(1);
    expect(h.jobs).toHaveLength(0);
    expect(h.logs.filter((l) => l.startsWith("miner waiting"))).toHaveLength(1);
    h.advance(100);
    expect(h.logs.filter((l) => l.startsWith("miner waiting"))).toHaveLength(1);
    expect(stampOf(h)).toBe(Number(edge.timestamp) + 1);
    expect((await h.mine()).block.timestamp).toBe(String(Number(edge.timestamp) + 1));
  });

  it("a new tip gives a new stamp", async () => {
    const h = await setup();
    await h.receive(h.now() - 5_000, 2);
    h.miner.start(1);
    const first = stampOf(h);
    h.advance(5_000);
    const other = await h.receive(h.now() - 1_000, 3);
    expect(h.jobs.at(-1)!.prefix.startsWith(other.hash)).toBe(true);
    expect(stampOf(h)).toBe(first + 5_000);
    expect((await h.mine()).block.prevHash).toBe(other.hash);
  });
});

describe("the announced difficulty under steady transaction traffic", () => {
  // A transaction every second while mining on one tip; the block found when the traffic ends.
  it.each([
    { seconds: 40, announced: 1, why: "slow: -1" },
    { seconds: 10, announced: 3, why: "fast: +1" },
  ])("found after $seconds s of traffic: announces $announced ($why), the stamp unchanged across rebuilds", async ({ seconds, announced }) => {
    const h = await setup();
    await h.receive(h.now() - 5_000, 2);
    expect(h.node.chain.difficulty()).toBe(2);
    h.miner.start(1);
    const stamp = stampOf(h);
    for (let i = 0; i < seconds; i++) {
      h.advance(1_000);
      expect(h.node.submitTransaction(pay(GENESIS_HOLDER, bob.address, 1, 1)).ok).toBe(true);
    }
    expect(h.jobs).toHaveLength(seconds + 1);
    expect(new Set(h.jobs.map((job) => stampOf(h, job)))).toEqual(new Set([stamp]));
    // Each rebuild carries the new transactions: a new preimage, and a new midstate with it.
    expect(new Set(h.jobs.map((j) => j.prefix)).size).toBe(seconds + 1);
    const mined = await h.mine();
    expect(mined.block.timestamp).toBe(String(stamp));
    expect(mined.block.data).toHaveLength(seconds + 1);
    expect(mined.next).toBe(announced);
  });
});
