/**
 * A peer stamps the tip as far ahead as the rules nearly allow (100 s of the
 * 120): a native node's miner still mines on it at once, stamping just after
 * it, instead of idling until its clock passes the stamp while the peer mines
 * alone. The peer is the tutorial-style one (test/support/seed-peer.ts), its
 * hashing independent of src/.
 */
import { afterEach, expect, it } from "vitest";
import { GENESIS_HOLDER, newWallet } from "../support/chain-builder.ts";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { SeedPeer } from "../support/seed-peer.ts";

const seeds: SeedPeer[] = [];
afterEach(async () => {
  await Promise.all(seeds.splice(0).map((s) => s.close()));
  await stopAll();
});

const status = (n: NodeProcess) => n.get<{ height: number; tip: string; difficulty: number }>("/api/status");

it("a tip stamped 100 s ahead does not stall the miner; the node keeps serving afterwards", async () => {
  const seed = new SeedPeer(GENESIS_HOLDER.privateKey);
  await seed.listen();
  seeds.push(seed);
  const node = await startNode();
  seed.connect(node.address);
  await until("node dialed the seed", () => seed.serverClients() > 0);
  await until("seed linked to node", () => seed.opened.length === 1);

  // Height 1 stamped 100 s ahead, at the fresh chain's difficulty 1.
  const ahead = seed.mine({ timestamp: Date.now() + 100_000 });
  await until("node took the block stamped ahead", async () => (await status(node)).tip === ahead.hash);

  const switchedOn = Date.now();
  await node.post("/api/mining", { on: true, blocks: 2 });
  await until("node mined its first block on it", async () => (await status(node)).height >= 2);
  // A figure for the closing note, not an assertion: before the fix the miner sat idle until its clock passed the stamp.
  console.log(`first block on a tip stamped 100 s ahead: ${Date.now() - switchedOn} ms after mining was switched on`);
  await until("node mined 2 blocks on it", async () => (await status(node)).height === 3);

  const { blocks } = await node.get<{ blocks: { main: boolean; block: { timestamp: string; prevHash: string; hash: string } }[] }>("/api/blocks?from=1&limit=3");
  expect(blocks.map((b) => b.block.hash)[0]).toBe(ahead.hash);
  expect(blocks.every((b) => b.main)).toBe(true);
  expect(blocks[1]!.block.prevHash).toBe(ahead.hash);
  expect(blocks.map((b) => Number(b.block.timestamp))).toEqual([0, 1, 2].map((i) => Number(ahead.timestamp) + i));

  // The price of stamping ahead: a tutorial node takes a live block only when it is stamped before its clock.
  await until("seed heard both mined blocks", () => seed.received.filter((f) => f.includes("TYPE_REPLACE_CHAIN")).length === 2);
  expect(seed.chain).toHaveLength(2);

  // Control: the node answers and accepts a further block with a payment, stamped after the tip as the rules require.
  seed.requestChain(node.address);
  await until("seed took the node's chain", () => seed.chain.length === 4);
  seed.difficulty = (await status(node)).difficulty;
  const bob = newWallet();
  seed.pay(bob.address, 10, 1);
  const next = seed.mine({ timestamp: Math.max(Date.now(), Number(blocks[2]!.block.timestamp) + 1) });
  await until("node took the seed's next block", async () => (await status(node)).tip === next.hash);
  expect((await status(node)).height).toBe(4);
  expect((await node.get(`/api/balance/${bob.address}`)).balance).toBe(10);
});
