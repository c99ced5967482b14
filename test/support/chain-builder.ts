/** Builds real, mined chains for tests: the core's own template and nonce loop, with a clock the test controls. */
import { randomBytes } from "node:crypto";
import { blockPrefix, makeBlock, type Block } from "../../src/core/block.ts";
import type { SignedTransaction, Transaction } from "../../src/core/transaction.ts";
import { Chain } from "../../src/core/chain.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { params } from "../../src/core/params.ts";
import { buildTemplate, sealBlock, type BlockTemplate } from "../../src/core/template.ts";
import { MINT_WALLET, generateWallet, signPayment, walletFromPrivateKey, type Wallet } from "../../src/core/wallet.ts";
import { searchNonce } from "../../src/miner/nonce-loop.ts";

export const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export const GENESIS_HOLDER = walletFromPrivateKey("62d101759086c306848a0c1020922a78e8402e1330981afe9404d0ecc0a4be3d");
export const newWallet = (): Wallet => generateWallet(random);

/** A time well in the past, so that long chains stamped 31 s apart stay behind the real clock. */
export const T0 = 1_700_000_000_000;

/** Mines a template to completion (difficulties in tests stay at 1 or 2). */
export function mineTemplate(template: BlockTemplate, foundAt = template.startedAt + params.blockTimeMs + 1000): { block: Block; announced: number } {
  const found = searchNonce(template.prefix, template.difficulty, 0, 10_000_000);
  if (!found.found) throw new Error("no nonce found");
  return sealBlock(template, found.nonce, found.hash, foundAt);
}

/**
 * Mines the next block on the chain's tip at time `now`; mining is reported as
 * slower than the block time, so the difficulty alternates 1 and 2 and tests stay fast.
 */
export function mineNext(chain: Chain, mempool: Mempool, miner: string, now: number): { block: Block; announced: number } {
  const t = buildTemplate({ chain, mempool, minerAddress: miner, now, random });
  if (!t.ok) throw new Error(`${t.reason}: ${t.detail}`);
  return mineTemplate(t.template);
}

/** Mines and adds `n` blocks, 31 s apart from the tip's time, returning what was added. */
export function extend(chain: Chain, mempool: Mempool, miner: string, n: number, start = Math.max(chain.tip().timestamp, T0)): { block: Block; announced: number }[] {
  const added: { block: Block; announced: number }[] = [];
  for (let i = 1; i <= n; i++) {
    const now = start + i * 31_000;
    const mined = mineNext(chain, mempool, miner, now);
    const r = chain.addBlock(mined.block, mined.announced, now);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
    mempool.applyChange(r, chain.ledger);
    added.push(mined);
  }
  return added;
}

/** A block with any data the test wants, mined to `difficulty` so that only the rule under test fails. */
export function forge(prevHash: string, timestamp: string, data: readonly Transaction[], difficulty: number, want: (hash: string) => boolean = () => true): Block {
  const prefix = blockPrefix({ prevHash, timestamp, data });
  for (let start = 0; ; start++) {
    const found = searchNonce(prefix, difficulty, start, 10_000_000);
    if (!found.found) throw new Error("no nonce found");
    if (want(found.hash)) return makeBlock(timestamp, data, prevHash, found.hash, found.nonce);
    start = found.nonce;
  }
}

/** A reward transaction signed with the mint key. */
export function reward(to: string, amount: number, gas = 0): SignedTransaction {
  return signPayment(MINT_WALLET, { to, amount, gas }, random);
}

export function pay(from: Wallet, to: string, amount: number, gas: number): SignedTransaction {
  return signPayment(from, { to, amount, gas }, random);
}

/**
 * A short chain with real work: the difficulty climbs by one per block up to
 * `peak` (each block reported mined fast), then falls back to 1 (reported
 * slow), so the next block is cheap again (difficulty 2). Its work is about
 * 16^peak: a branch of difficulty-1 and -2 blocks, the cheapest the rules
 * allow, needs on the order of 16^peak / 136 blocks to match it, and a fork
 * off genesis starts more than 6 blocks' work behind its tip.
 */
export function climbingChain(peak: number): Chain {
  const chain = new Chain();
  const mempool = new Mempool();
  const miner = newWallet();
  let now = T0;
  for (let h = 1; h <= 2 * peak - 1; h++) {
    now += 31_000;
    const t = buildTemplate({ chain, mempool, minerAddress: miner.address, now, random });
    if (!t.ok) throw new Error(`${t.reason}: ${t.detail}`);
    const mined = mineTemplate(t.template, h < peak ? now + 1000 : undefined);
    const r = chain.addBlock(mined.block, mined.announced, now);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  }
  return chain;
}
