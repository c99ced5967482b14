/**
 * JeChain blocks: key order timestamp, data, prevHash, hash, nonce, and
 * hash = SHA256(prevHash + timestamp + JSON.stringify(data) + nonce).
 */
import { sha256Hex } from "./hash.ts";
import type { Transaction } from "./transaction.ts";

export interface Block {
  readonly timestamp: string;
  readonly data: readonly Transaction[];
  readonly prevHash: string;
  readonly hash: string;
  readonly nonce: number;
}

export const BLOCK_KEYS = ["timestamp", "data", "prevHash", "hash", "nonce"] as const;

/** Everything of the preimage before the nonce: the part a miner hashes once per template. */
export function blockPrefix(block: Pick<Block, "prevHash" | "timestamp" | "data">): string {
  return block.prevHash + block.timestamp + JSON.stringify(block.data);
}

export function blockHash(block: Pick<Block, "prevHash" | "timestamp" | "data" | "nonce">): string {
  return sha256Hex(blockPrefix(block) + String(block.nonce));
}

export function makeBlock(timestamp: string, data: readonly Transaction[], prevHash: string, hash: string, nonce: number): Block {
  return { timestamp, data, prevHash, hash, nonce };
}
