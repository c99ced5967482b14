import { describe, expect, it } from "vitest";
import { Chain } from "../../src/core/chain.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { Reason } from "../../src/core/reasons.ts";
import type { Block } from "../../src/core/block.ts";
import { GENESIS_HOLDER, T0, extend, forge, mineNext, newWallet, pay, reward } from "../support/chain-builder.ts";

/** Balances by the seed's definition, scanning every block of the main chain: the reference the ledger must equal. */
function scannedBalances(chain: Chain): Map<string, number> {
  const balances = new Map<string, number>();
  const add = (a: string, d: number) => balances.set(a, (balances.get(a) ?? 0) + d);
  for (let h = 0; h <= chain.height; h++) {
    for (const tx of chain.at(h)!.block.data) {
      add(tx.from, -(tx.amount + tx.gas));
      add(tx.to, tx.amount);
    }
  }
  for (const [a, v] of balances) if (v === 0) balances.delete(a);
  return balances;
}

function twoNodes() {
  const a = { chain: new Chain(), pool: new Mempool() };
  const b = { chain: new Chain(), pool: new Mempool() };
  const prefix = extend(a.chain, a.pool, newWallet().address, 2);
  for (const { block, announced } of prefix) expect(b.chain.addBlock(block, announced, T0 + 10 ** 7).ok).toBe(true);
  return { a, b };
}

const hashes = (chain: Chain) => Array.from({ length: chain.height + 1 }, (_, h) => chain.at(h)!.block.hash);

