/**
 * A long chain built by the core's own template and nonce loop: `length`
 * blocks after genesis, each carrying one payment from the genesis holder to a
 * rotating set of addresses, plus the reward. Shared by the 1,000-block test
 * and `npm run bench:validate`.
 */
import { Chain } from "../../src/core/chain.ts";
import { Mempool } from "../../src/core/mempool.ts";
import type { Block } from "../../src/core/block.ts";
import { storedBlock, type StoredBlock } from "../../src/node/store.ts";
import { GENESIS_HOLDER, T0, mineNext, newWallet, pay } from "./chain-builder.ts";

export interface LongChain {
  readonly blocks: Block[];
  readonly announced: number[];
  readonly chain: Chain;
  /** A clock after the last block. */
  readonly now: number;
}

export function buildLongChain(length: number, paymentsPerBlock = 1): LongChain {
  const chain = new Chain();
  const mempool = new Mempool();
  const people = Array.from({ length: 8 }, newWallet);
  const miner = newWallet();
  const blocks: Block[] = [];
  const announced: number[] = [];
  let now = T0;
  for (let h = 1; h <= length; h++) {
    for (let p = 0; p < paymentsPerBlock; p++) {
      const admitted = mempool.admit(pay(GENESIS_HOLDER, people[(h + p) % people.length]!.address, 1 + (h % 50), h % 3), chain.ledger);
      if (!admitted.ok) throw new Error(`${admitted.reason}: ${admitted.detail}`);
    }
    now += 31_000;
    const mined = mineNext(chain, mempool, miner.address, now);
    const r = chain.addBlock(mined.block, mined.announced, now);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
    mempool.applyChange(r, chain.ledger);
    blocks.push(mined.block);
    announced.push(mined.announced);
  }
  return { blocks, announced, chain, now: now + 1 };
}

/** The main chain's blocks after genesis, as a node's store holds them. */
export function storedBlocks(chain: Chain): StoredBlock[] {
  return Array.from({ length: chain.height }, (_, i) => storedBlock(chain.at(i + 1)!));
}
