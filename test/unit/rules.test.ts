/** One invalid case (or more) for every rule, each asserting its exact reason code. */
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../src/core/hash.ts";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS } from "../../src/core/genesis.ts";
import { Ledger } from "../../src/core/ledger.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { params } from "../../src/core/params.ts";
import { Reason } from "../../src/core/reasons.ts";
import { ec } from "../../src/core/secp.ts";
import { buildTemplate } from "../../src/core/template.ts";
import { checkTransaction, makeTransaction, type SignedTransaction } from "../../src/core/transaction.ts";
import { checkBlock } from "../../src/core/validate.ts";
import { GENESIS_HOLDER, T0, extend, forge, mineNext, newWallet, pay, random, reward } from "../support/chain-builder.ts";

const holder = GENESIS_HOLDER;
const bob = newWallet();
const base = () => pay(holder, bob.address, 200, 10);
const withField = (tx: SignedTransaction, key: string, value: unknown) => ({ ...tx, [key]: value });
const now = T0 + 60_000;

function expectReason(result: { ok: boolean; reason?: string }, reason: string) {
  expect(result.ok).toBe(false);
  expect(result.reason).toBe(reason);
}

describe("transaction rules", () => {
  it("accepts a well-formed signed payment", () => {
    expect(checkTransaction(base()).ok).toBe(true);
  });

  it("tx-shape: not an object, missing or extra keys, another key order, wrong types", () => {
    const tx = base();
    expectReason(checkTransaction(null), Reason.TxShape);
    expectReason(checkTransaction([tx]), Reason.TxShape);
    const { signature: _s, ...unsigned } = tx;
    expectReason(checkTransaction(unsigned), Reason.TxShape);
    expectReason(checkTransaction({ ...tx, memo: "hi" }), Reason.TxShape);
    expectReason(checkTransaction({ to: tx.to, from: tx.from, amount: tx.amount, gas: tx.gas, signature: tx.signature }), Reason.TxShape);
    expectReason(checkTransaction(withField(tx, "from", 42)), Reason.TxShape);
  });

  it("amount-invalid: strings, fractions, zero, negatives, non-safe integers", () => {
    for (const amount of ["200", 1.5, 0, -1, 2 ** 53, Number.NaN, Infinity, null]) {
      expectReason(checkTransaction(withField(base(), "amount", amount)), Reason.AmountInvalid);
    }
  });

  it("gas-invalid: strings, fractions, negatives", () => {
    for (const gas of ["1", 0.5, -1, null]) expectReason(checkTransaction(withField(base(), "gas", gas)), Reason.GasInvalid);
  });

  it("amount-exceeds-supply: amount + gas beyond any supply, or beyond the coins in existence", () => {
    expectReason(checkTransaction(withField(base(), "amount", Number.MAX_SAFE_INTEGER)), Reason.AmountExceedsSupply);
    const pool = new Mempool();
    expectReason(pool.admit(pay(holder, bob.address, params.initialCoinRelease, 1), new Ledger()), Reason.AmountExceedsSupply);
  });

  it("address-invalid: uppercase, compressed, off-curve and malformed addresses", () => {
    const tx = base();
    const point = ec.keyFromPublic(bob.address, "hex").getPublic();
    const offCurve = bob.address.slice(0, -1) + (bob.address.endsWith("0") ? "1" : "0");
    for (const to of [bob.address.toUpperCase(), point.encodeCompressed("hex"), offCurve, "04" + "0".repeat(128), "", "ws://x"]) {
      expectReason(checkTransaction(withField(tx, "to", to)), Reason.AddressInvalid);
    }
    expectReason(checkTransaction(withField(tx, "from", "04" + tx.from.slice(2).toUpperCase())), Reason.AddressInvalid);
  });

  it("signature-encoding: uppercase hex, padded DER, trailing bytes, r out of range", () => {
    const tx = base();
    expectReason(checkTransaction(withField(tx, "signature", tx.signature.toUpperCase())), Reason.SignatureEncoding);
    expectReason(checkTransaction(withField(tx, "signature", tx.signature + "00")), Reason.SignatureEncoding);
    expectReason(checkTransaction(withField(tx, "signature", "zz")), Reason.SignatureEncoding);
    // Re-encode r with a superfluous leading zero byte: valid BER, not strict DER.
    const der = hexToBytes(tx.signature);
    const rLen = der[3]!;
    const padded = new Uint8Array([0x30, der[1]! + 1, 0x02, rLen + 1, 0x00, ...der.slice(4)]);
    expectReason(checkTransaction(withField(tx, "signature", bytesToHex(padded))), Reason.SignatureEncoding);
    const n = ec.n!.toString(16).padStart(64, "0");
    const rTooBig = "3026" + "0221" + "00" + n + "0201" + "01";
    expectReason(checkTransaction(withField(tx, "signature", rTooBig)), Reason.SignatureEncoding);
  });

  it("signature-invalid: a signature of other fields or another key", () => {
    const tx = base();
    expectReason(checkTransaction(withField(tx, "amount", 201)), Reason.SignatureInvalid);
    expectReason(checkTransaction(withField(tx, "signature", pay(bob, holder.address, 200, 10).signature)), Reason.SignatureInvalid);
  });
});

