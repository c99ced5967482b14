/**
 * Block rules that need no ledger: shape, hash, timestamp, proof of work and
 * the reward structure, plus every transaction's own checks. The ledger
 * (ledger.ts) adds the rules of state; the chain (chain.ts) ties them together.
 */
import { BLOCK_KEYS, blockPrefix, type Block } from "./block.ts";
import { leadingZeroNibbles, sha256Hex } from "./hash.ts";
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

/** A block whose shape, timestamp form and hash hold: what is known of it before its transactions are checked. */
export interface CheckedHeader {
  readonly block: Block;
  readonly timestamp: number;
  /** Leading zero hex digits of its hash: the most difficulty it can meet. */
  readonly zeros: number;
  /** Length of its hash preimage: what the block weighs in memory and on disk, near enough. */
  readonly bytes: number;
}

export interface CheckedBlock extends CheckedHeader {
  readonly txs: readonly CheckedTx[];
}

/**
 * The cheap rules of a block, none of which verifies a signature: shape, key
 * order, timestamp form, and the hash of its contents. Never throws.
 */
export function checkBlockHeader(value: unknown): Result<{ header: CheckedHeader }> {
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
  const preimage = blockPrefix(block) + String(block.nonce);
  const actual = sha256Hex(preimage);
  if (actual !== block.hash) return fail(Reason.HashMismatch, `hash is ${block.hash}, the contents hash to ${actual}`);
  return { ok: true, header: { block, timestamp, zeros: leadingZeroNibbles(block.hash), bytes: preimage.length } };
}

/**
 * Every rule of a block that needs neither its parent nor state. Never throws.
 */
export function checkBlock(value: unknown, options: TxCheckOptions = {}): Result<{ checked: CheckedBlock }> {
  const r = checkBlockHeader(value);
  return r.ok ? checkBlockBody(r.header, options) : r;
}

/**
 * The rules of a block's transactions, on a block whose header holds: the
 * reward first and alone, its amount, and every transaction's own checks
 * (signatures included, the costly part). Never throws.
 */
export function checkBlockBody(header: CheckedHeader, options: TxCheckOptions = {}): Result<{ checked: CheckedBlock }> {
  const data = header.block.data as unknown[];
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
  return { ok: true, checked: { ...header, txs } };
}

export interface ParentInfo {
  readonly hash: string;
  /** The parent's timestamp in ms; genesis has none (0). */
  readonly timestamp: number;
}

/** The rules that tie a block to its parent and to the receiver's clock. */
export function checkLink(block: CheckedHeader, parent: ParentInfo, now: number): Result {
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
export function checkWork(block: CheckedHeader, difficulty: number): Result {
  if (block.zeros < difficulty) {
    return fail(Reason.PowTooWeak, `hash has ${block.zeros} leading zeros; difficulty ${difficulty} is in force`);
  }
  return OK;
}
