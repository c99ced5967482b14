import { describe, expect, it } from "vitest";
import { Chain } from "../../src/core/chain.ts";
import { buildLongChain } from "../support/long-chain.ts";

describe("a 1,000-block chain", () => {
  const long = buildLongChain(1000);
  // Each block is re-parsed from its wire text, as a receiving node sees it.
  const wire = long.blocks.map((b) => JSON.parse(JSON.stringify(b)) as unknown);

  it("validates from genesis block by block, with the announced difficulties, to the same state", () => {
    const fresh = new Chain();
    for (let i = 0; i < wire.length; i++) {
      const r = fresh.addBlock(wire[i], long.announced[i]!, long.now);
      if (!r.ok) throw new Error(`block ${i + 1}: ${r.reason}: ${r.detail}`);
    }
    expect(fresh.height).toBe(1000);
    expect(fresh.tip().block.hash).toBe(long.chain.tip().block.hash);
    expect(fresh.tip().work).toBe(long.chain.tip().work);
    expect(fresh.ledger.snapshot()).toEqual(long.chain.ledger.snapshot());
    for (let h = 1; h <= 1000; h++) expect(fresh.at(h)!.difficulty).toBe(long.chain.at(h)!.difficulty);
  });

  it("validates as one stream without announcements, resolving the difficulty in force at every height", () => {
    const fresh = new Chain();
    const r = fresh.addBranch(wire, wire.map(() => null), long.now);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
    expect(r.connected).toHaveLength(1000);
    expect(fresh.tip().block.hash).toBe(long.chain.tip().block.hash);
    expect(fresh.ledger.snapshot()).toEqual(long.chain.ledger.snapshot());
    // Resolution picks the highest sequence the hashes allow: never less work than was announced.
    expect(fresh.tip().work >= long.chain.tip().work).toBe(true);
    for (let h = 1; h <= 1000; h++) {
      const d = fresh.at(h)!.difficulty;
      expect(d).toBeGreaterThanOrEqual(1);
      expect(Math.abs(d - fresh.at(h - 1)!.difficulty) === 1 || h === 1).toBe(true);
    }
  });

  it("rejects the stream when one block deep inside is altered", () => {
    const altered = [...wire];
    const victim = structuredClone(altered[600]) as { data: { amount: number }[] };
    victim.data[1]!.amount += 1;
    altered[600] = victim;
    const r = new Chain().addBranch(altered, altered.map(() => null), long.now);
    expect(r).toMatchObject({ ok: false });
  });
});
