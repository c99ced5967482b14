/**
 * npm run bench:node-sync [blocks] [payments-per-block]: two native node
 * processes on 127.0.0.1. Node A starts on a store holding an N-block chain
 * (default 1,000 blocks, one payment plus the reward each); node B starts empty
 * with PEERS=A. Prints A's restart time (spawn to listening, and the store load
 * it logs), B's time to sync the whole chain, as a table and a JSON line.
 */
import { performance } from "node:perf_hooks";
import { buildLongChain, storedBlocks } from "../test/support/long-chain.ts";
import { dataDirWith, startNode, stopAll, until } from "../test/support/native-process.ts";

const blocks = Number(process.argv[2] ?? 1000);
const payments = Number(process.argv[3] ?? 1);

const long = buildLongChain(blocks, payments);
const dir = await dataDirWith(storedBlocks(long.chain), "bench-a");

try {
  const t0 = performance.now();
  const a = await startNode({}, dir);
  const restartMs = performance.now() - t0;
  const loadMs = Number(/loaded \d+ blocks .* in (\d+) ms/.exec(a.logs.join("\n"))?.[1] ?? NaN);
  if ((await a.get("/api/status")).height !== blocks) throw new Error("node A did not load the chain");

  const t1 = performance.now();
  const b = await startNode({ PEERS: a.address });
  await until("node B synced", async () => (await b.get("/api/status")).height === blocks, 600_000);
  const syncMs = performance.now() - t1;
  const same = (await a.get("/api/status")).tip === (await b.get("/api/status")).tip;
  if (!same) throw new Error("the two nodes ended on different tips");

  console.log(`chain: ${blocks} blocks, ${payments} payment(s) + reward each`);
  console.table({
    "restart (spawn to listening, A)": { ms: Math.round(restartMs) },
    "store load and re-validation (A's log)": { ms: loadMs },
    "sync from empty, spawn to same tip (B)": { ms: Math.round(syncMs) },
  });
  console.log(JSON.stringify({ blocks, payments, restartMs: Math.round(restartMs), loadMs, syncMs: Math.round(syncMs) }));
} finally {
  await stopAll();
}