describe("reorganisation", () => {
  it("moves to the heavier branch: balances and mempool exact, displaced transactions back, none duplicated", () => {
    const { a, b } = twoNodes();
    const [bob, carol, dave, minerA, minerB] = [newWallet(), newWallet(), newWallet(), newWallet(), newWallet()];
    const tx1 = pay(GENESIS_HOLDER, bob.address, 100, 1);
    const tx2 = pay(GENESIS_HOLDER, carol.address, 200, 2);
    const tx3 = pay(GENESIS_HOLDER, dave.address, 300, 3);
    const t = a.chain.tip().timestamp;

    for (const tx of [tx1, tx2]) expect(a.pool.admit(tx, a.chain.ledger).ok).toBe(true);
    const a3 = mineNext(a.chain, a.pool, minerA.address, t + 31_000);
    const r3 = a.chain.addBlock(a3.block, a3.announced, t + 31_000);
    expect(r3).toMatchObject({ ok: true, status: "extended" });
    if (r3.ok) a.pool.applyChange(r3, a.chain.ledger);
    expect(a.pool.size).toBe(0);
    expect(a.pool.admit(tx3, a.chain.ledger).ok).toBe(true);

    expect(b.pool.admit(tx2, b.chain.ledger).ok).toBe(true);
    const b3 = mineNext(b.chain, b.pool, minerB.address, t + 32_000);
    const rb3 = b.chain.addBlock(b3.block, b3.announced, t + 32_000);
    if (rb3.ok) b.pool.applyChange(rb3, b.chain.ledger);
    expect(b.pool.admit(tx3, b.chain.ledger).ok).toBe(true);
    const b4 = mineNext(b.chain, b.pool, minerB.address, t + 63_000);
    expect(b.chain.addBlock(b4.block, b4.announced, t + 63_000).ok).toBe(true);
    expect(b4.block.data).toHaveLength(2);

    const equal = a.chain.addBlock(b3.block, b3.announced, t + 100_000);
    expect(equal).toMatchObject({ ok: true, status: "side" });
    expect(a.chain.tip().block.hash).toBe(a3.block.hash);

    const heavier = a.chain.addBlock(b4.block, b4.announced, t + 100_000);
    expect(heavier).toMatchObject({ ok: true, status: "reorg" });
    if (!heavier.ok) return;
    expect(heavier.disconnected.map((e) => e.block.hash)).toEqual([a3.block.hash]);
    expect(heavier.connected.map((e) => e.block.hash)).toEqual([b3.block.hash, b4.block.hash]);
    const dropped = a.pool.applyChange(heavier, a.chain.ledger);

    expect(hashes(a.chain)).toEqual(hashes(b.chain));
    expect(a.chain.tip().work).toBe(b.chain.tip().work);
    expect(a.chain.ledger.snapshot()).toEqual(b.chain.ledger.snapshot());
    expect(new Map(a.chain.ledger.snapshot().balances)).toEqual(scannedBalances(a.chain));
    expect(a.chain.ledger.balanceOf(bob.address)).toBe(0);
    expect(a.chain.ledger.balanceOf(minerA.address)).toBe(0);
    expect(a.chain.ledger.balanceOf(minerB.address)).toBe(297 * 2 + 2 + 3);
    // tx1 was only in the displaced block: it is waiting again. tx2 and tx3 are in the new chain: not in the pool.
    expect(a.pool.transactions()).toEqual([tx1]);
    expect(dropped).toEqual(expect.arrayContaining([tx2, tx3]));
    expect(a.pool.pendingSpend(GENESIS_HOLDER.address)).toBe(101);
  });

  it("a heavier branch that turns out invalid leaves the chain, ledger and mempool exactly as they were", () => {
    const { a } = twoNodes();
    const miner = newWallet();
    const before = { tip: a.chain.tip(), ledger: a.chain.ledger.snapshot() };
    const fork = a.chain.at(1)!;
    // A side branch from height 1: two valid-looking blocks, the second overspending.
    const s2 = forge(fork.block.hash, String(fork.timestamp + 1000), [reward(miner.address, 297)], fork.next!);
    const broke = newWallet();
    const s3 = forge(s2.hash, String(fork.timestamp + 2000), [reward(miner.address, 297), pay(broke, miner.address, 1, 0)], 1);
    const s4 = forge(s3.hash, String(fork.timestamp + 3000), [reward(miner.address, 297)], 2);
    const r = a.chain.addBranch([s2, s3, s4] as Block[], [1, 2, 1], T0 + 10 ** 7);
    expect(r).toMatchObject({ ok: false, reason: Reason.BalanceInsufficient });
    expect(a.chain.tip()).toBe(before.tip);
    expect(a.chain.ledger.snapshot()).toEqual(before.ledger);
    expect(a.chain.addBlock(forge(s4.hash, String(fork.timestamp + 4000), [reward(miner.address, 297)], 1), 2, T0 + 10 ** 7)).toMatchObject({
      ok: false,
      reason: Reason.BlockInvalidAncestor,
    });
  });

  it("holds an orphan until its parent arrives, then connects both", () => {
    const { a, b } = twoNodes();
    const mined = extend(b.chain, b.pool, newWallet().address, 2);
    const [first, second] = mined as [(typeof mined)[0], (typeof mined)[0]];
    expect(a.chain.addBlock(second.block, second.announced, T0 + 10 ** 7)).toMatchObject({ ok: true, status: "orphan" });
    expect(a.chain.orphanCount).toBe(1);
    const r = a.chain.addBlock(first.block, first.announced, T0 + 10 ** 7);
    expect(r).toMatchObject({ ok: true, status: "extended" });
    expect(r.ok && r.connected.map((e) => e.block.hash)).toEqual([first.block.hash, second.block.hash]);
    expect(a.chain.orphanCount).toBe(0);
    expect(hashes(a.chain)).toEqual(hashes(b.chain));
  });

  it("keeps at most the configured number of orphans", () => {
    const chain = new Chain({ bounds: { orphanMaxBlocks: 3 } });
    const miner = newWallet();
    for (let i = 0; i < 5; i++) {
      const orphan = forge((i + 10).toString(16).padStart(64, "0"), String(T0 + i), [reward(miner.address, 297)], 1);
      expect(chain.addBlock(orphan, 2, T0 + 10 ** 7)).toMatchObject({ ok: true, status: "orphan" });
    }
    expect(chain.orphanCount).toBe(3);
  });
});

describe("a tip nobody announced a difficulty for (a tutorial node's chain stream)", () => {
  it("is mined at the lower of the two difficulties its children may have, and a child at either is accepted", () => {
    const source = new Chain();
    const mined = extend(source, new Mempool(), newWallet().address, 2);
    // Block 1 at difficulty 1, block 2 at 2; streamed without announcements, as v0.2.0 and the article send them.
    const chain = new Chain();
    const now = Number(mined[1]!.block.timestamp) + 60_000;
    expect(chain.addBranch(mined.map((m) => m.block), [null, null], now)).toMatchObject({ ok: true, status: "extended" });
    expect(chain.tip()).toMatchObject({ height: 2, difficulty: 2, next: null });
    expect(chain.difficulty()).toBe(1);
    const miner = newWallet().address;
    for (const d of [1, 3]) {
      const child = forge(chain.tip().block.hash, String(now), [reward(miner, 297)], d, (hash) => hash.startsWith("0".repeat(d)) && hash[d] !== "0");
      const fork = new Chain();
      fork.addBranch(mined.map((m) => m.block), [null, null], now);
      expect(fork.addBlock(child, d + 1, now + 1)).toMatchObject({ ok: true, status: "extended" });
    }
  });
});
