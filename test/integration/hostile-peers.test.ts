/**
 * Strangers that lie and misbehave, against native node processes: orphan
 * floods that would make the node ask an honest peer for its whole chain
 * again and again, and a stranger that claims an honest node's address and
 * then misbehaves in its name. Attackers are raw sockets
 * (test/support/hostile.ts); the honest peers are a native node and a
 * minimal honest JeChain peer that records what it is sent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { climbingChain } from "../support/chain-builder.ts";
import { storedBlocks } from "../support/long-chain.ts";
import { dataDirWith, startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { honestBlockTaken, pairedWith as paired, tipOf } from "../support/node-checks.ts";
import { BlockForge, HonestPeer, RawLink, addressOf, mintReward, newKey, orphans, replaceChainFrame } from "../support/hostile.ts";
import type { StoredBlock } from "../../src/node/store.ts";

const honest: HonestPeer[] = [];
afterEach(async () => {
  await Promise.all(honest.splice(0).map((h) => h.close()));
  await stopAll();
});
afterAll(stopAll);

let stored: StoredBlock[];
beforeAll(() => {
  stored = storedBlocks(climbingChain(5));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function honestPeer(): Promise<HonestPeer> {
  const h = await HonestPeer.start();
  honest.push(h);
  return h;
}

/** GET /api/status lists both links with `address` and calls them paired. */
const pairedFlag = async (n: NodeProcess, address: string) => {
  const { peers } = await n.get<{ peers: { address: string | null; direction: string; paired?: boolean }[] }>("/api/status");
  return ["out", "in"].every((d) => peers.some((p) => p.address === address && p.direction === d && p.paired === true));
};

describe("a stranger's lies cost the stranger", () => {
  it("200 orphans make the node ask its honest peer for its chain at most once per reason, and it still serves", async () => {
    const node = await startNode({}, await dataDirWith(stored, "orphans"));
    const h = await honestPeer();
    h.dial(node.address);
    await until("paired with the honest peer", () => paired(node, h.address));
    // On pairing the node asks for the tip (this peer answers nothing, so no chain follows).
    await until("asked for its tip on pairing", () => h.count("TYPE_REQUEST_CHECK") === 1);
    const cheap = new BlockForge([mintReward(addressOf(newKey()))]);

    // 100 from a link that names no one, 100 from a link that claims to be the honest peer.
    const unnamed = await RawLink.open(node.port);
    const claiming = await RawLink.open(node.port, [h.address]);
    for (const o of orphans(cheap, 100)) await unnamed.send(replaceChainFrame(o));
    for (const o of orphans(cheap, 100)) await claiming.send(replaceChainFrame(o));
    const bounds = await until("the orphans are in", async () => {
      const b = (await node.get<{ bounds: { orphans: { blocks: number; maxBlocks: number } } }>("/api/status")).bounds;
      return b.orphans.blocks === b.orphans.maxBlocks ? b : null;
    });
    await sleep(2000);
    // One ask for "any paired peer" (the unnamed sender) and one for the address claimed, per 30 s: 2 at most.
    const asks = h.count("TYPE_REQUEST_CHAIN");
    expect(asks).toBeGreaterThanOrEqual(1);
    expect(asks).toBeLessThanOrEqual(2);
    expect(bounds.orphans.blocks).toBe(64);
    unnamed.close();
    claiming.close();

    expect(await honestBlockTaken(node)).not.toBeNull();
    expect(await paired(node, h.address)).toBe(true);
  });

  it("a stranger that claims honest B's address and misbehaves is cut; A keeps B, takes B's block and relays it", async () => {
    const a = await startNode({}, await dataDirWith(stored, "identity-a"));
    const b = await startNode({ PEERS: a.address });
    const c = await honestPeer();
    c.dial(a.address);
    await until("A and B paired", async () => (await paired(a, b.address)) && (await paired(b, a.address)));
    await until("A and C paired", () => paired(a, c.address));

    const liar = await RawLink.open(a.port, [b.address]);
    for (let i = 0; i < 5; i++) await liar.send("not json");
    expect((await liar.closed).code).toBe(1008);
    await until("A logged why it cut the liar", () => a.logs.some((l) => /cut in#\d+ ws:\/\/localhost:\d+: 5 bad frames in 60000 ms/.test(l) && l.includes(b.address)));
    await sleep(2500); // a tick of the connection manager, for anything it would do to B

    expect(await paired(a, b.address)).toBe(true);
    expect(await pairedFlag(a, b.address)).toBe(true);
    expect(await paired(b, a.address)).toBe(true);
    expect(a.logs.some((l) => l.includes(`${b.address} not dialed`))).toBe(false);
    expect(a.logs.some((l) => l.includes(`peer out ${b.address} closed`))).toBe(false);

    // Control: B mines; A takes the block from B and passes it on to C.
    const start = (await tipOf(b)).height;
    expect((await b.post("/api/mining", { on: true, blocks: 1 })).status).toBe(200);
    const mined = await until("B mined a block", async () => {
      const tip = await tipOf(b);
      return tip.height > start ? tip.hash : null;
    });
    await until("A took B's block", async () => (await tipOf(a)).hash === mined);
    await until("A relayed it to C", () => c.heard.some((h) => h.from === a.address && h.text.includes(mined)));
  });
});
