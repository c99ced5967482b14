/**
 * Block templates: what a miner hashes. The reward transaction comes first,
 * signed with the mint key, paying the reward plus the gas of the chosen
 * transactions to the miner.
 */
import { blockPrefix, makeBlock, type Block } from "./block.ts";
import { announceDifficulty } from "./difficulty.ts";
import type { Chain } from "./chain.ts";
import type { Mempool } from "./mempool.ts";
import { params } from "./params.ts";
import { Reason, fail, type Result } from "./reasons.ts";
import type { Transaction } from "./transaction.ts";
import { MINT_WALLET, signPayment, type RandomBytes } from "./wallet.ts";

export interface BlockTemplate {
  readonly prevHash: string;
  readonly timestamp: string;
  readonly data: readonly Transaction[];
  /** prevHash + timestamp + JSON(data): the preimage up to the nonce. */
  readonly prefix: string;
  readonly difficulty: number;
  readonly height: number;
  /**
   * The miner's clock when mining on this tip began. The timestamp is this
   * time, unless the tip forced a stamp ahead of it; either way the time spent
   * mining is measured from here (sealBlock).
   */
  readonly startedAt: number;
}

export interface TemplateRequest {
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly minerAddress: string;
  /**
   * When mining on this tip began. A job rebuilt on the same tip (the mempool
   * changed) passes the same time again: the block keeps its stamp, so the
   * announcement measures all the time spent on the tip, not the time since
   * the last transaction arrived.
   */
  readonly now: number;
  readonly random: RandomBytes;
}

export function buildTemplate({ chain, mempool, minerAddress, now, random }: TemplateRequest): Result<{ template: BlockTemplate }> {
  const tip = chain.tip();
  // The clock whenever it can be: a seed node accepts a live block only if it is
  // stamped before its own clock (PROTOCOL.md). A tip stamped ahead of our clock
  // (the rules allow up to maxFutureMs) would otherwise stall this miner until the
  // clock passed it, while whoever stamped it mined alone: then stamp just after it.
  const stamp = Math.max(now, tip.timestamp + 1);
  // Only a clock that went back since the tip was accepted (or the very last
  // millisecond of its allowance) leaves no stamp that our own checkLink accepts.
  if (stamp > now + params.maxFutureMs) {
    return fail(Reason.ClockBehindTip, `the tip is stamped ${tip.timestamp - now} ms ahead of this clock; a block after it would be more than ${params.maxFutureMs} ms ahead`);
  }
  const txs = mempool.select(chain.ledger);
  const gas = txs.reduce((sum, tx) => sum + tx.gas, 0);
  const reward = signPayment(MINT_WALLET, { to: minerAddress, amount: params.reward + gas, gas: 0 }, random);
  const data = [reward, ...txs];
  const timestamp = String(stamp);
  const prevHash = tip.block.hash;
  return {
    ok: true,
    template: {
      prevHash,
      timestamp,
      data,
      prefix: blockPrefix({ prevHash, timestamp, data }),
      difficulty: chain.difficulty(),
      height: tip.height + 1,
      startedAt: now,
    },
  };
}

/**
 * The mined block and the difficulty to announce with it, by the seed's rule:
 * mining time measured by the miner's clock from the block's timestamp
 * (PROTOCOL.md). A stamp that the tip forced ahead of the clock would make
 * that time negative, always "fast", so it is measured from the clock time the
 * stamp stands for (startedAt, which equals the timestamp otherwise).
 */
export function sealBlock(template: BlockTemplate, nonce: number, hash: string, foundAt: number): { block: Block; announced: number } {
  return {
    block: makeBlock(template.timestamp, template.data, template.prevHash, hash, nonce),
    announced: announceDifficulty(template.difficulty, foundAt - template.startedAt),
  };
}
