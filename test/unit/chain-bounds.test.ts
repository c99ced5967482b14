/**
 * What the chain holds beside its main chain, under floods of cheap blocks:
 * side blocks only near the tip and bounded, orphans bounded, nothing of a
 * light branch checked beyond its header, nothing beside the main chain handed
 * to the store, and a reload that replays only what was once on the main chain.
 */
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/core/block.ts";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS } from "../../src/core/genesis.ts";
import { ellipticVerifier, type SignatureVerifier } from "../../src/core/transaction.ts";
import { GENESIS_HOLDER, T0, forge, newWallet, pay, reward } from "../support/chain-builder.ts";

const miner = newWallet();
const NOW = T0 + 10 ** 8;

/** A main chain whose difficulty climbs 1, 2, 3, 4 (each block announces one more): work 16 + 256 + 4096 + 65536. */
function climbingChain(verify?: SignatureVerifier, sideDepth?: number): { chain: Chain; blocks: Block[] } {
  const chain = new Chain({ verify, bounds: sideDepth === undefined ? {} : { sideDepth } });
  const blocks: Block[] = [];
  for (let d = 1; d <= 4; d++) {
    const b = forge(chain.tip().block.hash, String(T0 + d * 31_000), [reward(miner.address, 297)], d);
    const r = chain.addBlock(b, d + 1, NOW);
    if (!r.ok || r.status !== "extended") throw new Error(JSON.stringify(r));
    blocks.push(b);
  }
  return { chain, blocks };
}

/** A branch off `parent` of `n` blocks at difficulty 1 and 2 in turn (as cheap as the rules allow), each carrying `txs`. */
function cheapBranch(parent: { hash: string; timestamp: number }, n: number, txs: ReturnType<typeof pay>[] = []): { block: Block; announced: number }[] {
  const out: { block: Block; announced: number }[] = [];
  let prev = parent;
  for (let i = 0; i < n; i++) {
    const d = i % 2 === 0 ? 1 : 2;
    const block = forge(prev.hash, String(prev.timestamp + 1000), [reward(miner.address, 297 + txs.reduce((s, t) => s + t.gas, 0)), ...txs], d);
    out.push({ block, announced: d === 1 ? 2 : 1 });
    prev = { hash: block.hash, timestamp: prev.timestamp + 1000 };
  }
  return out;
}

