/**
 * Where each main-chain transaction is, by signature and by address, kept
 * incrementally from chain changes, so that history and look-ups never scan
 * the chain.
 */
import { txId, type TxLocator, type TxPlace } from "../app/queries.ts";
import type { BlockEntry, ChainChange } from "../core/chain.ts";

export type { TxPlace };

export class TxIndex implements TxLocator {
  private readonly bySignature = new Map<string, TxPlace>();
  /** Transaction id (queries.ts txId) to signature. */
  private readonly byId = new Map<string, string>();
  private readonly byAddress = new Map<string, Set<string>>();

  apply(change: Pick<ChainChange, "connected" | "disconnected">): void {
    for (const e of change.disconnected) this.each(e, (place, sig) => {
      this.bySignature.delete(sig);
      this.byId.delete(txId(place.tx));
      for (const a of [place.tx.from, place.tx.to]) this.byAddress.get(a)?.delete(sig);
    });
    for (const e of change.connected) this.each(e, (place, sig) => {
      this.bySignature.set(sig, place);
      this.byId.set(txId(place.tx), sig);
      for (const a of [place.tx.from, place.tx.to]) {
        const set = this.byAddress.get(a) ?? new Set<string>();
        set.add(sig);
        this.byAddress.set(a, set);
      }
    });
  }

  private each(e: BlockEntry, fn: (place: TxPlace, sig: string) => void): void {
    e.txs.forEach((c, i) => fn({ tx: c.tx, height: e.height, blockHash: e.block.hash, reward: i === 0 }, c.tx.signature));
  }

  /** By signature or by transaction id. */
  find(key: string): TxPlace | undefined {
    return this.bySignature.get(key) ?? this.bySignature.get(this.byId.get(key) ?? "");
  }

  /** An address's main-chain transactions, newest first. */
  ofAddress(address: string): TxPlace[] {
    const sigs = this.byAddress.get(address);
    if (sigs === undefined) return [];
    return [...sigs].map((s) => this.bySignature.get(s)!).sort((a, b) => b.height - a.height);
  }
}
