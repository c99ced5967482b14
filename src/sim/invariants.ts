/**
 * What must hold of an honest network, checked as a run goes. Each check
 * returns null or what broke, in words that name the node and the numbers.
 */
import type { PeerNode } from "../node/node.ts";
import { Mempool } from "../core/mempool.ts";
import { VerifiedCache } from "../core/transaction.ts";
import { limits, params } from "../core/params.ts";
import { DEFAULT_ADDRESS_BOOK_BOUNDS } from "../node/address-book.ts";
import { DEFAULT_STREAM_BOUNDS } from "../node/chain-stream.ts";
import { DEFAULT_CONNECTION_BOUNDS } from "../node/connections.ts";
import type { Payment } from "./users.ts";

export const INVARIANTS = ["converges", "ledger-matches-chain", "no-payment-lost", "bounds-held", "hostile-dials-bounded"] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/** The node's balances as a rescan of its main chain gives them, and the coins its chain created. */
export function ledgerMismatch(node: PeerNode): string | null {
  const scanned = new Map<string, number>();
  const add = (a: string, d: number) => scanned.set(a, (scanned.get(a) ?? 0) + d);
  const chain = node.chain;
  let minted = 0;
  for (let h = 0; h <= chain.height; h++) {
    const data = chain.at(h)!.block.data;
    data.forEach((tx, i) => {
      add(tx.from, -(tx.amount + tx.gas));
      add(tx.to, tx.amount);
      if (h > 0 && i === 0) minted += tx.amount - data.slice(1).reduce((s, t) => s + t.gas, 0);
    });
  }
  for (const [a, v] of scanned) if (v === 0) scanned.delete(a);
  const ledger = new Map(chain.ledger.snapshot().balances);
  if (ledger.size !== scanned.size) return `${ledger.size} balances in the ledger, ${scanned.size} in a rescan of the chain`;
  for (const [a, v] of scanned) if (ledger.get(a) !== v) return `balance of ${a.slice(0, 16)}…: ledger ${ledger.get(a)}, rescan ${v}`;
  if (minted !== params.reward * chain.height) return `the chain created ${minted} coins in rewards, ${params.reward * chain.height} are due at height ${chain.height}`;
  if (chain.ledger.supply() !== params.initialCoinRelease + minted) return `supply ${chain.ledger.supply()}, but genesis plus rewards is ${params.initialCoinRelease + minted}`;
  return null;
}

/**
 * Every bounded structure within the bound the README states (the defaults),
 * whatever the node itself believes its bound to be.
 */
export function boundBroken(node: PeerNode): string | null {
  const b = node.bounds();
  const c = DEFAULT_CONNECTION_BOUNDS;
  const book = DEFAULT_ADDRESS_BOOK_BOUNDS;
  const s = DEFAULT_STREAM_BOUNDS;
  const over: string[] = [];
  const check = (what: string, n: number, max: number) => n > max && over.push(`${what} ${n} > ${max}`);
  check("inbound peers", b.peers.inbound, c.maxInbound);
  check("outbound peers", b.peers.outbound, c.targetOutbound + c.maxPersistent + c.maxInbound);
  check("addresses", b.addresses.known, book.maxNew + book.maxTried);
  check("stream blocks", b.streams.blocks, 2 * s.totalBlocks);
  check("stream bytes", b.streams.bytes, 2 * s.totalBytes);
  check("orphans", b.orphans.blocks, limits.orphanMaxBlocks);
  check("orphan bytes", b.orphans.bytes, limits.orphanMaxBytes);
  check("side blocks", b.side.blocks, limits.sideMaxBlocks);
  check("side bytes", b.side.bytes, limits.sideMaxBytes);
  check("mempool", b.mempool.txs, limits.mempoolMaxTxs);
  check("invalid", b.invalid.blocks, limits.invalidMaxBlocks);
  return over.length === 0 ? null : over.join(", ");
}

export interface PaymentFate {
  mined: number;
  waiting: number;
  refused: number;
  lost: { payment: Payment; why: string }[];
}

/**
 * Where every accepted payment ended, judged on the common chain: in a block
 * of it, waiting in every honest mempool, or refused for a reason the final
 * state gives (a conflicting spend won, the sender no longer has the coins).
 * Anything else is lost; so is one waiting in some honest mempools only.
 */
export function paymentFates(payments: readonly Payment[], nodes: readonly PeerNode[]): PaymentFate {
  const reference = nodes[0]!;
  const inChain = new Set<string>();
  for (let h = 1; h <= reference.chain.height; h++) for (const tx of reference.chain.at(h)!.block.data) if (tx.signature !== undefined) inChain.add(tx.signature);
  const fate: PaymentFate = { mined: 0, waiting: 0, refused: 0, lost: [] };
  const waiting = nodes.map((n) => new Set(n.mempool.transactions().map((tx) => tx.signature)));
  // The re-admissions below share verdicts: each waiting transaction is verified once, not once per payment judged.
  const verdicts = new VerifiedCache();
  for (const p of payments) {
    if (inChain.has(p.tx.signature)) {
      fate.mined++;
      continue;
    }
    const holders = waiting.filter((w) => w.has(p.tx.signature)).length;
    if (holders === nodes.length) {
      fate.waiting++;
      continue;
    }
    if (holders > 0) {
      fate.lost.push({ payment: p, why: `waiting in ${holders} of ${nodes.length} honest mempools` });
      continue;
    }
    // Not anywhere: only right if the final state refuses it, next to what waits already.
    const again = new Mempool({ cache: verdicts });
    for (const tx of reference.mempool.transactions()) again.admit(tx, reference.chain.ledger);
    if (!again.admit(p.tx, reference.chain.ledger).ok) fate.refused++;
    else fate.lost.push({ payment: p, why: "valid on the common chain, yet in no block and no honest mempool" });
  }
  return fate;
}

/**
 * The most dials the whole network may make of a hostile address by `now`,
 * from the README's rules (Strangers: address book). A node dials an address
 * only from its book; a never-proven address is dropped from the book at its
 * 4th failure in a row (`maxFailures`) and refused for an hour (`forgetMs`)
 * whoever names it again, and only proven addresses are passed on, so only
 * the nodes told directly can know of it. A dial-back to an address an
 * inbound link claims uses the same book entry (and none once it is
 * dropped), so a claim adds no dial. So each node told makes at most 4 dials
 * per cycle, and a new cycle starts at least an hour after the one before:
 * at most 1 + floor(elapsed / 1 h) cycles since it was first told. This holds
 * while the address never proves itself (it never links back); it assumes
 * nodes keep their books (no restarts). A claim proves nothing (connections.ts
 * `checkPair`): scenario "claimed-proof" broke this bound until it did.
 */
export function hostileDialBound(toldAt: ReadonlyMap<string, number>, now: number): number {
  const { maxFailures, forgetMs } = DEFAULT_ADDRESS_BOOK_BOUNDS;
  let bound = 0;
  for (const at of toldAt.values()) bound += maxFailures * (1 + Math.floor(Math.max(0, now - at) / forgetMs));
  return bound;
}

/** Each hostile address's dials so far against its bound: null, or the first over it. */
export function hostileDialsBroken(dials: ReadonlyMap<string, number>, told: ReadonlyMap<string, ReadonlyMap<string, number>>, now: number): string | null {
  for (const [address, toldAt] of told) {
    const made = dials.get(address) ?? 0;
    const bound = hostileDialBound(toldAt, now);
    if (made > bound) return `${address} dialed ${made} times; ${toldAt.size} honest nodes were told of it, which allows ${bound}`;
  }
  return null;
}
