import { blockPrefix, makeBlock, type Block } from "./block.ts";
import { sha256Hex } from "./hash.ts";
import { params } from "./params.ts";

/**
 * The genesis block. The seed computed its hash in the Block constructor
 * before `nonce` was assigned, so the preimage ends in the string "undefined".
 */
const genesisData = () => [{ from: params.mintAddress, to: params.genesisHolderAddress, amount: params.initialCoinRelease, gas: 0 }];

export function genesisPreimage(): string {
  return blockPrefix({ prevHash: "", timestamp: "", data: genesisData() }) + "undefined";
}

export function buildGenesis(): Block {
  return makeBlock("", genesisData(), "", sha256Hex(genesisPreimage()), 0);
}

export const GENESIS: Block = Object.freeze(buildGenesis());
