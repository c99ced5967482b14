/** Native nodes as real processes on 127.0.0.1: peering through PEERS, gossip, mining, convergence. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { params } from "../../src/core/params.ts";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";

afterEach(stopAll);
afterAll(stopAll);

const HOLDER_KEY = GENESIS_HOLDER.privateKey;
const status = (n: NodeProcess) => n.get("/api/status");
const outboundTo = async (n: NodeProcess, address: string) =>
  ((await status(n)).peers as { address: string; direction: string; open: boolean }[]).some((p) => p.address === address && p.direction === "out" && p.open);
const mempoolOf = async (n: NodeProcess) => (await n.get("/api/mempool")).transactions as unknown[];

describe("native nodes", () => {
  it("three nodes joined through PEERS share a transaction and a mined block", async () => {
    const a = await startNode({ PRIVATE_KEY: HOLDER_KEY });
    const b = await startNode({ PEERS: a.address });
    const c = await startNode({ PEERS: b.address });
    // Handshakes spread addresses: everyone ends up linked to everyone.
    for (const [x, y] of [[a, b], [a, c], [b, a], [b, c], [c, a], [c, b]] as const) {
      await until(`${x.port} linked to ${y.port}`, () => outboundTo(x, y.address));
    }
    const bob = newWallet();
    const tx = pay(GENESIS_HOLDER, bob.address, 100, 2);
    const sent = await c.post("/api/transactions", tx);
    expect(sent.status).toBe(202);
    for (const n of [a, b, c]) await until(`tx in ${n.port}'s mempool`, async () => (await mempoolOf(n)).length === 1);

    expect((await b.post("/api/mining", { on: true, blocks: 1 })).status).toBe(200);
    for (const n of [a, b, c]) await until(`block 1 at ${n.port}`, async () => (await status(n)).height === 1);
    const tips = await Promise.all([a, b, c].map(async (n) => (await status(n)).tip));
    expect(new Set(tips).size).toBe(1);
    const block = await a.get(`/api/blocks/${tips[0]}`);
    expect(block.block.data[1]).toEqual(tx);
    for (const n of [a, b, c]) {
      await until(`empty mempool at ${n.port}`, async () => (await mempoolOf(n)).length === 0);
      expect((await n.get(`/api/balance/${bob.address}`)).balance).toBe(100);
      expect((await n.get(`/api/balance/${GENESIS_HOLDER.address}`)).balance).toBe(params.initialCoinRelease - 102);
    }
    const miner = (await status(b)).wallet;
    expect((await a.get(`/api/balance/${miner}`)).balance).toBe(params.reward + 2);
  });

  it("two groups mining apart converge on the heavier chain when joined, balances and mempools exact", async () => {
    const a1 = await startNode({ PRIVATE_KEY: HOLDER_KEY });
    const a2 = await startNode({ PEERS: a1.address });
    const b1 = await startNode();
    const b2 = await startNode({ PEERS: b1.address });
    await until("group a linked", () => outboundTo(a2, a1.address).then((ok) => ok && outboundTo(a1, a2.address)));
    await until("group b linked", () => outboundTo(b2, b1.address).then((ok) => ok && outboundTo(b1, b2.address)));

    // Group A confirms a payment in a 2-block chain; group B mines 3 empty blocks: more work.
    const carol = newWallet();
    const t1 = pay(GENESIS_HOLDER, carol.address, 500, 5);
    expect((await a1.post("/api/transactions", t1)).status).toBe(202);
    await until("t1 at a2", async () => (await mempoolOf(a2)).length === 1);
    await a2.post("/api/mining", { on: true, blocks: 2 });
    await b2.post("/api/mining", { on: true, blocks: 3 });
    await until("group a at height 2", async () => (await status(a1)).height === 2);
    await until("group b at height 3", async () => (await status(b1)).height === 3);
    expect((await a1.get(`/api/balance/${carol.address}`)).balance).toBe(500);
    const heavier = await status(b1);
    const minerB = (await status(b2)).wallet;

    expect((await a1.post("/api/peers", { address: b1.address })).status).toBe(202);
    for (const n of [a1, a2, b1, b2]) await until(`${n.port} on the heavier chain`, async () => (await status(n)).tip === heavier.tip, 60_000);
    for (const n of [a1, a2, b1, b2]) {
      expect((await status(n)).work).toBe(heavier.work);
      // t1's block was displaced: the payment is unconfirmed again, waiting everywhere, counted nowhere.
      await until(`t1 back in ${n.port}'s mempool`, async () => JSON.stringify(await mempoolOf(n)) === JSON.stringify([t1]));
      const carolNow = await n.get(`/api/balance/${carol.address}`);
      expect(carolNow).toEqual({ address: carol.address, balance: 0, pending: 500 });
      expect((await n.get(`/api/balance/${GENESIS_HOLDER.address}`)).balance).toBe(params.initialCoinRelease);
      expect((await n.get(`/api/balance/${minerB}`)).balance).toBe(3 * params.reward);
    }
  });
});
