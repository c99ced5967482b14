import { describe, expect, it } from "vitest";
import { newsBetween } from "../../src/ui/components/Accessibility.tsx";
import { countOf, formatDateTime, nounFor, txState } from "../../src/ui/format.ts";

const state = (height: number, confirmed: number, pending = 0, syncing = false, tip = height === 0 ? "" : `tip${height}`) => ({
  chain: { height, tip, difficulty: 1, work: "0", blocks: [] },
  balance: { confirmed, pending, spendable: confirmed },
  sync: { syncing, received: 0 },
});

describe("plurals and dates", () => {
  it("one coin, many coins, no coins", () => {
    expect([0, 1, 2].map((n) => countOf(n, "coin"))).toEqual(["0 coins", "1 coin", "2 coins"]);
    expect(nounFor(1, "coin")).toBe("coin");
    expect(txState(3, 1)).toBe("1 confirmation");
    expect(txState(3, 2)).toBe("2 confirmations");
  });
  it("a full local date and time", () => {
    const d = new Date(2026, 10, 6, 9, 5, 3);
    expect(formatDateTime(d.getTime())).toBe("2026-11-06 09:05:03");
  });
});

describe("what the live region announces", () => {
  it("a new block, received coins, an incoming payment", () => {
    expect(newsBetween(state(4, 0), state(5, 0))).toBe("New block 5.");
    expect(newsBetween(state(4, 0), state(7, 0))).toBe("3 new blocks, height 7.");
    expect(newsBetween(state(4, 0), state(5, 297))).toBe("New block 5. Received 297 coins: balance 297 coins.");
    expect(newsBetween(state(5, 297), state(5, 297, 1))).toBe("Incoming payment of 1 coin, pending.");
  });
  it("nothing for the stored chain loading, a catch-up in progress, spending, or no change", () => {
    expect(newsBetween({ ...state(0, 0), chain: { ...state(0, 0).chain, tip: "" } }, state(40, 0))).toBeNull();
    expect(newsBetween(state(4, 0), state(9, 0, 0, true))).toBeNull();
    expect(newsBetween(state(4, 100), state(4, 90))).toBeNull();
    expect(newsBetween(state(4, 100), state(4, 100))).toBeNull();
  });
});
