/** A peer that behaves like the tutorial's node (test/support/seed-peer.ts) and a native Tabnode node, on 127.0.0.1. */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { SeedPeer } from "../support/seed-peer.ts";
import { SeedProcess, stopSeeds } from "../support/seed-process.ts";

const seeds: SeedPeer[] = [];
afterEach(async () => {
  await Promise.all(seeds.splice(0).map((s) => s.close()));
  await stopSeeds();
  await stopAll();
});

interface StatusPeer {
  readonly address: string | null;
  readonly direction: "in" | "out";
  readonly paired: boolean;
  readonly dialect: string;
  readonly busy: boolean;
}
const peerOf = async (n: NodeProcess, address: string, direction: "in" | "out" = "out") =>
  ((await n.get("/api/status")).peers as StatusPeer[]).find((p) => p.address === address && p.direction === direction);

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

  it("keeps the links of a tutorial node whose event loop stops for longer than the ping interval, and takes the block it mined", async () => {
    // Pings every 300 ms; the seed mines for 2.5 s in one synchronous call, answering none of them.
    const node = await startNode({ HEARTBEAT_MS: "300" });
    const seed = await SeedProcess.start("v0.2.0", GENESIS_HOLDER.privateKey);
    await seed.connect(node.address);
    await until("the node paired with the seed", async () => (await peerOf(node, seed.address))?.paired === true);
    expect((await peerOf(node, seed.address))!.dialect).toBe("tutorial");
    const before = await seed.state();
    expect(before.opened).toEqual([node.address]);

    const bob = newWallet();
    await seed.pay(bob.address, 100, 1);
    await until("the seed's payment at the node", async () => (await node.get("/api/mempool")).size === 1);
    const mining = seed.mine({ stallMs: 2500 });
    await until("the node saw the seed's links go quiet", async () => (await peerOf(node, seed.address))?.busy === true, 2000);
    const block = await mining;
    await until("the node took the seed's block", async () => (await height(node)) === 1);
    expect((await node.get("/api/status")).tip).toBe(block.hash);
    await until("the seed's links answer again", async () => (await peerOf(node, seed.address))?.busy === false);

    // Both links lived through it: the node's block reaches the seed on the node's link, and the seed's on its own.
    await node.post("/api/mining", { on: true, blocks: 1 });
    await until("the seed took the node's block", async () => (await seed.state()).height === 2);
    const after = await seed.state();
    expect(after.opened).toEqual([node.address]);
    expect(after.serverClients).toBe(before.serverClients);
    expect(node.logs.filter((l) => l.includes(seed.address) && l.includes("closed"))).toEqual([]);
  }, 60_000);

  it("serves a v0.2.0 node that asks for the chain a stream it ends on the tip with, then the difficulty that fits it", async () => {
    const node = await startNode();
    await node.post("/api/mining", { on: true, blocks: 3 });
    await until("node at height 3", async () => (await height(node)) === 3);
    const seed = await SeedProcess.start("v0.2.0", newWallet().privateKey);
    await seed.connect(node.address);
    await until("the node paired with the seed", async () => (await peerOf(node, seed.address))?.paired === true);
    // What the v0.2.0 README has its operator do: ask a node it trusts for the chain, then for the chain's info.
    await seed.requestChain(node.address);
    await seed.requestInfo(node.address);
    const status = await node.get("/api/status");
    await until("the seed on the node's tip", async () => (await seed.state()).tip === status.tip);
    await until("the seed at the node's difficulty", async () => (await seed.state()).difficulty === status.difficulty);
    // Its difficulty fits: it takes the node's next block live.
    await node.post("/api/mining", { on: true, blocks: 1 });
    const next = await until("node at height 4", async () => ((await height(node)) === 4 ? (await node.get("/api/status")).tip : null));
    await until("the seed took the node's next block", async () => (await seed.state()).tip === next);
    expect((await seed.state()).refused).toBe(0);
  }, 60_000);

  it("logs a tutorial node's REQUEST_INFO answer (not JSON) once, and holds none of it against the node", async () => {
    const node = await startNode();
    const seed = await SeedProcess.start("v0.2.0", newWallet().privateKey);
    await seed.connect(node.address);
    await until("the node paired with the seed", async () => (await peerOf(node, seed.address))?.paired === true);
    // Someone asks the seed for its info naming the node: the seed answers the node, twelve times, with a bare "TYPE_SEND_INFO".
    const asker = new WebSocket(seed.address);
    await new Promise((r) => asker.once("open", r));
    for (let i = 0; i < 12; i++) asker.send(JSON.stringify({ type: "TYPE_REQUEST_INFO", data: node.address }));
    await until("twelve answers sent", async () => node.logs.some((l) => l.includes("tutorial quirk send-info-not-json")));
    await new Promise((r) => setTimeout(r, 500));
    asker.terminate();
    expect(node.logs.filter((l) => l.includes("send-info-not-json"))).toHaveLength(1);
    expect(node.logs.some((l) => l.includes("frame-not-json") || l.includes("bad frames"))).toBe(false);
    expect((await peerOf(node, seed.address, "in"))?.paired).toBe(true);
  }, 60_000);
});