describe("transaction rules against state (mempool admission)", () => {
  it("balance-insufficient: a sender without coins, and pending spends counted", () => {
    const ledger = new Ledger();
    const pool = new Mempool();
    expectReason(pool.admit(pay(bob, holder.address, 1, 0), ledger), Reason.BalanceInsufficient);
    expect(pool.admit(pay(holder, bob.address, 60_000_000, 0), ledger).ok).toBe(true);
    expectReason(pool.admit(pay(holder, bob.address, 40_000_000, 1), ledger), Reason.BalanceInsufficient);
  });

  it("tx-replay: the same payment twice, and high-S twins of one signature", () => {
    const ledger = new Ledger();
    const pool = new Mempool();
    const tx = base();
    expect(pool.admit(tx, ledger).ok).toBe(true);
    expectReason(pool.admit(tx, ledger), Reason.TxReplay);
    // The same signature with s replaced by n - s is also valid ECDSA: a replay by another name.
    const der = hexToBytes(tx.signature);
    const rLen = der[3]!;
    const r = der.slice(4, 4 + rLen);
    const s = BigInt("0x" + bytesToHex(der.slice(6 + rLen)));
    const highS = (BigInt("0x" + ec.n!.toString(16)) - s).toString(16).padStart(64, "0");
    const sBytes = hexToBytes(highS);
    const sEnc = sBytes[0]! & 0x80 ? new Uint8Array([0, ...sBytes]) : sBytes;
    const twinDer = new Uint8Array([0x30, 4 + r.length + sEnc.length, 0x02, r.length, ...r, 0x02, sEnc.length, ...sEnc]);
    const twin = withField(tx, "signature", bytesToHex(twinDer));
    expect(checkTransaction(twin).ok).toBe(true);
    expectReason(pool.admit(twin, ledger), Reason.TxReplay);
    // What waits is the transaction as admitted: held by its own signature, not by the twin's spelling.
    expect(pool.holds(tx.signature)).toBe(true);
    expect(pool.holds(twin.signature)).toBe(false);
  });

  it("signature-conflict: (12, 3) and (1, 23) share a signed message and a signature", () => {
    const ledger = new Ledger();
    const pool = new Mempool();
    const a = pay(holder, bob.address, 12, 3);
    const b = makeTransaction(a.from, a.to, 1, 23, a.signature);
    expect(checkTransaction(b).ok).toBe(true);
    expect(pool.admit(a, ledger).ok).toBe(true);
    expectReason(pool.admit(b, ledger), Reason.SignatureConflict);
  });

  it("mint-in-mempool: a transaction from the mint address is refused", () => {
    expectReason(new Mempool().admit(reward(bob.address, 297), new Ledger()), Reason.MintInMempool);
  });

  it("mempool-full: refuses gas no better than the lowest, evicts the lowest for more", () => {
    const ledger = new Ledger();
    const pool = new Mempool({}, 2);
    expect(pool.admit(pay(holder, bob.address, 1, 1), ledger).ok).toBe(true);
    expect(pool.admit(pay(holder, bob.address, 2, 5), ledger).ok).toBe(true);
    expectReason(pool.admit(pay(holder, bob.address, 3, 1), ledger), Reason.MempoolFull);
    const r = pool.admit(pay(holder, bob.address, 4, 2), ledger);
    expect(r.ok && r.evicted?.amount).toBe(1);
    expect(pool.size).toBe(2);
    expect(pool.pendingSpend(holder.address)).toBe(2 + 5 + 4 + 2);
  });
});

