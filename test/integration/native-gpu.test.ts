/**
 * MINE_GPU=1 on a native node where no GPU can be had (this machine has
 * none; VK_ICD_FILENAMES naming no driver makes any machine so): the node
 * says why in one log line, mines on the CPU, and a tutorial-style peer takes
 * its blocks. MINE_GPU and MINE_THREADS are checked at start.
 */
import { afterEach, describe, expect, it } from "vitest";
import { GENESIS_HOLDER } from "../support/chain-builder.ts";
import { startNode, stopAll, until } from "../support/native-process.ts";
import { SeedPeer } from "../support/seed-peer.ts";

const seeds: SeedPeer[] = [];
afterEach(async () => {
  await Promise.all(seeds.splice(0).map((s) => s.close()));
  await stopAll();
});

const NO_DRIVER = { VK_ICD_FILENAMES: "/nonexistent/no-driver.json" };

describe("MINE_GPU=1 without a GPU", () => {
  it("logs why, mines on one CPU thread instead of the GPU alone, and a tutorial-style peer accepts the blocks", async () => {
    const seed = new SeedPeer(GENESIS_HOLDER.privateKey, "article");
    await seed.listen();
    seeds.push(seed);
    const node = await startNode({ MINE_GPU: "1", MINE_THREADS: "0", ...NO_DRIVER });
    await until("the GPU's fallback logged", () => node.logs.some((l) => l.includes("GPU mining unavailable (gpu-no-adapter)")), 20_000);
    expect(node.logs.find((l) => l.includes("GPU mining unavailable"))).toMatch(/WebGPU offers no adapter here .*; mining goes on with 1 CPU thread\(s\)/);
    const before = (await node.get("/api/mining")) as { threads: number; gpu: { state: string; reason: string } };
    expect(before).toMatchObject({ threads: 1, gpu: { state: "failed", reason: "gpu-no-adapter" } });

    seed.connect(node.address);
    await until("seed linked to node", () => seed.opened.length === 1 && seed.serverClients() > 0);
    await node.post("/api/mining", { on: true, blocks: 2 });
    await until("the seed took 2 blocks", () => seed.chain.length === 3, 30_000);
    const tip = (await node.get("/api/status")).tip as string;
    expect(seed.chain[2]!.hash).toBe(tip);
    const stats = (await node.get("/api/mining")) as { blocksFound: number; cpuHashrate: number; hashrate: number };
    expect(stats.blocksFound).toBe(2);
    expect(stats.cpuHashrate).toBe(stats.hashrate);
  }, 60_000);

  it("refuses MINE_GPU other than 0 or 1, and MINE_THREADS=0 without the GPU", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ MINE_GPU: "yes" }, /MINE_GPU must be 0 or 1/],
      [{ MINE_THREADS: "0" }, /MINE_THREADS must be a whole number from 1 to 256 \(0 only with MINE_GPU=1\)/],
    ];
    for (const [env, error] of cases) await expect(startNode(env, undefined, { startMs: 10_000 })).rejects.toThrow(error);
  }, 30_000);
});
