/**
 * Transactions waiting for a block. Admission runs the same rules as a block
 * does, against the ledger plus what each sender has already promised here.
 * Bounded: when full, the lowest gas goes first. Replay is refused by the
 * low-S signature key, against the chain and the pool.
 */
import type { ChainChange } from "./chain.ts";
import { refuseSpend, type LedgerView } from "./ledger.ts";
import { limits } from "./params.ts";
import { Reason, fail, type Result } from "./reasons.ts";
import { checkTransaction, isMintTransaction, type CheckedTx, type SignedTransaction, type TxCheckOptions } from "./transaction.ts";

interface PoolEntry extends CheckedTx {
  readonly seq: number;
  readonly bytes: number;
}

export class Mempool {
  private readonly byNorm = new Map<string, PoolEntry>();
  private readonly pending = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly options: TxCheckOptions = {},
    readonly maxTxs: number = limits.mempoolMaxTxs,
  ) {}

  get size(): number {
    return this.byNorm.size;
  }

  /** Coins this address has promised in waiting transactions. */
  pendingSpend(address: string): number {
    return this.pending.get(address) ?? 0;
  }

  /** Coins on their way to this address in waiting transactions. */
  pendingReceipts(address: string): number {
    let sum = 0;
    for (const e of this.byNorm.values()) if (e.tx.to === address) sum += e.tx.amount;
    return sum;
  }

  /** Waiting transactions in arrival order. */
  transactions(): SignedTransaction[] {
    return [...this.byNorm.values()].sort((a, b) => a.seq - b.seq).map((e) => e.tx);
  }

  has(norm: string): boolean {
    return this.byNorm.has(norm);
  }

  /** Whether a transaction with exactly this signature is waiting (as it was admitted). */
  holds(signature: string): boolean {
    for (const e of this.byNorm.values()) if (e.tx.signature === signature) return true;
    return false;
  }

  /**
   * Checks a transaction and admits it: every rule of a block's transaction,
   * plus: nothing from the mint, no replay of a waiting signature, the sender's
   * confirmed balance covers this and everything it already has waiting.
   */
  admit(value: unknown, ledger: LedgerView): Result<{ checked: CheckedTx; evicted: SignedTransaction | null }> {
    const r = checkTransaction(value, this.options);
    if (!r.ok) return r;
    const c = r.checked;
    if (isMintTransaction(c.tx)) return fail(Reason.MintInMempool, "a transaction from the mint address only belongs in a block, as its reward");
    const waiting = this.byNorm.get(c.norm);
    if (waiting !== undefined) {
      return waiting.fingerprint === c.fingerprint
        ? fail(Reason.TxReplay, "this signature is already waiting in the mempool")
        : fail(Reason.SignatureConflict, "this signature is already waiting in the mempool with other fields");
    }
    const refusal = refuseSpend(ledger, c, ledger.supply(), this.pendingSpend(c.tx.from));
    if (refusal !== null) return refusal;
    let evicted: SignedTransaction | null = null;
    if (this.byNorm.size >= this.maxTxs) {
      const lowest = this.lowestGas();
      if (lowest === undefined || lowest.tx.gas >= c.tx.gas) {
        return fail(Reason.MempoolFull, `the mempool holds ${this.maxTxs} transactions paying at least ${lowest?.tx.gas ?? 0} gas`);
      }
      this.remove(lowest);
      evicted = lowest.tx;
    }
    this.insert(c);
    return { ok: true, checked: c, evicted };
  }

  /** The entry to evict: the lowest gas, and among equals the newest. */
  private lowestGas(): PoolEntry | undefined {
    let lowest: PoolEntry | undefined;
    for (const e of this.byNorm.values()) {
      if (lowest === undefined || e.tx.gas < lowest.tx.gas || (e.tx.gas === lowest.tx.gas && e.seq > lowest.seq)) lowest = e;
    }
    return lowest;
  }

  private insert(c: CheckedTx): void {
    this.byNorm.set(c.norm, { ...c, seq: this.seq++, bytes: JSON.stringify(c.tx).length });
    this.pending.set(c.tx.from, this.pendingSpend(c.tx.from) + c.cost);
  }

  private remove(e: PoolEntry): void {
    this.byNorm.delete(e.norm);
    const left = this.pendingSpend(e.tx.from) - e.cost;
    if (left === 0) this.pending.delete(e.tx.from);
    else this.pending.set(e.tx.from, left);
  }

  /**
   * Brings the pool in line with a changed main chain: transactions of blocks
   * that left it come back first (in chain order), then those already waiting;
   * each is admitted again, so what the new chain includes or made unspendable
   * drops out. Returns what was dropped.
   */
  applyChange(change: Pick<ChainChange, "disconnected">, ledger: LedgerView): SignedTransaction[] {
    const displaced: CheckedTx[] = [];
    for (const entry of [...change.disconnected].reverse()) {
      for (const c of entry.txs) if (!isMintTransaction(c.tx)) displaced.push(c);
    }
    const candidates = [...displaced, ...[...this.byNorm.values()].sort((a, b) => a.seq - b.seq)];
    this.byNorm.clear();
    this.pending.clear();
    const dropped: SignedTransaction[] = [];
    for (const c of candidates) {
      if (this.byNorm.has(c.norm) || refuseSpend(ledger, c, ledger.supply(), this.pendingSpend(c.tx.from)) !== null || this.byNorm.size >= this.maxTxs) {
        dropped.push(c.tx);
        continue;
      }
      this.insert(c);
    }
    return dropped;
  }

  /**
   * Transactions for a block template: highest gas first, within a byte
   * budget, each covered by its sender's confirmed balance alone (never by
   * coins arriving in the same block), so that a seed node, which checks each
   * against the chain before the block, accepts the block too.
   */
  select(ledger: LedgerView, maxBytes: number = limits.templateMaxBytes): SignedTransaction[] {
    const ordered = [...this.byNorm.values()].sort((a, b) => b.tx.gas - a.tx.gas || a.seq - b.seq);
    const spent = new Map<string, number>();
    const chosen: SignedTransaction[] = [];
    let bytes = 0;
    for (const e of ordered) {
      const after = (spent.get(e.tx.from) ?? 0) + e.cost;
      if (bytes + e.bytes + 1 > maxBytes || after > ledger.balanceOf(e.tx.from)) continue;
      spent.set(e.tx.from, after);
      bytes += e.bytes + 1;
      chosen.push(e.tx);
    }
    return chosen;
  }
}
