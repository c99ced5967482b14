/**
 * The simulator on fixed seeds: every scenario holds every invariant, a seed
 * gives the same run twice, and each invariant catches a node with a bug
 * planted to break it.
 */
import { describe, expect, it } from "vitest";
import { runSimulation, type SimOptions } from "../../src/sim/run.ts";

const run = (o: Partial<SimOptions>) => runSimulation({ scenario: "steady", seed: 1, nodes: 15, minutes: 30, trace: false, plant: null, ...o });

describe("the simulation", () => {
  it("gives the same run for the same seed, event for event, and another for another seed", async () => {
    const a = await run({ seed: 7, minutes: 15 });
    const b = await run({ seed: 7, minutes: 15 });
    const c = await run({ seed: 8, minutes: 15 });
    const { wallMs: _a, ...same } = a.report;
    const { wallMs: _b, ...again } = b.report;
    expect(again).toEqual(same);
    expect(c.report.digest).not.toBe(a.report.digest);
  });

  for (const scenario of ["steady", "partition-heal", "churn", "late-joiners"]) {
    it(`${scenario}: every invariant holds on seeds 1 and 2`, async () => {
      for (const seed of [1, 2]) {
        const { report, failure } = await run({ scenario, seed });
        expect(failure?.detail ?? null).toBeNull();
        expect(report.checks["converges"]).toBeGreaterThan(0);
        expect(report.checks["ledger-matches-chain"]).toBeGreaterThan(0);
        expect(report.checks["no-payment-lost"]).toBe(1);
        expect(report.checks["bounds-held"]).toBeGreaterThan(0);
        expect(report.payments.sent).toBeGreaterThan(0);
        expect(report.height).toBeGreaterThan(0);
        if (scenario === "partition-heal") expect(report.convergeAfterHealMs).toHaveLength(2);
      }
    });
  }
});

describe("each invariant catches a planted bug", () => {
  it("nodes that do not relay blocks: not on one tip", async () => {
    const { failure } = await run({ plant: "no-relay" });
    expect(failure?.invariant).toBe("converges");
  });

  it("a ledger that gains a coin no block gave: ledger-matches-chain", async () => {
    const { failure } = await run({ plant: "ledger" });
    expect(failure?.invariant).toBe("ledger-matches-chain");
  });

  it("nodes that keep payments to themselves: no-payment-lost", async () => {
    const { failure } = await run({ plant: "drop-tx" });
    expect(failure?.invariant).toBe("no-payment-lost");
  });

  it("a node that ignores its inbound cap, under a crowd of tabs: bounds-held", async () => {
    const { failure } = await run({ plant: "inbound-cap", nodes: 100, minutes: 10 });
    expect(failure?.invariant).toBe("bounds-held");
    expect(failure?.detail).toMatch(/inbound peers \d+ > 64/);
  });
});
