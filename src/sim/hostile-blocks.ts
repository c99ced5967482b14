/**
 * Blocks a hostile participant sends, made with the network's own rules
 * (src/core) and real proof of work: every one passes the header checks
 * (hash, link, proof of work, timestamp), so what the honest nodes make of
 * it is decided by the rules that matter: work, balances, the clock.
 */
import { blockPrefix, makeBlock, type Block } from "../core/block.ts";
import { GENESIS } from "../core/genesis.ts";
import { params } from "../core/params.ts";
import type { SignedTransaction } from "../core/transaction.ts";
import { MINT_WALLET, generateWallet, signPayment, type RandomBytes } from "../core/wallet.ts";
import { searchNonce } from "../miner/nonce-loop.ts";

export interface ForgedBlock {
  readonly block: Block;
  /** The difficulty it was mined at, and the one announced with it. */
  readonly difficulty: number;
  readonly announced: number;
}

/** The announcement that keeps a cheap branch cheap (1, 2, 1, 2...), and lowers a costly one: always legal (±1, at least 1). */
export const cheapAnnouncement = (difficulty: number): number => (difficulty > 1 ? difficulty - 1 : difficulty + 1);

/** A block of `data` on `prevHash`, stamped `timestamp`, at `difficulty`: the nonce found by the real miner loop. */
export function forgeBlock(prevHash: string, timestamp: number, data: readonly SignedTransaction[], difficulty: number, random: RandomBytes): ForgedBlock {
  const stamp = String(timestamp);
  const prefix = blockPrefix({ prevHash, timestamp: stamp, data });
  // A random start, as a real miner's threads have: blocks on one prefix do not all share a nonce.
  const b = random(4);
  let from = (((b[0]! << 16) | (b[1]! << 8) | b[2]!) >>> 0) * 1000;
  for (;;) {
    const r = searchNonce(prefix, difficulty, from, 1_000_000);
    if (r.found) return { block: makeBlock(stamp, data, prevHash, r.hash, r.nonce), difficulty, announced: cheapAnnouncement(difficulty) };
    from = r.next;
  }
}

/** The reward alone, for `miner`: a block that is valid wherever its header is. */
export function rewardOnly(miner: string, random: RandomBytes): SignedTransaction[] {
  return [signPayment(MINT_WALLET, { to: miner, amount: params.reward, gas: 0 }, random)];
}

/**
 * A branch of `count` blocks off genesis at the least work the rules allow
 * (difficulty 1, 2, 1, 2...: a few hundred hashes each), every block carrying
 * the reward and `payments` validly signed payments from a key that owns
 * nothing: each header and signature check passes, and a full validation
 * refuses the block for its balances. The payments are signed once and
 * carried by every block (signing is the costly part here; a node never gets
 * as far as noticing the repeat, which is the point).
 */
export function lowWorkBranch(count: number, payments: number, stampFrom: number, random: RandomBytes): ForgedBlock[] {
  const pauper = generateWallet(random);
  const payee = generateWallet(random).address;
  const txs = Array.from({ length: payments }, (_, i) => signPayment(pauper, { to: payee, amount: 1 + i, gas: 1 }, random));
  const gas = txs.length;
  const out: ForgedBlock[] = [];
  let prev = GENESIS.hash;
  let difficulty: number = params.initialDifficulty;
  for (let i = 0; i < count; i++) {
    const reward = signPayment(MINT_WALLET, { to: payee, amount: params.reward + gas, gas: 0 }, random);
    const forged = forgeBlock(prev, stampFrom + i, [reward, ...txs], difficulty, random);
    out.push(forged);
    prev = forged.block.hash;
    difficulty = forged.announced;
  }
  return out;
}