describe("a flood of cheap blocks off an old block", () => {
  // Side branches are kept within `sideDepth` main-chain blocks' work of the tip: 1 here, so a fork at genesis is far behind.
  it("is not kept, stored or signature-checked when it forks far behind the tip; orphans stay bounded", () => {
    let verified = 0;
    const { chain } = climbingChain((r) => (verified++, ellipticVerifier(r)), 1);
    const tip = chain.tip();
    verified = 0;
    // Transactions that a full validation would refuse (the payer has nothing), validly signed.
    const broke = newWallet();
    const txs = Array.from({ length: 20 }, () => pay(broke, miner.address, 5, 1));
    const branch = cheapBranch({ hash: GENESIS.hash, timestamp: 0 }, 120, txs);
    for (const { block, announced } of branch) {
      const r = chain.addBlock(block, announced, NOW);
      expect(r.ok).toBe(true);
      expect(r.ok && r.added).toEqual([]);
      expect(r.ok && ["light", "orphan"]).toContain(r.ok && r.status);
    }
    expect(chain.tip()).toBe(tip);
    expect(chain.sideCount).toBe(0);
    expect(chain.orphanCount).toBeLessThanOrEqual(chain.bounds.orphanMaxBlocks);
    expect(chain.orphanBytes).toBeLessThanOrEqual(chain.bounds.orphanMaxBytes);
    expect(verified).toBe(0);
  });

  it("as one stream: light, nothing kept, nothing verified", () => {
    let verified = 0;
    const { chain } = climbingChain((r) => (verified++, ellipticVerifier(r)), 1);
    verified = 0;
    const branch = cheapBranch({ hash: GENESIS.hash, timestamp: 0 }, 60, [pay(newWallet(), miner.address, 5, 0)]);
    const r = chain.addBranch(
      branch.map((b) => b.block),
      branch.map((b) => b.announced),
      NOW,
    );
    expect(r).toMatchObject({ ok: true, status: "light", added: [] });
    expect(chain.sideCount).toBe(0);
    expect(verified).toBe(0);
  });

  it("keeps a competing block near the tip, header-checked only, and checks it in full when its branch wins", () => {
    let verified = 0;
    const { chain, blocks } = climbingChain((r) => (verified++, ellipticVerifier(r)));
    const parent = chain.get(blocks[2]!.hash)!;
    // A competitor to block 4 at the same difficulty: equal work, kept beside the main chain.
    const rival = forge(parent.block.hash, String(parent.timestamp + 5000), [reward(miner.address, 298), pay(GENESIS_HOLDER, miner.address, 7, 1)], 4);
    verified = 0;
    const side = chain.addBlock(rival, 5, NOW);
    expect(side).toMatchObject({ ok: true, status: "side", added: [] });
    expect(chain.sideCount).toBe(1);
    expect(verified).toBe(0);
    // Its child beats the tip: the rival is checked now, signatures and balances, and both are connected and handed to the store.
    const child = forge(rival.hash, String(parent.timestamp + 40_000), [reward(miner.address, 297)], 5);
    const won = chain.addBlock(child, 6, NOW);
    expect(won).toMatchObject({ ok: true, status: "reorg" });
    expect(won.ok && won.added.map((e) => e.block.hash)).toEqual([rival.hash, child.hash]);
    expect(verified).toBeGreaterThan(0);
    // The block it displaced is kept beside (it is stored already), so switching back adds nothing to the store.
    expect(chain.sideCount).toBe(1);
  });

  it("refuses a winning branch whose side block turns out invalid, and restores the main chain exactly", () => {
    const { chain, blocks } = climbingChain();
    const before = { tip: chain.tip(), ledger: chain.ledger.snapshot() };
    const parent = chain.get(blocks[2]!.hash)!;
    const broke = newWallet();
    const rival = forge(parent.block.hash, String(parent.timestamp + 5000), [reward(miner.address, 298), pay(broke, miner.address, 7, 1)], 4);
    expect(chain.addBlock(rival, 5, NOW)).toMatchObject({ ok: true, status: "side" });
    const child = forge(rival.hash, String(parent.timestamp + 40_000), [reward(miner.address, 297)], 5);
    expect(chain.addBlock(child, 6, NOW)).toMatchObject({ ok: false, reason: "balance-insufficient" });
    expect(chain.tip()).toBe(before.tip);
    expect(chain.ledger.snapshot()).toEqual(before.ledger);
    expect(chain.sideCount).toBe(0);
    // Refused before its proof of work is even looked at.
    const grandchild = forge(child.hash, String(parent.timestamp + 80_000), [reward(miner.address, 297)], 1);
    expect(chain.addBlock(grandchild, 7, NOW)).toMatchObject({ ok: false, reason: "block-invalid-ancestor" });
  });

  it("bounds side blocks in count and bytes, the lightest first, with what was built on them", () => {
    const chain = new Chain({ bounds: { sideMaxBlocks: 5, sideDepth: 1000 } });
    // Many competing children of genesis and their children: all within reach (sideDepth is large), only 5 kept.
    const first = forge(GENESIS.hash, String(T0), [reward(miner.address, 297)], 1);
    expect(chain.addBlock(first, 2, NOW)).toMatchObject({ status: "extended" });
    for (let i = 0; i < 12; i++) {
      const rival = forge(GENESIS.hash, String(T0 + 1 + i), [reward(miner.address, 297)], 1);
      expect(chain.addBlock(rival, 2, NOW)).toMatchObject({ ok: true });
      expect(chain.sideCount).toBeLessThanOrEqual(5);
    }
    const bytes = new Chain({ bounds: { sideMaxBytes: 2_000, sideDepth: 1000 } });
    expect(bytes.addBlock(first, 2, NOW)).toMatchObject({ status: "extended" });
    for (let i = 0; i < 12; i++) bytes.addBlock(forge(GENESIS.hash, String(T0 + 1 + i), [reward(miner.address, 297)], 1), 2, NOW);
    expect(bytes.sideBytes).toBeLessThanOrEqual(2_000);
    expect(bytes.sideCount).toBeGreaterThan(0);
  });

  it("bounds orphans in bytes as well as count", () => {
    const chain = new Chain({ bounds: { orphanMaxBytes: 10_000 } });
    const txs = Array.from({ length: 10 }, () => pay(newWallet(), miner.address, 5, 0));
    for (let i = 0; i < 30; i++) {
      const orphan = forge((i + 1).toString(16).padStart(64, "0"), String(T0 + i), [reward(miner.address, 297), ...txs], 1);
      expect(chain.addBlock(orphan, 2, NOW)).toMatchObject({ ok: true, status: "orphan" });
      expect(chain.orphanBytes).toBeLessThanOrEqual(10_000);
    }
    expect(chain.orphanCount).toBeGreaterThan(0);
  });

  it("remembers a bounded number of invalid blocks", () => {
    const chain = new Chain({ bounds: { invalidMax: 3 } });
    const broke = newWallet();
    for (let i = 0; i < 6; i++) {
      const bad = forge(GENESIS.hash, String(T0 + i), [reward(miner.address, 297), pay(broke, miner.address, 1, 0)], 1);
      expect(chain.addBlock(bad, 2, NOW)).toMatchObject({ ok: false, reason: "balance-insufficient" });
    }
    expect(chain.invalidCount).toBe(3);
  });
});

describe("reloading a store", () => {
  it("replays a reorganisation's history: the old main chain, then the branch that beat it", () => {
    const { chain, blocks } = climbingChain();
    const stored: { block: Block; next: number | null }[] = blocks.map((b, i) => ({ block: b, next: i + 2 }));
    const parent = chain.get(blocks[2]!.hash)!;
    const rival = forge(parent.block.hash, String(parent.timestamp + 5000), [reward(miner.address, 297)], 4);
    const child = forge(rival.hash, String(parent.timestamp + 40_000), [reward(miner.address, 297)], 5);
    chain.addBlock(rival, 5, NOW);
    const r = chain.addBlock(child, 6, NOW);
    expect(r).toMatchObject({ ok: true, status: "reorg" });
    if (r.ok) stored.push(...r.added.map((e) => ({ block: e.block, next: e.next })));
    const reloaded = new Chain({ bounds: { sideMaxBlocks: 1 } });
    reloaded.load(stored);
    expect(reloaded.tip().block.hash).toBe(child.hash);
    expect(reloaded.ledger.snapshot()).toEqual(chain.ledger.snapshot());
    // Stored twice (switched back and forth): loaded once.
    const twice = new Chain();
    twice.load([...stored, ...stored]);
    expect(twice.tip().block.hash).toBe(child.hash);
  });
});
