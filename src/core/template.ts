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
}

export interface TemplateRequest {
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly minerAddress: string;
  readonly now: number;
  readonly random: RandomBytes;
}

export function buildTemplate({ chain, mempool, minerAddress, now, random }: TemplateRequest): Result<{ template: BlockTemplate }> {
  const tip = chain.tip();
  // The miner never stamps the future: if the tip is ahead of our clock, wait.
  if (now <= tip.timestamp) return fail(Reason.ClockBehindTip, `the tip is stamped ${tip.timestamp - now + 1} ms ahead of this clock`);
  const txs = mempool.select(chain.ledger);
  const gas = txs.reduce((sum, tx) => sum + tx.gas, 0);
  const reward = signPayment(MINT_WALLET, { to: minerAddress, amount: params.reward + gas, gas: 0 }, random);
  const data = [reward, ...txs];
  const timestamp = String(now);
  const prevHash = tip.block.hash;
  return {
    ok: true,
    template: { prevHash, timestamp, data, prefix: blockPrefix({ prevHash, timestamp, data }), difficulty: chain.difficulty(), height: tip.height + 1 },
  };
}

/** The mined block and the difficulty to announce with it, by the seed's rule. */
export function sealBlock(template: BlockTemplate, nonce: number, hash: string, miningMs: number): { block: Block; announced: number } {
  return {
    block: makeBlock(template.timestamp, template.data, template.prevHash, hash, nonce),
    announced: announceDifficulty(template.difficulty, miningMs),
  };
}
