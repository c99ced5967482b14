/**
 * The hostile scenario on fixed seeds: the attackers reach the honest nodes
 * and pay for it (their links cut, their blocks not kept), every invariant
 * holds for the honest nodes, every injected address is dialed within the
 * address book's bound; and a node that redials at will is caught by
 * hostile-dials-bounded. The bound itself is checked as a pure function.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ADDRESS_BOOK_BOUNDS } from "../../src/node/address-book.ts";
import type { HostileFigures } from "../../src/sim/hostile-scenario.ts";
import { hostileDialBound, hostileDialsBroken } from "../../src/sim/invariants.ts";
import { runSimulation, type SimOptions } from "../../src/sim/run.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const run = (o: Partial<SimOptions>) => runSimulation({ scenario: "hostile", seed: 1, nodes: 15, minutes: 30, trace: false, plant: null, ...o });

describe("hostileDialBound", () => {
  it("allows 4 dials per node told, and 4 more for each whole hour since it was told", () => {
    expect(DEFAULT_ADDRESS_BOOK_BOUNDS).toMatchObject({ maxFailures: 4, forgetMs: HOUR });
    const once = new Map([["n0", 0]]);
    expect(hostileDialBound(once, 0)).toBe(4);
    expect(hostileDialBound(once, HOUR - 1)).toBe(4);
    expect(hostileDialBound(once, HOUR)).toBe(8);
    expect(hostileDialBound(once, 3 * HOUR + 5)).toBe(16);
    // Each node told counts from its own time; one told later than `now` (a clock read early) still gets one cycle.
    expect(hostileDialBound(new Map([["n0", 0], ["n1", 30 * MINUTE]]), HOUR)).toBe(8 + 4);
    expect(hostileDialBound(new Map([["n0", 10]]), 0)).toBe(4);
    expect(hostileDialBound(new Map(), HOUR)).toBe(0);
  });

  it("names the first address dialed past its bound, and ignores addresses nobody was told of", () => {
    const told = new Map([
      ["ws://a", new Map([["n0", 0]])],
      ["ws://b", new Map([["n0", 0], ["n1", 0]])],
    ]);
    expect(hostileDialsBroken(new Map([["ws://a", 4], ["ws://b", 8], ["ws://honest", 500]]), told, MINUTE)).toBeNull();
    expect(hostileDialsBroken(new Map([["ws://a", 4], ["ws://b", 9]]), told, MINUTE)).toBe("ws://b dialed 9 times; 2 honest nodes were told of it, which allows 8");
    expect(hostileDialsBroken(new Map([["ws://a", 5]]), told, HOUR)).toBeNull();
  });
});

describe("the hostile scenario", () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: the attacks reach the nodes and cost them, every invariant holds, injected addresses within their dial bound`, async () => {
      const { report, failure } = await run({ seed });
      expect(failure?.detail ?? null).toBeNull();
      expect(report.checks["hostile-dials-bounded"]).toBe(30);
      expect(report.checks["converges"]).toBe(1);
      expect(report.checks["no-payment-lost"]).toBe(1);
      expect(report.checks["ledger-matches-chain"]).toBeGreaterThan(0);
      expect(report.checks["bounds-held"]).toBeGreaterThan(0);
      expect(report.payments.lost).toBe(0);

      const h = report.figures!["hostile"] as HostileFigures;
      const c = h.classes;
      // Every class ran and reached an honest node.
      for (const cls of ["junk-stream", "low-work-stream", "low-work-live", "future-stamp", "identity-claim", "idle-slots", "silent-names", "dead-gossip"]) {
        expect(c[cls]?.rounds, cls).toBeGreaterThan(0);
        expect(c[cls]?.links, cls).toBeGreaterThan(0);
      }
      // Junk streams: every link cut at once for misbehaving, by more than one node.
      expect(c["junk-stream"]!.cutWhy).toEqual({ "1008 misbehaving": c["junk-stream"]!.links });
      expect(c["junk-stream"]!.cutBy).toBeGreaterThan(1);
      // False identities: the liar's link cut, the peer it claimed to be neither unpaired nor banned.
      expect(c["identity-claim"]!.cutWhy).toEqual({ "1008 misbehaving": c["identity-claim"]!.links });
      expect(c["identity-claim"]!.effect).toMatchObject({ thirdPartyUnpaired: 0, thirdPartyBanned: 0 });
      // Low-work branches: never adopted, most blocks not kept, orphans within their bound.
      for (const cls of ["low-work-stream", "low-work-live"]) {
        expect(c[cls]!.effect["adopted"], cls).toBe(0);
        expect(c[cls]!.effect["blocksNotKept"], cls).toBeGreaterThan(c[cls]!.effect["blocksKept"]!);
        expect(c[cls]!.effect["peakOrphansHeld"], cls).toBeLessThanOrEqual(64);
      }
      // Idle links: evicted for each other, never an honest peer.
      expect(c["idle-slots"]!.cutWhy["1013 evicted for a newcomer"]).toBeGreaterThan(100);
      expect(c["idle-slots"]!.effect["honestInboundLeast"]).toBe(c["idle-slots"]!.effect["honestInboundBefore"]);
      // Stamps ahead: taken (they are valid), and the honest miners built on them at once.
      expect(h.futureStamps.onChain).toBeGreaterThan(0);
      expect(h.futureStamps.childrenWhileAhead).toBeGreaterThan(0);
      // Silent and dead addresses: dialed (so the bound was put to the test), within it; the silent ones took slots and gave them back.
      for (const kind of ["dead", "silent"] as const) {
        expect(h.injected[kind].dials, kind).toBeGreaterThan(0);
        expect(h.injected[kind].dials, kind).toBeLessThanOrEqual(h.injected[kind].bound);
      }
      expect(h.injected.silent.linksAccepted).toBe(h.injected.silent.dials);
      expect(c["silent-names"]!.effect["peakSlotsHeldBySilent"]).toBeGreaterThan(0);
      expect(c["silent-names"]!.effect["honestPairedLeast"]).toBeGreaterThan(0);
    });
  }

  it("a node that redials an address that fails, at once and for ever: hostile-dials-bounded", async () => {
    const { failure } = await run({ plant: "redial-storm" });
    expect(failure?.invariant).toBe("hostile-dials-bounded");
    expect(failure?.detail).toMatch(/^ws:\/\/(dead|silent)\d+\.sim:\d+ dialed \d+ times; \d+ honest nodes were told of it, which allows \d+$/);
  });

  // A finding, fixed (connections.ts checkPair): a link that claimed a silent server's address made the server a
  // proven peer, passed on to nodes never told of it and redialed every 2.5 minutes.
  it("claimed-proof: an address paired only by a dial-back to a claim is held to the dial bound", async () => {
    const { report, failure } = await run({ scenario: "claimed-proof", minutes: 15 });
    expect(failure?.detail ?? null).toBeNull();
    expect(report.checks["hostile-dials-bounded"]).toBeGreaterThan(0);
  });
});
