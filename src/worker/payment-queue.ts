/**
 * Payments made while no peer could hear them, stored for this browser's
 * tabs. JeChain peers do not exchange mempools when they link, so a payment
 * left only in a tab's mempool would never reach anyone: the queue is what a
 * reloaded (or another) tab sends once it can. Tabs share one list: each adds
 * what it queued and removes what it sent, under a Web Lock, so no tab writes
 * over another's entries.
 */
import type { SignedTransaction } from "../core/transaction.ts";
import type { NodeStore } from "../node/store.ts";
import { webLock, type Lock } from "../platform/web-lock.ts";

const KEY = "outbox";
const LOCK = "tabnode-outbox";

export class PaymentQueue {
  constructor(
    private readonly store: NodeStore,
    private readonly lock: Lock = webLock(LOCK),
  ) {}

  /**
   * What is stored: each entry an object with a signature, nothing more is
   * taken on trust (whoever sends one admits it to a mempool first, which
   * checks it in full). Storage that does not parse reads as empty.
   */
  async read(): Promise<SignedTransaction[]> {
    const saved = await this.store.getValue(KEY);
    let list: unknown;
    try {
      list = saved === undefined ? [] : JSON.parse(saved);
    } catch {
      return [];
    }
    const entries: unknown[] = Array.isArray(list) ? list : [];
    return entries.filter((e): e is SignedTransaction => typeof e === "object" && e !== null && typeof (e as { signature?: unknown }).signature === "string");
  }

  /** Adds `add` (once each, by signature) and removes `remove`, keeping what other tabs stored. */
  change(add: readonly SignedTransaction[], remove: readonly SignedTransaction[]): Promise<void> {
    const replaced = new Set([...add, ...remove].map((tx) => tx.signature));
    return this.lock(async () => {
      const kept = (await this.read()).filter((tx) => !replaced.has(tx.signature));
      await this.store.putValue(KEY, JSON.stringify([...kept, ...add]));
    });
  }
}
