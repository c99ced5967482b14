/**
 * The application layer: the queries and commands that the native node's HTTP
 * API (src/cli/http-api.ts) and the page's worker (src/worker/node-worker.ts)
 * both serve, once, over a read-only view of a node. Pure: no clock (arrival
 * times are passed in), no I/O, no globals.
 */
import type { Block } from "../core/block.ts";
import type { BlockEntry, BlockInfo } from "../core/chain.ts";
import { GENESIS } from "../core/genesis.ts";
import { sha256Hex } from "../core/hash.ts";
import { params } from "../core/params.ts";
import { Reason } from "../core/reasons.ts";
import { isCanonicalAddress } from "../core/secp.ts";
import type { SignedTransaction, Transaction } from "../core/transaction.ts";
import type { Wallet } from "../core/wallet.ts";
import { AppReason, refuse, type CommandFailure } from "./reasons.ts";
import type { Balance, BlockFound, BlockRow, BlockTx, ChainStatusView, HistoryItem, LookupResult, TxFound, TxRole, TxRow } from "./views.ts";

/** What the queries read of a chain: a subset of core/chain.ts's Chain. */
export interface ChainView {
  readonly height: number;
  readonly ledger: { balanceOf(address: string): number };
  tip(): BlockEntry;
  at(height: number): BlockEntry | undefined;
  get(hash: string): BlockInfo | undefined;
  isMain(entry: BlockInfo): boolean;
  difficulty(): number;
}

/** What the queries read of a mempool: a subset of core/mempool.ts's Mempool. */
export interface MempoolView {
  pendingSpend(address: string): number;
  pendingReceipts(address: string): number;
  /** In arrival order. */
  transactions(): SignedTransaction[];
}

export interface NodeView {
  readonly chain: ChainView;
  readonly mempool: MempoolView;
}

/** Where a main-chain transaction is (the worker's TxIndex answers this). */
export interface TxPlace {
  readonly tx: SignedTransaction;
  readonly height: number;
  readonly blockHash: string;
  readonly reward: boolean;
}

export interface TxLocator {
  /** By signature or by transaction id. */
  find(key: string): TxPlace | undefined;
  /** An address's main-chain transactions, newest first. */
  ofAddress(address: string): readonly TxPlace[];
}

/** When this node accepted a block, when it knows (see Arrivals). */
export type ReceivedAt = (hash: string) => number | null;
const UNKNOWN_ARRIVAL: ReceivedAt = () => null;

/**
 * Ids by transaction object: a transaction in the mempool or a block is one
 * object for its whole life and never changed, and the page's views ask for
 * the same ids at every update (the mempool, the history, the index).
 */
const txIds = new WeakMap<Transaction, string>();

/**
 * The transaction id: SHA-256 of the transaction's JSON exactly as blocks
 * carry it (keys from, to, amount, gas, signature; genesis's has no
 * signature). The protocol defines none; the signature is no id, as every
 * DER signature starts "3044022…" and a signature can be re-encoded (high/low S).
 */
export function txId(tx: Transaction): string {
  let id = txIds.get(tx);
  if (id === undefined) {
    const ordered = tx.signature === undefined ? { from: tx.from, to: tx.to, amount: tx.amount, gas: tx.gas } : { from: tx.from, to: tx.to, amount: tx.amount, gas: tx.gas, signature: tx.signature };
    id = sha256Hex(JSON.stringify(ordered));
    txIds.set(tx, id);
  }
  return id;
}

export function txRow(tx: SignedTransaction): TxRow {
  return { id: txId(tx), from: tx.from, to: tx.to, amount: tx.amount, gas: tx.gas, signature: tx.signature };
}

/** Only a block's reward comes from the mint address (the rules refuse any other), and only genesis's release is unsigned. */
function txRole(tx: Transaction): TxRole {
  if (tx.signature === undefined) return "mint";
  return tx.from === params.mintAddress ? "reward" : "payment";
}

