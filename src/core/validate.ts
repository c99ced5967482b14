/**
 * Block rules that need no ledger: shape, hash, timestamp, proof of work and
 * the reward structure, plus every transaction's own checks. The ledger
 * (ledger.ts) adds the rules of state; the chain (chain.ts) ties them together.
 */
import { BLOCK_KEYS, blockHash, type Block } from "./block.ts";
import { leadingZeroNibbles } from "./hash.ts";
import { params } from "./params.ts";
import { OK, Reason, fail, type Result } from "./reasons.ts";
import { checkTransaction, isMintTransaction, type CheckedTx, type TxCheckOptions } from "./transaction.ts";

const HASH = /^[0-9a-f]{64}$/;
const TIMESTAMP = /^[1-9][0-9]{0,15}$/;

/** A block's timestamp as a number, or null when it is not a whole number of milliseconds. */
export function timestampMs(timestamp: unknown): number | null {
  if (typeof timestamp !== "string" || !TIMESTAMP.test(timestamp)) return null;
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) ? ms : null;
}

export interface CheckedBlock {
  readonly block: Block;
  readonly txs: readonly CheckedTx[];
  readonly timestamp: number;
  readonly zeros: number;
}

/**
 * The cheap rules of a block, none of which verifies a signature: shape, key
 * order, timestamp form, and the hash of its contents. Never throws.
 */
export function checkBlockHeader(value: unknown): Result<{ block: Block; timestamp: number }> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(Reason.BlockShape, "a block is a JSON object");
  const keys = Object.keys(value);
  if (keys.length !== BLOCK_KEYS.length || keys.some((k, i) => k !== BLOCK_KEYS[i])) {
    return fail(Reason.BlockShape, `keys must be exactly ${BLOCK_KEYS.join(", ")} in that order; got ${keys.join(", ")}`);
  }
  const b = value as Record<(typeof BLOCK_KEYS)[number], unknown>;
  if (typeof b.prevHash !== "string" || !HASH.test(b.prevHash)) return fail(Reason.BlockShape, "prevHash must be 64 lowercase hex characters");
  if (typeof b.hash !== "string" || !HASH.test(b.hash)) return fail(Reason.BlockShape, "hash must be 64 lowercase hex characters");
  if (typeof b.nonce !== "number" || !Number.isSafeInteger(b.nonce) || b.nonce < 0) return fail(Reason.BlockShape, "nonce must be a whole number of at least 0");
  if (!Array.isArray(b.data) || b.data.length === 0) return fail(Reason.BlockShape, "data must be a non-empty array of transactions");
  const timestamp = timestampMs(b.timestamp);
  if (timestamp === null) return fail(Reason.TimestampInvalid, `timestamp must be a decimal string of whole milliseconds, got ${JSON.stringify(b.timestamp)}`);
  const block = value as Block;
  const actual = blockHash(block);
  if (actual !== block.hash) return fail(Reason.HashMismatch, `hash is ${block.hash}, the contents hash to ${actual}`);
  return { ok: true, block, timestamp };
}

/**
 * Every rule of a block that needs neither its parent nor state. Never throws.
 */
export function checkBlock(value: unknown, options: TxCheckOptions = {}): Result<{ checked: CheckedBlock }> {
  const header = checkBlockHeader(value);
  if (!header.ok) return header;
  const { block, timestamp } = header;
  const data = block.data as unknown[];
  const first = data[0];
  if (typeof first !== "object" || first === null || !isMintTransaction(first as { from: string })) {
    return fail(Reason.RewardMissing, "the first transaction must be the reward, from the mint address");
  }
  const txs: CheckedTx[] = [];
  let gas = 0;
  for (let i = 0; i < data.length; i++) {
    const r = checkTransaction(data[i], options);
    if (!r.ok) return fail(r.reason, `tx #${i}: ${r.detail}`);
    if (i > 0) {
      if (isMintTransaction(r.checked.tx)) return fail(Reason.RewardMultiple, `tx #${i} is a second transaction from the mint address`);
      gas += r.checked.tx.gas;
    }
    txs.push(r.checked);
  }
  const reward = txs[0]!.tx;
  if (reward.gas !== 0) return fail(Reason.RewardGas, `the reward carries gas ${reward.gas}; it must be 0`);
  if (reward.amount !== params.reward + gas) {
    return fail(Reason.RewardAmount, `the reward is ${reward.amount}; it must be ${params.reward} + ${gas} gas = ${params.reward + gas}`);
  }
  return { ok: true, checked: { block, txs, timestamp, zeros: leadingZeroNibbles(block.hash) } };
}

export interface ParentInfo {
  readonly hash: string;
  /** The parent's timestamp in ms; genesis has none (0). */
  readonly timestamp: number;
}

/** The rules that tie a block to its parent and to the receiver's clock. */
export function checkLink(block: CheckedBlock, parent: ParentInfo, now: number): Result {
  if (block.block.prevHash !== parent.hash) return fail(Reason.BlockShape, "prevHash does not name the parent");
  if (block.timestamp <= parent.timestamp) {
    return fail(Reason.TimestampNotAfterParent, `timestamp ${block.timestamp} is not after the parent's ${parent.timestamp}`);
  }
  if (block.timestamp > now + params.maxFutureMs) {
    return fail(Reason.TimestampInFuture, `timestamp ${block.timestamp} is more than ${params.maxFutureMs} ms ahead of the clock (${now})`);
  }
  return OK;
}

/** Proof of work: at least `difficulty` leading zero hex characters. */
export function checkWork(block: CheckedBlock, difficulty: number): Result {
  if (block.zeros < difficulty) {
    return fail(Reason.PowTooWeak, `hash has ${block.zeros} leading zeros; difficulty ${difficulty} is in force`);
  }
  return OK;
}
