/**
 * The application layer (src/app/queries.ts) over a real chain and mempool:
 * what the HTTP API and the page's worker both answer.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Arrivals, balanceOf, blockFound, blockRecord, checkPayment, findBlock, historyOf, latestBlocks, lookup, txId } from "../../src/app/queries.ts";
import { AppReason, Reason } from "../../src/app/reasons.ts";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS } from "../../src/core/genesis.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { params } from "../../src/core/params.ts";
import { TxIndex } from "../../src/worker/tx-index.ts";
import { GENESIS_HOLDER, extend, newWallet, pay } from "../support/chain-builder.ts";

const miner = newWallet();
const friend = newWallet();
const chain = new Chain();
const mempool = new Mempool();
const node = { chain, mempool };
const index = new TxIndex();
let payment: ReturnType<typeof pay>;
let waiting: ReturnType<typeof pay>;

beforeAll(() => {
  extend(chain, mempool, miner.address, 3);
  payment = pay(GENESIS_HOLDER, friend.address, 500, 3);
  expect(mempool.admit(payment, chain.ledger).ok).toBe(true);
  extend(chain, mempool, miner.address, 2); // block 4 holds the payment
  waiting = pay(GENESIS_HOLDER, friend.address, 20, 1);
  expect(mempool.admit(waiting, chain.ledger).ok).toBe(true);
  index.apply({ connected: Array.from({ length: chain.height }, (_, i) => chain.at(i + 1)!), disconnected: [] });
});

describe("transaction ids", () => {
  it("are SHA-256 of the transaction's JSON, 64 hex, and differ where signatures share their first bytes", () => {
    const txs = chain.tip().block.data.concat(chain.at(4)!.block.data, [waiting]);
    const ids = txs.map(txId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every DER signature starts "30" and most "30440220"; the ids' short forms (first 12 hex) do not.
    for (const t of txs) expect(t.signature!.slice(0, 2)).toBe("30");
    expect(new Set(ids.map((id) => id.slice(0, 12))).size).toBe(ids.length);
  });
  it("cover genesis's unsigned release", () => {
    expect(txId(GENESIS.data[0]!)).toMatch(/^[0-9a-f]{64}$/);
    const found = lookup(node, index, txId(GENESIS.data[0]!));
    expect(found).toMatchObject({ kind: "tx", height: 0, tx: { role: "mint", signature: null, amount: params.initialCoinRelease } });
  });
});

describe("balances", () => {
  it("confirmed, pending (in minus out) and spendable", () => {
    expect(balanceOf(node, friend.address)).toEqual({ confirmed: 500, pending: 20, spendable: 500 });
    const holder = balanceOf(node, GENESIS_HOLDER.address);
    expect(holder.pending).toBe(-21);
    expect(holder.spendable).toBe(holder.confirmed - 21);
  });
});

describe("blocks", () => {
  it("by height and by hash, the same block", () => {
    const byHash = findBlock(node, chain.at(3)!.block.hash.toUpperCase());
    expect(findBlock(node, "3")).toBe(chain.at(3));
    expect(findBlock(node, " 3 ")).toBe(byHash);
    expect(findBlock(node, "99")).toBeUndefined();
    expect(findBlock(node, "zz")).toBeUndefined();
  });
  it("a block's view: confirmations, next, roles, arrival", () => {
    const arrivals = new Arrivals();
    arrivals.record([chain.at(4)!], 1234);
    const four = blockFound(node, chain.at(4)!, arrivals.of);
    expect(four).toMatchObject({ height: 4, main: true, confirmations: 2, nextHash: chain.at(5)!.block.hash, receivedAt: 1234 });
    expect(four.txs.map((t) => t.role)).toEqual(["reward", "payment"]);
    expect(four.txs[0]!.amount).toBe(params.reward + 3);
    expect(blockFound(node, chain.tip())).toMatchObject({ confirmations: 1, nextHash: null, receivedAt: null });
    expect(blockFound(node, chain.at(0)!).txs.map((t) => t.role)).toEqual(["mint"]);
  });
  it("the feed is newest first without genesis; the API's record keeps its shape", () => {
    expect(latestBlocks(node, 30).map((b) => b.height)).toEqual([5, 4, 3, 2, 1]);
    expect(latestBlocks(node, 2).map((b) => b.height)).toEqual([5, 4]);
    expect(Object.keys(blockRecord(node, chain.at(2)!))).toEqual(["height", "hash", "main", "difficulty", "next", "work", "block"]);
  });
  it("Arrivals keeps the first time and forgets the oldest beyond its bound", () => {
    const arrivals = new Arrivals(2);
    arrivals.record([chain.at(1)!, chain.at(2)!], 10);
    arrivals.record([chain.at(2)!, chain.at(3)!], 20);
    expect([1, 2, 3].map((h) => arrivals.of(chain.at(h)!.block.hash))).toEqual([null, 10, 20]);
  });
});

describe("history and lookup", () => {
  it("pending first, then by height, newest first, with time and confirmations", () => {
    const items = historyOf(node, index, friend.address);
    expect(items.map((i) => [i.height, i.confirmations, i.direction])).toEqual([
      [null, 0, "in"],
      [4, 2, "in"],
    ]);
    expect(items[0]!.time).toBeNull();
    expect(items[1]!.time).toBe(chain.at(4)!.timestamp);
    const mined = historyOf(node, index, miner.address);
    expect(mined.map((i) => i.height)).toEqual([5, 4, 3, 2, 1]);
    expect(mined.every((i) => i.reward)).toBe(true);
  });
  it("finds a transaction by id or signature, a waiting one, an address, and says when nothing matches", () => {
    const byId = lookup(node, index, txId(payment));
    expect(byId).toMatchObject({ kind: "tx", height: 4, confirmations: 2, time: chain.at(4)!.timestamp, tx: { id: txId(payment), role: "payment" } });
    expect(lookup(node, index, payment.signature)).toEqual(byId);
    expect(lookup(node, index, txId(waiting))).toMatchObject({ kind: "tx", height: null, confirmations: 0 });
    expect(lookup(node, index, friend.address)).toMatchObject({ kind: "address", balance: 500, pending: 20 });
    expect(lookup(node, index, "2")).toMatchObject({ kind: "block", height: 2 });
    expect(lookup(node, index, "f".repeat(64))).toEqual({ kind: "none", query: "f".repeat(64) });
  });
});

describe("payment checks", () => {
  it("give the core's codes, and the application's for a locked wallet", () => {
    const reason = (r: ReturnType<typeof checkPayment>) => (r.ok ? "ok" : r.reason);
    expect(reason(checkPayment(null, friend.address, 1, 0))).toBe(AppReason.WalletLocked);
    expect(reason(checkPayment(miner, "04abc", 1, 0))).toBe(Reason.AddressInvalid);
    expect(reason(checkPayment(miner, friend.address, 0, 0))).toBe(Reason.AmountInvalid);
    expect(reason(checkPayment(miner, friend.address, 1.5, 0))).toBe(Reason.AmountInvalid);
    expect(reason(checkPayment(miner, friend.address, 1, -1))).toBe(Reason.GasInvalid);
    expect(reason(checkPayment(miner, friend.address, 1, 0))).toBe("ok");
  });
});
