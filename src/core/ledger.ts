/**
 * Balances and spent signatures of the main chain, kept incrementally. A block
 * applies transaction by transaction, in order, and is undone exactly by the
 * record its application returns. No lookup scans the chain.
 */
import { params } from "./params.ts";
import { Reason, fail, type Failure, type Result } from "./reasons.ts";
import { isMintTransaction, type CheckedTx } from "./transaction.ts";

export interface BlockUndo {
  /** Balance changes made, to subtract again. */
  readonly deltas: ReadonlyMap<string, number>;
  /** Replay keys added. */
  readonly norms: readonly string[];
}

export interface LedgerView {
  readonly height: number;
  balanceOf(address: string): number;
  /** The fingerprint of the transaction that already used this replay key, if any. */
  spentSignature(norm: string): string | undefined;
  /** Coins in existence: the genesis release plus every block reward so far. */
  supply(): number;
}

export class Ledger implements LedgerView {
  private readonly balances = new Map<string, number>();
  private readonly spent = new Map<string, string>();
  height = 0;

  constructor() {
    this.credit(params.mintAddress, -params.initialCoinRelease);
    this.credit(params.genesisHolderAddress, params.initialCoinRelease);
  }

  balanceOf(address: string): number {
    return this.balances.get(address) ?? 0;
  }

  spentSignature(norm: string): string | undefined {
    return this.spent.get(norm);
  }

  supply(): number {
    return params.initialCoinRelease + params.reward * this.height;
  }

  /** The whole state as sorted plain data: for exact comparisons and for storage. */
  snapshot(): { height: number; balances: [string, number][]; spent: [string, string][] } {
    const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : 1);
    return { height: this.height, balances: [...this.balances].sort(byKey), spent: [...this.spent].sort(byKey) };
  }

  private credit(address: string, delta: number): void {
    const next = (this.balances.get(address) ?? 0) + delta;
    if (next === 0) this.balances.delete(address);
    else this.balances.set(address, next);
  }

  /**
   * Applies a block's checked transactions in order. All or nothing: on the
   * first failure everything this call changed is reverted and the reason of
   * that transaction comes back with its index.
   */
  applyBlock(txs: readonly CheckedTx[]): Result<{ undo: BlockUndo }> {
    const deltas = new Map<string, number>();
    const norms: string[] = [];
    const move = (address: string, delta: number) => {
      this.credit(address, delta);
      deltas.set(address, (deltas.get(address) ?? 0) + delta);
    };
    const supply = this.supply() + params.reward;
    for (let i = 0; i < txs.length; i++) {
      const c = txs[i]!;
      const refusal = refuseSpend(this, c, supply, 0);
      if (refusal !== null) {
        this.revert({ deltas, norms });
        return fail(refusal.reason, `tx #${i}: ${refusal.detail}`);
      }
      if (!isMintTransaction(c.tx)) {
        this.spent.set(c.norm, c.fingerprint);
        norms.push(c.norm);
      }
      move(c.tx.from, -c.cost);
      move(c.tx.to, c.tx.amount);
    }
    this.height++;
    return { ok: true, undo: { deltas, norms } };
  }

  undoBlock(undo: BlockUndo): void {
    this.revert(undo);
    this.height--;
  }

  private revert(undo: BlockUndo): void {
    for (const [address, delta] of undo.deltas) this.credit(address, -delta);
    for (const norm of undo.norms) this.spent.delete(norm);
  }
}

/**
 * Why a transaction cannot be spent against this state, with `pending` already
 * promised by the sender elsewhere (the mempool), or null when it can. The
 * mint is exempt from balance and replay (a reward is bound to its block).
 */
export function refuseSpend(ledger: LedgerView, c: CheckedTx, supply: number, pending: number): Failure | null {
  if (c.cost > supply) return fail(Reason.AmountExceedsSupply, `moves ${c.cost}, more than the ${supply} coins in existence`);
  if (isMintTransaction(c.tx)) return null;
  const known = ledger.spentSignature(c.norm);
  if (known !== undefined) {
    return known === c.fingerprint
      ? fail(Reason.TxReplay, "this signature is already in the chain")
      : fail(Reason.SignatureConflict, "this signature is already in the chain with other fields");
  }
  const available = ledger.balanceOf(c.tx.from) - pending;
  if (available < c.cost) return fail(Reason.BalanceInsufficient, `needs ${c.cost}, ${available} available`);
  return null;
}
