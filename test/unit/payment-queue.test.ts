/**
 * The stored payment queue (src/worker/payment-queue.ts) on the in-memory
 * store, with a lock that serialises like the Web Lock does: tabs adding and
 * removing at once keep each other's entries; an entry is stored once; what
 * does not parse reads as nothing.
 */
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/node/store.ts";
import { PaymentQueue } from "../../src/worker/payment-queue.ts";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";
import { mutex } from "../support/mutex.ts";

const payment = (amount: number) => pay(GENESIS_HOLDER, newWallet().address, amount, 1);
const signatures = async (q: PaymentQueue) => (await q.read()).map((tx) => tx.signature).sort();

describe("the stored payment queue", () => {
  it("keeps every tab's entries when tabs add and remove at once", async () => {
    const store = new MemoryStore();
    const lock = mutex();
    const [a, b, c] = [new PaymentQueue(store, lock), new PaymentQueue(store, lock), new PaymentQueue(store, lock)];
    const sent = payment(1);
    await a.change([sent], []);
    const queued = [payment(2), payment(3), payment(4), payment(5)];
    await Promise.all([a.change([queued[0]!], []), b.change([queued[1]!], [sent]), c.change([queued[2]!], []), b.change([queued[3]!], [])]);
    expect(await signatures(a)).toEqual(queued.map((tx) => tx.signature).sort());
  });

  it("stores a payment once, and removes it by signature", async () => {
    const q = new PaymentQueue(new MemoryStore(), mutex());
    const tx = payment(7);
    await q.change([tx], []);
    await q.change([tx], []);
    expect(await q.read()).toEqual([tx]);
    await q.change([], [tx]);
    expect(await q.read()).toEqual([]);
  });

  it("reads storage that does not parse, or entries without a signature, as nothing", async () => {
    const store = new MemoryStore();
    const q = new PaymentQueue(store, mutex());
    const tx = payment(9);
    for (const [text, expected] of [["not json", []], ['{"a":1}', []], [JSON.stringify([null, 3, { to: "x" }, tx]), [tx]]] as const) {
      await store.putValue("outbox", text);
      expect(await q.read()).toEqual(expected);
    }
  });
});
