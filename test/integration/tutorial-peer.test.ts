/** A peer that behaves like the tutorial's node (test/support/seed-peer.ts) and a native Tabnode node, on 127.0.0.1. */
import { afterEach, describe, expect, it } from "vitest";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { SeedPeer } from "../support/seed-peer.ts";

const seeds: SeedPeer[] = [];
afterEach(async () => {
  await Promise.all(seeds.splice(0).map((s) => s.close()));
  await stopAll();
});

async function seedPeer(form: "article" | "v0.2.0"): Promise<SeedPeer> {
  const seed = new SeedPeer(GENESIS_HOLDER.privateKey, form);
  await seed.listen();
  seeds.push(seed);
  return seed;
}

const height = async (n: NodeProcess) => (await n.get("/api/status")).height as number;
const mempool = async (n: NodeProcess) => (await n.get("/api/mempool")).transactions as unknown[];

describe("with a tutorial-style peer", () => {
  it("exchanges a transaction, blocks both ways, and a chain stream in the article's form", async () => {
    const seed = await seedPeer("article");
    const node = await startNode();
    seed.connect(node.address);
    // The node hears the seed's handshake and dials back: now each can send to the other.
    await until("node dialed the seed", () => seed.serverClients() > 0);
    await until("seed linked to node", () => seed.opened.length === 1);

    // Seed -> node: a transaction signed with elliptic's defaults, then the block that mines it.
    const bob = newWallet();
    const tx = seed.pay(bob.address, 200, 10);
    await until("the seed's transaction in the node's mempool", async () => JSON.stringify(await mempool(node)) === JSON.stringify([tx]));
    const b1 = seed.mine();
    await until("node at height 1", async () => (await height(node)) === 1);
    expect((await node.get("/api/status")).tip).toBe(b1.hash);
    expect((await node.get(`/api/balance/${bob.address}`)).balance).toBe(200);
    expect(await mempool(node)).toEqual([]);

    // Node -> seed: a transaction through the node's API, then a block the node mines: the seed accepts both.
    const carol = newWallet();
    const tx2 = pay(GENESIS_HOLDER, carol.address, 50, 1);
    expect((await node.post("/api/transactions", tx2)).status).toBe(202);
    await until("the node's transaction in the seed's mempool", () => seed.transactions.length === 1);
    expect(seed.transactions[0]).toEqual(tx2);
    await node.post("/api/mining", { on: true, blocks: 1 });
    await until("seed at height 2", () => seed.chain.length === 3);
    const tip = (await node.get("/api/status")).tip;
    expect(seed.chain[2]!.hash).toBe(tip);
    expect(seed.getBalance(carol.address)).toBe(50);
    expect(seed.transactions).toEqual([]);

    // The seed asks for the node's chain: blocks 1..n-1, `finished` on the last, which it validates and adopts.
    seed.chain.splice(1);
    seed.requestChain(node.address);
    await until("seed re-synced from the node's stream", () => seed.chain.length === 3);
    const nodeBlocks = (await node.get("/api/blocks?from=0&limit=3")).blocks as { hash: string }[];
    expect(seed.chain.map((b) => b.hash)).toEqual(nodeBlocks.map((b) => b.hash));
    expect(seed.chain[2]!.hash).toBe(tip);
  });

  it("takes a v0.2.0 chain stream (genesis included, never finished), verified in threads, asking its tip first and never the info it answers with a frame that is not JSON", async () => {
    const seed = await seedPeer("v0.2.0");
    for (let i = 0; i < 3; i++) {
      seed.pay(newWallet().address, 10 + i, 1);
      seed.mine();
    }
    const node = await startNode({ PEERS: seed.address, VERIFY_THREADS: "2" });
    await until("node synced the seed's 3 blocks", async () => (await height(node)) === 3, 20_000);
    expect((await node.get("/api/status")).tip).toBe(seed.chain[3]!.hash);
    // The 2 threads verified the stream before validation, each signature once: 3 payments and one
    // reward, since the tutorial's deterministic signing makes the 3 blocks' rewards (298 to one miner) identical.
    expect(node.logs.some((l) => l.includes("4 signatures verified ahead in 2 threads"))).toBe(true);
    // The tip and mempool come with TYPE_SEND_CHECK; v0.2.0's REQUEST_INFO answer (not JSON) is never asked for.
    expect(seed.received.some((f) => f.startsWith('{"type":"TYPE_REQUEST_CHECK"'))).toBe(true);
    expect(seed.received.some((f) => f.startsWith('{"type":"TYPE_REQUEST_INFO"'))).toBe(false);
    expect(node.logs.some((l) => l.includes("frame-not-json"))).toBe(false);
  });
});