describe("block rules", () => {
  const miner = newWallet();
  const fresh = () => {
    const chain = new Chain();
    const pool = new Mempool();
    return { chain, pool };
  };
  /** A valid next block on genesis carrying `txs` (difficulty 1). */
  const onGenesis = (txs: SignedTransaction[], rewardTx = reward(miner.address, 297 + txs.reduce((s, t) => s + t.gas, 0))) =>
    forge(GENESIS.hash, String(T0), [rewardTx, ...txs], 1);

  it("accepts a valid block and reports it extended the chain", () => {
    const { chain } = fresh();
    expect(chain.addBlock(onGenesis([base()]), 2, now)).toMatchObject({ ok: true, status: "extended" });
  });

  it("block-shape: not an object, missing keys, wrong types, empty data", () => {
    const block = onGenesis([]);
    expectReason(checkBlock("block"), Reason.BlockShape);
    const { nonce: _n, ...noNonce } = block;
    expectReason(checkBlock(noNonce), Reason.BlockShape);
    expectReason(checkBlock({ ...block, nonce: -1 }), Reason.BlockShape);
    expectReason(checkBlock({ ...block, nonce: "8" }), Reason.BlockShape);
    expectReason(checkBlock({ ...block, prevHash: block.prevHash.toUpperCase() }), Reason.BlockShape);
    expectReason(checkBlock({ ...block, data: [] }), Reason.BlockShape);
    expectReason(checkBlock({ ...block, data: {} }), Reason.BlockShape);
  });

  it("timestamp-invalid: not a decimal string of whole milliseconds", () => {
    const block = onGenesis([]);
    for (const timestamp of ["", "1.5", "0123", "-5", "1e12", T0, "99999999999999999"]) {
      expectReason(checkBlock({ ...block, timestamp }), Reason.TimestampInvalid);
    }
  });

  it("hash-mismatch: contents changed after mining", () => {
    const block = onGenesis([]);
    expectReason(checkBlock({ ...block, nonce: block.nonce + 1 }), Reason.HashMismatch);
  });

  it("pow-too-weak: a hash without the leading zeros in force", () => {
    const { chain } = fresh();
    const weak = forge(GENESIS.hash, String(T0), [reward(miner.address, 297)], 0, (h) => !h.startsWith("0"));
    expectReason(chain.addBlock(weak, 2, now), Reason.PowTooWeak);
  });

  it("difficulty-announced: not 1 away from the difficulty in force, or below 1", () => {
    const { chain } = fresh();
    const block = onGenesis([]);
    expectReason(chain.addBlock(block, 3, now), Reason.DifficultyAnnounced);
    expectReason(chain.addBlock(block, 1, now), Reason.DifficultyAnnounced);
    expectReason(chain.addBlock(block, 0, now), Reason.DifficultyAnnounced);
    expectReason(chain.addBlock(block, 2.5, now), Reason.DifficultyAnnounced);
  });

  it("timestamp-not-after-parent and timestamp-in-future", () => {
    const { chain, pool } = fresh();
    extend(chain, pool, miner.address, 1);
    const tip = chain.tip();
    const same = forge(tip.block.hash, String(tip.timestamp), [reward(miner.address, 297)], 2);
    expectReason(chain.addBlock(same, 1, tip.timestamp + 1000), Reason.TimestampNotAfterParent);
    const ahead = tip.timestamp + params.maxFutureMs + 10_000;
    const future = forge(tip.block.hash, String(ahead), [reward(miner.address, 297)], 2);
    expectReason(chain.addBlock(future, 1, ahead - params.maxFutureMs - 1), Reason.TimestampInFuture);
    expect(chain.addBlock(future, 1, ahead - params.maxFutureMs).ok).toBe(true);
  });

  it("reward-missing: the first transaction is not from the mint", () => {
    const tx = base();
    expectReason(checkBlock(forge(GENESIS.hash, String(T0), [tx, reward(miner.address, 307)], 1)), Reason.RewardMissing);
  });

  it("reward-multiple: a second transaction from the mint", () => {
    const block = forge(GENESIS.hash, String(T0), [reward(miner.address, 297), reward(bob.address, 5)], 1);
    expectReason(checkBlock(block), Reason.RewardMultiple);
  });

  it("reward-amount: anything but 297 plus the block's gas", () => {
    expectReason(checkBlock(onGenesis([base()], reward(miner.address, 297))), Reason.RewardAmount);
    expectReason(checkBlock(onGenesis([], reward(miner.address, 298))), Reason.RewardAmount);
  });

  it("reward-gas: the reward carries gas", () => {
    expectReason(checkBlock(onGenesis([], reward(miner.address, 297, 1))), Reason.RewardGas);
  });

  it("a block's transactions pass every transaction rule (reason carried, index named)", () => {
    const bad = withField(base(), "amount", 201) as SignedTransaction;
    const r = checkBlock(forge(GENESIS.hash, String(T0), [reward(miner.address, 307), bad], 1));
    expectReason(r, Reason.SignatureInvalid);
    expect(!r.ok && r.detail).toMatch(/^tx #1:/);
  });

  it("balance-insufficient in a block: two spends that overspend together", () => {
    const { chain } = fresh();
    const a = pay(holder, bob.address, 60_000_000, 0);
    const b = pay(holder, bob.address, 40_000_000, 1);
    expectReason(chain.addBlock(onGenesis([a, b]), 2, now), Reason.BalanceInsufficient);
    expect(chain.height).toBe(0);
    expect(chain.ledger.balanceOf(holder.address)).toBe(params.initialCoinRelease);
  });

  it("balance-insufficient in a block: a spend funded only by a later transaction", () => {
    const { chain } = fresh();
    const spend = pay(bob, miner.address, 50, 0);
    const fund = pay(holder, bob.address, 100, 0);
    expectReason(chain.addBlock(onGenesis([spend, fund]), 2, now), Reason.BalanceInsufficient);
    expect(chain.addBlock(onGenesis([fund, spend]), 2, now).ok).toBe(true);
  });

  it("tx-replay and signature-conflict in a block: against the chain and within the block", () => {
    const { chain, pool } = fresh();
    const tx = base();
    expect(chain.addBlock(onGenesis([tx]), 2, now).ok).toBe(true);
    const tip = chain.tip();
    const replay = forge(tip.block.hash, String(T0 + 1), [reward(miner.address, 307), tx], 2);
    expectReason(chain.addBlock(replay, 1, now), Reason.TxReplay);
    const a = pay(holder, bob.address, 12, 3);
    const b = makeTransaction(a.from, a.to, 1, 23, a.signature);
    const conflict = forge(tip.block.hash, String(T0 + 1), [reward(miner.address, 297 + 26), a, b], 2);
    expectReason(chain.addBlock(conflict, 1, now), Reason.SignatureConflict);
    expect(pool.size).toBe(0);
  });

  it("block-known, parent-unknown, branch-not-linked, block-invalid-ancestor", () => {
    const { chain, pool } = fresh();
    const [first] = extend(chain, pool, miner.address, 1);
    expectReason(chain.addBlock(first!.block, first!.announced, now), Reason.BlockKnown);
    const stranger = forge("ab".repeat(32), String(T0), [reward(miner.address, 297)], 1);
    expectReason(chain.addBranch([stranger], [null], now), Reason.ParentUnknown);
    const a = forge(chain.tip().block.hash, String(T0 + 40_000), [reward(miner.address, 297)], 2);
    const unlinked = forge(chain.tip().block.hash, String(T0 + 50_000), [reward(miner.address, 297)], 2);
    expectReason(chain.addBranch([a, unlinked], [1, 2], now), Reason.BranchNotLinked);
    // An overspending block, then a child built on it.
    const over = forge(chain.tip().block.hash, String(T0 + 40_000), [reward(miner.address, 297), pay(bob, holder.address, 5, 0)], 2);
    expectReason(chain.addBlock(over, 1, T0 + 200_000), Reason.BalanceInsufficient);
    const child = forge(over.hash, String(T0 + 70_000), [reward(miner.address, 297)], 1);
    expectReason(chain.addBlock(child, 2, T0 + 200_000), Reason.BlockInvalidAncestor);
  });

  it("clock-behind-tip: the miner never stamps a block its own rules would refuse", () => {
    const { chain, pool } = fresh();
    extend(chain, pool, miner.address, 1);
    const tip = chain.tip().timestamp;
    // A clock that went back past the tip's allowance: any stamp after the tip is too far ahead.
    const behind = tip - params.maxFutureMs;
    expectReason(buildTemplate({ chain, mempool: pool, minerAddress: miner.address, now: behind, random }), Reason.ClockBehindTip);
    // A millisecond later, tip + 1 is exactly as far ahead as the rules allow.
    const mined = mineNext(chain, pool, miner.address, behind + 1);
    expect(mined.block.timestamp).toBe(String(tip + 1));
    expect(chain.addBlock(mined.block, mined.announced, behind + 1)).toMatchObject({ ok: true, status: "extended" });
  });
});