function blockTx(tx: Transaction): BlockTx {
  return { id: txId(tx), from: tx.from, to: tx.to, amount: tx.amount, gas: tx.gas, signature: tx.signature ?? null, role: txRole(tx) };
}

export function chainStatus(view: NodeView): ChainStatusView {
  const tip = view.chain.tip();
  return { height: tip.height, tip: tip.block.hash, difficulty: view.chain.difficulty(), work: tip.work.toString() };
}

export function balanceOf(view: NodeView, address: string): Balance {
  const confirmed = view.chain.ledger.balanceOf(address);
  const spend = view.mempool.pendingSpend(address);
  return { confirmed, pending: view.mempool.pendingReceipts(address) - spend, spendable: confirmed - spend };
}

/** Blocks on top of a block, and itself: 1 at the tip, 0 for a block beside the main chain. */
export function confirmationsOf(view: NodeView, height: number, main: boolean): number {
  return main ? view.chain.height - height + 1 : 0;
}

export function blockRow(info: BlockInfo, receivedAt: ReceivedAt = UNKNOWN_ARRIVAL): BlockRow {
  const b = info.block;
  return { height: info.height, hash: b.hash, timestamp: info.timestamp, receivedAt: receivedAt(b.hash), txs: b.data.length, miner: b.data[0]?.to ?? "", difficulty: info.difficulty };
}

/** The latest `count` main-chain blocks (genesis left out), newest first. */
export function latestBlocks(view: NodeView, count: number, receivedAt: ReceivedAt = UNKNOWN_ARRIVAL): BlockRow[] {
  const rows: BlockRow[] = [];
  for (let h = view.chain.height; h >= 1 && rows.length < count; h--) rows.push(blockRow(view.chain.at(h)!, receivedAt));
  return rows;
}

/** Main-chain blocks from a height, lowest first, at most `limit`. */
export function blocksFrom(view: NodeView, from: number, limit: number): BlockEntry[] {
  const out: BlockEntry[] = [];
  for (let h = from; h <= Math.min(view.chain.height, from + limit - 1); h++) out.push(view.chain.at(h)!);
  return out;
}

/** A height as people write it: digits, no leading zero (so "00", a hash prefix, is not height 0). */
const HEIGHT = /^(0|[1-9][0-9]{0,8})$/;

/** A block by hash, or by height on the main chain ("7"). */
export function findBlock(view: NodeView, query: string): BlockInfo | undefined {
  const q = query.trim().toLowerCase();
  if (HEIGHT.test(q)) return view.chain.at(Number(q));
  return view.chain.get(q);
}

/** The API's record of a block (unchanged since the API's first version). */
export function blockRecord(view: NodeView, info: BlockInfo) {
  return { height: info.height, hash: info.block.hash, main: view.chain.isMain(info), difficulty: info.difficulty, next: info.next, work: info.work.toString(), block: info.block };
}

export function blockFound(view: NodeView, info: BlockInfo, receivedAt: ReceivedAt = UNKNOWN_ARRIVAL): BlockFound {
  const main = view.chain.isMain(info);
  const block: Block = info.block;
  return {
    kind: "block",
    height: info.height,
    main,
    difficulty: info.difficulty,
    block,
    confirmations: confirmationsOf(view, info.height, main),
    timestamp: info.timestamp,
    receivedAt: receivedAt(block.hash),
    nextHash: main ? (view.chain.at(info.height + 1)?.block.hash ?? null) : null,
    txs: block.data.map((tx) => blockTx(tx)),
  };
}

/**
 * An address's transactions, newest first: those waiting in the mempool
 * (latest arrival first), then those in blocks by height.
 */
