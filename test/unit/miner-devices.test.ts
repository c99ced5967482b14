/**
 * The pool of CPU threads and the GPU (ThreadPool): disjoint starts with the
 * GPU last, hashes counted per device, and when the GPU cannot mine, the CPU
 * goes on: with the threads it has, or with one if the GPU was alone.
 */
import { describe, expect, it } from "vitest";
import { nonceStarts, type MiningDevice } from "../../src/miner/pool.ts";
import { ThreadPool, type GpuState, type MinerCommand, type MinerReport } from "../../src/miner/thread.ts";
import { asciiPrefix } from "../support/miner-reference.ts";

interface FakeThread {
  readonly kind: "cpu" | "gpu";
  readonly commands: MinerCommand[];
  readonly report: (r: MinerReport) => void;
  terminated: boolean;
}

function harness(cpuThreads: number, gpu: boolean) {
  const threads: FakeThread[] = [];
  const hashes: [number, MiningDevice | undefined][] = [];
  const states: GpuState[] = [];
  const found: number[] = [];
  const make = (kind: "cpu" | "gpu") => (report: (r: MinerReport) => void) => {
    const t: FakeThread = { kind, commands: [], report, terminated: false };
    threads.push(t);
    return { post: (c: MinerCommand) => void t.commands.push(c), terminate: () => void (t.terminated = true) };
  };
  const pool = new ThreadPool(
    { cpuThreads, gpu },
    { cpu: make("cpu"), gpu: make("gpu") },
    { found: (_id, nonce) => void found.push(nonce), hashes: (n, device) => void hashes.push([n, device]), gpu: (s) => void states.push(s) },
  );
  return { pool, threads, hashes, states, found };
}

const job = { id: 7, prefix: asciiPrefix(5116, 5), difficulty: 6 };
const lost: GpuState = { ready: false, reason: "gpu-device-lost", detail: "the GPU device was lost (unknown): test" };

describe("ThreadPool with a GPU", () => {
  it("gives every thread its own start, the GPU the last, and counts hashes per device", () => {
    const { pool, threads, hashes, found } = harness(2, true);
    expect(threads.map((t) => t.kind)).toEqual(["cpu", "cpu", "gpu"]);
    expect([pool.threads, pool.gpu]).toEqual([2, true]);
    pool.run(job);
    const starts = nonceStarts(job.prefix, 3);
    expect(threads.map((t) => t.commands.at(-1))).toEqual(starts.map((start) => ({ job, start })));
    threads[0]!.report({ hashes: 100 });
    threads[2]!.report({ hashes: 5000 });
    threads[2]!.report({ found: { jobId: 7, nonce: 42, hash: "00" } });
    expect(hashes).toEqual([
      [100, "cpu"],
      [5000, "gpu"],
    ]);
    expect(found).toEqual([42]);
  });

  it("a failing GPU is dropped and reported; the CPU threads mine on, untouched", () => {
    const { pool, threads, states } = harness(2, true);
    pool.run(job);
    const before = threads.map((t) => t.commands.length);
    threads[2]!.report({ gpu: { ready: true, adapter: { name: "Test GPU", software: false } } });
    threads[2]!.report({ gpu: lost });
    expect(states).toEqual([{ ready: true, adapter: { name: "Test GPU", software: false } }, lost]);
    expect(threads[2]!.terminated).toBe(true);
    expect(threads.length).toBe(3);
    expect(threads.map((t) => t.commands.length)).toEqual(before);
    expect([pool.threads, pool.gpu]).toEqual([2, false]);
    // Reports from the dropped GPU (one in flight) are ignored; new jobs go to the CPU threads only.
    threads[2]!.report({ hashes: 10 });
    pool.run({ ...job, id: 8 });
    expect(threads[2]!.commands.length).toBe(before[2]);
  });

  it("the GPU alone: when it fails, one CPU thread takes the current job", () => {
    const { pool, threads, states } = harness(0, true);
    expect(threads.map((t) => t.kind)).toEqual(["gpu"]);
    pool.run(job);
    expect(threads[0]!.commands).toEqual([{ job, start: nonceStarts(job.prefix, 1)[0] }]);
    threads[0]!.report({ gpu: { ready: false, reason: "gpu-no-adapter", detail: "WebGPU offers no adapter here" } });
    expect(states.map((s) => !s.ready && s.reason)).toEqual(["gpu-no-adapter"]);
    expect(threads.map((t) => [t.kind, t.terminated])).toEqual([
      ["gpu", true],
      ["cpu", false],
    ]);
    expect(threads[1]!.commands).toEqual([{ job, start: nonceStarts(job.prefix, 1)[0] }]);
    expect([pool.threads, pool.gpu]).toEqual([1, false]);
  });

  it("nothing chosen still mines: one CPU thread", () => {
    const { pool, threads } = harness(0, false);
    expect(threads.map((t) => t.kind)).toEqual(["cpu"]);
    expect(pool.threads).toBe(1);
  });
});
