import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Chain } from "../../src/core/chain.ts";
import { announceDifficulty, blockWork, resolveDifficulties } from "../../src/core/difficulty.ts";
import { Ledger } from "../../src/core/ledger.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { params } from "../../src/core/params.ts";
import { decodeSignature, isHighS } from "../../src/core/secp.ts";
import { checkTransaction, type CheckedTx } from "../../src/core/transaction.ts";
import { GENESIS_HOLDER, extend, newWallet, pay, reward } from "../support/chain-builder.ts";

const checked = (tx: unknown): CheckedTx => {
  const r = checkTransaction(tx);
  if (!r.ok) throw new Error(r.reason);
  return r.checked;
};

describe("ledger", () => {
  it("applies a block in order and undoes it exactly", () => {
    const ledger = new Ledger();
    const before = ledger.snapshot();
    const bob = newWallet();
    const txs = [reward(bob.address, 307), pay(GENESIS_HOLDER, bob.address, 200, 10)].map(checked);
    const applied = ledger.applyBlock(txs);
    expect(applied.ok).toBe(true);
    expect(ledger.balanceOf(bob.address)).toBe(507);
    expect(ledger.height).toBe(1);
    expect(ledger.supply()).toBe(params.initialCoinRelease + params.reward);
    if (applied.ok) ledger.undoBlock(applied.undo);
    expect(ledger.snapshot()).toEqual(before);
  });

  it("a refused block changes nothing", () => {
    const ledger = new Ledger();
    const before = ledger.snapshot();
    const bob = newWallet();
    const txs = [reward(bob.address, 297), pay(GENESIS_HOLDER, bob.address, 99_999_999, 1), pay(GENESIS_HOLDER, bob.address, 1, 0)].map(checked);
    expect(ledger.applyBlock(txs)).toMatchObject({ ok: false, reason: "balance-insufficient" });
    expect(ledger.snapshot()).toEqual(before);
  });
});

describe("difficulty", () => {
  it("announces by the seed's rule and never below 1", () => {
    expect(announceDifficulty(3, 1000)).toBe(4);
    expect(announceDifficulty(3, params.blockTimeMs)).toBe(2);
    expect(announceDifficulty(1, params.blockTimeMs * 2)).toBe(2);
  });

  it("counts work as 16^d", () => {
    expect(blockWork(1)).toBe(16n);
    expect(blockWork(5)).toBe(1_048_576n);
  });

  it("resolves an unannounced run to the highest sequence its hashes allow, or says which block fails", () => {
    const steps = (zeros: number[]) => zeros.map((z) => ({ zeros: z, announced: null }));
    expect(resolveDifficulties({ difficulty: 0, next: 1 }, steps([5, 5, 5, 2]))).toEqual({ ok: true, inForce: [1, 2, 3, 2] });
    // Every step moves by exactly 1, so height 4 needs an even difficulty of at least 2: one zero is too weak.
    expect(resolveDifficulties({ difficulty: 0, next: 1 }, steps([5, 5, 5, 1]))).toMatchObject({ ok: false, index: 3, why: "pow" });
    expect(resolveDifficulties({ difficulty: 0, next: 1 }, steps([1, 1]))).toMatchObject({ ok: false, index: 1, why: "pow" });
    expect(resolveDifficulties({ difficulty: 0, next: 1 }, [{ zeros: 3, announced: 5 }])).toMatchObject({ ok: false, index: 0, why: "announcement" });
    expect(resolveDifficulties({ difficulty: 3, next: null }, steps([4, 1]))).toEqual({ ok: true, inForce: [2, 1] });
  });

  it("any resolved sequence obeys the rules", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 30 }), (zeros) => {
        const r = resolveDifficulties({ difficulty: 0, next: 1 }, zeros.map((z) => ({ zeros: z, announced: null })));
        if (!r.ok) return;
        r.inForce.forEach((d, i) => {
          expect(d).toBeGreaterThanOrEqual(1);
          expect(d).toBeLessThanOrEqual(zeros[i]!);
          if (i === 0) expect(d).toBe(1);
          else expect(Math.abs(d - r.inForce[i - 1]!)).toBe(1);
        });
      }),
    );
  });
});

describe("wallet signatures", () => {
  it("sign low-S with fresh randomness: two identical payments are two transactions", () => {
    const to = newWallet().address;
    const a = pay(GENESIS_HOLDER, to, 100, 1);
    const b = pay(GENESIS_HOLDER, to, 100, 1);
    expect(a.signature).not.toBe(b.signature);
    for (const tx of [a, b]) expect(isHighS(decodeSignature(tx.signature)!)).toBe(false);
    const ledger = new Ledger();
    const pool = new Mempool();
    expect(pool.admit(a, ledger).ok).toBe(true);
    expect(pool.admit(b, ledger).ok).toBe(true);
  });

  it("produce addresses in the one canonical form", () => {
    expect(newWallet().address).toMatch(/^04[0-9a-f]{128}$/);
  });
});

describe("mempool selection", () => {
  it("picks the highest gas first and never a spend the sender's confirmed balance cannot cover", () => {
    const chain = new Chain();
    const pool = new Mempool();
    const miner = newWallet();
    extend(chain, pool, miner.address, 1);
    const friend = newWallet();
    const low = pay(GENESIS_HOLDER, friend.address, 10, 1);
    const high = pay(GENESIS_HOLDER, friend.address, 10, 9);
    const fromMiner = pay(miner, friend.address, 297, 0);
    for (const tx of [low, high, fromMiner]) expect(pool.admit(tx, chain.ledger).ok).toBe(true);
    expect(pool.select(chain.ledger)).toEqual([high, low, fromMiner]);
    expect(pool.select(chain.ledger, JSON.stringify(high).length + 1)).toEqual([high]);
  });
});
