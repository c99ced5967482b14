/**
 * What the application layer answers with: plain data, so it crosses
 * postMessage to the page and JSON to an HTTP client unchanged.
 */
import type { Block } from "../core/block.ts";

/** A block in a list: the feed, the charts. */
export interface BlockRow {
  readonly height: number;
  readonly hash: string;
  /** The block's own timestamp (ms): set by its miner when it started on the block, not when it found it. */
  readonly timestamp: number;
  /** When this node accepted the block (ms); null when it came from storage, from before this session. */
  readonly receivedAt: number | null;
  readonly txs: number;
  readonly miner: string;
  readonly difficulty: number;
}

export interface TxRow {
  /** The transaction id (txId in queries.ts): SHA-256 of its JSON as the chain holds it. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly gas: number;
  readonly signature: string;
}

/** What a transaction is: a payment, a block's reward (from the mint), or genesis's initial coin release (the mint). */
export type TxRole = "payment" | "reward" | "mint";

/** A transaction inside a block; genesis's has no signature. */
export type BlockTx = Omit<TxRow, "signature"> & { readonly signature: string | null; readonly role: TxRole };

export interface HistoryItem extends TxRow {
  /** Height of the block holding it; null while it waits in the mempool. */
  readonly height: number | null;
  readonly confirmations: number;
  readonly direction: "in" | "out" | "self";
  readonly reward: boolean;
  /** The holding block's timestamp (ms); null while pending. */
  readonly time: number | null;
}

export interface Balance {
  readonly confirmed: number;
  /** Coins on their way in minus coins on their way out, in the mempool. */
  readonly pending: number;
  /** Confirmed minus what the mempool already spends. */
  readonly spendable: number;
}

export interface ChainStatusView {
  readonly height: number;
  readonly tip: string;
  readonly difficulty: number;
  readonly work: string;
}

export interface BlockFound {
  readonly kind: "block";
  readonly height: number;
  readonly main: boolean;
  readonly difficulty: number;
  readonly block: Block;
  /** Blocks on top of it and itself: 1 at the tip; 0 beside the main chain. */
  readonly confirmations: number;
  readonly timestamp: number;
  readonly receivedAt: number | null;
  /** The main chain's block after this one; null at the tip or beside the main chain. */
  readonly nextHash: string | null;
  readonly txs: readonly BlockTx[];
}

export interface TxFound {
  readonly kind: "tx";
  readonly height: number | null;
  readonly blockHash: string | null;
  readonly tx: BlockTx;
  readonly confirmations: number;
  /** The holding block's timestamp and when this node accepted that block; null while pending. */
  readonly time: number | null;
  readonly receivedAt: number | null;
}

export type LookupResult =
  | BlockFound
  | TxFound
  | { readonly kind: "address"; readonly address: string; readonly balance: number; readonly pending: number; readonly history: readonly HistoryItem[] }
  | { readonly kind: "none"; readonly query: string };