export function historyOf(view: NodeView, index: TxLocator, address: string, max = 200): HistoryItem[] {
  const height = view.chain.height;
  const direction = (from: string, to: string) => (from === to ? "self" : from === address ? "out" : "in");
  const waiting = view.mempool
    .transactions()
    .filter((tx) => tx.from === address || tx.to === address)
    .reverse()
    .map((tx): HistoryItem => ({ ...txRow(tx), height: null, confirmations: 0, direction: direction(tx.from, tx.to), reward: false, time: null }));
  const confirmed = index
    .ofAddress(address)
    .slice(0, max)
    .map((p): HistoryItem => ({
      ...txRow(p.tx),
      height: p.height,
      confirmations: height - p.height + 1,
      direction: direction(p.tx.from, p.tx.to),
      reward: p.reward,
      time: view.chain.at(p.height)?.timestamp ?? null,
    }));
  return [...waiting, ...confirmed];
}

function txFound(view: NodeView, index: TxLocator, key: string, receivedAt: ReceivedAt): TxFound | null {
  const place = index.find(key);
  if (place !== undefined) {
    const entry = view.chain.at(place.height);
    return {
      kind: "tx",
      height: place.height,
      blockHash: place.blockHash,
      tx: blockTx(place.tx),
      confirmations: confirmationsOf(view, place.height, true),
      time: entry?.timestamp ?? null,
      receivedAt: receivedAt(place.blockHash),
    };
  }
  const waiting = view.mempool.transactions().find((tx) => tx.signature === key || txId(tx) === key);
  if (waiting !== undefined) return { kind: "tx", height: null, blockHash: null, tx: blockTx(waiting), confirmations: 0, time: null, receivedAt: null };
  const genesisTx = GENESIS.data[0]!;
  if (key === txId(genesisTx)) return { kind: "tx", height: 0, blockHash: GENESIS.hash, tx: blockTx(genesisTx), confirmations: confirmationsOf(view, 0, true), time: null, receivedAt: null };
  return null;
}

/** What a search or a detail route names: a block (hash or height), a transaction (id or signature), an address. */
export function lookup(view: NodeView, index: TxLocator, query: string, receivedAt: ReceivedAt = UNKNOWN_ARRIVAL): LookupResult {
  const q = query.trim().toLowerCase();
  const block = findBlock(view, q);
  if (block !== undefined) return blockFound(view, block, receivedAt);
  const tx = txFound(view, index, q, receivedAt);
  if (tx !== null) return tx;
  if (isCanonicalAddress(q)) {
    const b = balanceOf(view, q);
    return { kind: "address", address: q, balance: b.confirmed, pending: b.pending, history: historyOf(view, index, q) };
  }
  return { kind: "none", query };
}

/** The checks a payment passes before it is signed: the same codes the core's validation gives. */
export function checkPayment(wallet: Wallet | null, to: string, amount: number, gas: number): CommandFailure | { readonly ok: true; readonly wallet: Wallet } {
  if (wallet === null) return refuse(AppReason.WalletLocked, "Unlock the wallet with its password first.");
  if (!isCanonicalAddress(to)) return refuse(Reason.AddressInvalid, "Not an address: lowercase 04 followed by 128 hex characters, a point on the curve.");
  if (!Number.isSafeInteger(amount) || amount < 1) return refuse(Reason.AmountInvalid, "The amount is a whole number of at least 1.");
  if (!Number.isSafeInteger(gas) || gas < 0) return refuse(Reason.GasInvalid, "Gas is a whole number, 0 or more.");
  return { ok: true, wallet };
}

/**
 * When this node accepted each block it added in this session, bounded (the
 * oldest forgotten first). A block's timestamp is when its miner began; this
 * is when it reached this node, the nearer bound of when it was found.
 */
export class Arrivals {
  private readonly times = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  record(added: readonly { readonly block: { readonly hash: string } }[], now: number): void {
    for (const e of added) {
      if (this.times.has(e.block.hash)) continue;
      this.times.set(e.block.hash, now);
      if (this.times.size > this.max) this.times.delete(this.times.keys().next().value!);
    }
  }

  readonly of: ReceivedAt = (hash) => this.times.get(hash) ?? null;
}
