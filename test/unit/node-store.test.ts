/** A node reopened on its store: every stored block is validated again, in order, to the same state. */
import { describe, expect, it } from "vitest";
import { DEFAULT_NODE_CONFIG, PeerNode } from "../../src/node/node.ts";
import { MemoryStore } from "../../src/node/store.ts";
import { buildLongChain, storedBlocks } from "../support/long-chain.ts";

const env = { now: () => Date.now(), schedule: () => () => {}, log: () => {}, random: (n: number) => new Uint8Array(n) };
const config = { ...DEFAULT_NODE_CONFIG, address: "ws://localhost:1" };

describe("a node on its store", () => {
  const long = buildLongChain(20);
  const stored = () => storedBlocks(long.chain);

  it("reopens to the same tip, work and ledger", async () => {
    const store = new MemoryStore();
    store.appendBlocks(stored());
    const node = await PeerNode.open(store, config, env);
    expect(node.chain.tip().block.hash).toBe(long.chain.tip().block.hash);
    expect(node.chain.tip().work).toBe(long.chain.tip().work);
    expect(node.chain.ledger.snapshot()).toEqual(long.chain.ledger.snapshot());
  });

  it("refuses to start on a store holding a block it cannot accept", async () => {
    const store = new MemoryStore();
    const blocks = stored();
    const bad = blocks[10]!;
    blocks[10] = { ...bad, block: { ...bad.block, nonce: bad.block.nonce + 1 } };
    store.appendBlocks(blocks);
    await expect(PeerNode.open(store, config, env)).rejects.toThrow(/hash-mismatch/);
  });
});
