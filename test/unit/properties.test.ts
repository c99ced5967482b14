/** Random changes to a valid block or transaction are rejected, with a reason code, and never throw. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS } from "../../src/core/genesis.ts";
import { Ledger } from "../../src/core/ledger.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { Reason } from "../../src/core/reasons.ts";
import { checkTransaction } from "../../src/core/transaction.ts";
import { GENESIS_HOLDER, T0, forge, newWallet, pay, reward } from "../support/chain-builder.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const codes = new Set<string>(Object.values(Reason));

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation =
  | { kind: "replace"; value: Json }
  | { kind: "delete" }
  | { kind: "add-key"; key: string; value: Json }
  | { kind: "edit-char"; at: number; char: string }
  | { kind: "nudge"; by: number }
  | { kind: "reorder" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), value: fc.jsonValue() as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant("delete" as const) }),
  fc.record({ kind: fc.constant("add-key" as const), key: fc.string({ maxLength: 8 }), value: fc.jsonValue() as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant("edit-char" as const), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant("nudge" as const), by: fc.integer({ min: -3, max: 3 }).filter((n) => n !== 0) }),
  fc.record({ kind: fc.constant("reorder" as const) }),
);

/** Applies one mutation at one path of a deep copy. */
function mutate(original: Json, path: Path, m: Mutation): Json {
  const root = structuredClone(original);
  const wrapper: { [k: string]: Json } = { root };
  let parent: Json = wrapper;
  let key: string | number = "root";
  for (const step of path) {
    parent = (parent as Record<string | number, Json>)[key]!;
    key = step;
  }
  const holder = parent as Record<string | number, Json>;
  const target = holder[key]!;
  switch (m.kind) {
    case "replace":
      holder[key] = m.value;
      break;
    case "delete":
      if (Array.isArray(holder)) holder.splice(key as number, 1);
      else delete holder[key];
      break;
    case "add-key":
      if (target !== null && typeof target === "object" && !Array.isArray(target)) (target as Record<string, Json>)[m.key] = m.value;
      else holder[key] = { [m.key]: m.value };
      break;
    case "edit-char":
      holder[key] = typeof target === "string" && target.length > 0 ? target.slice(0, m.at % target.length) + m.char + target.slice((m.at % target.length) + 1) : m.char;
      break;
    case "nudge":
      holder[key] = typeof target === "number" ? target + m.by : m.by;
      break;
    case "reorder":
      if (Array.isArray(target)) holder[key] = [...target].reverse();
      else if (target !== null && typeof target === "object") holder[key] = Object.fromEntries(Object.entries(target).reverse());
      else holder[key] = [target];
      break;
  }
  return wrapper.root!;
}

const miner = newWallet();
const payments = [pay(GENESIS_HOLDER, newWallet().address, 200, 10), pay(GENESIS_HOLDER, newWallet().address, 5, 0)];
const block = forge(GENESIS.hash, String(T0), [reward(miner.address, 307), ...payments], 1) as unknown as Json;
const tx = payments[0] as unknown as Json;
const now = T0 + 60_000;

function isRejection(r: { ok: boolean; reason?: string }): boolean {
  return r.ok === false && typeof r.reason === "string" && codes.has(r.reason);
}

describe("properties", () => {
  it("the unmutated block and transaction are valid (the properties below test something)", () => {
    expect(new Chain().addBlock(block, 2, now)).toMatchObject({ ok: true, status: "extended" });
    expect(checkTransaction(tx).ok).toBe(true);
  });

  it("any change to a valid block is rejected with a reason and never throws", () => {
    const blockPaths = paths(block);
    fc.assert(
      fc.property(fc.nat({ max: blockPaths.length - 1 }), mutation, (i, m) => {
        const changed = mutate(block, blockPaths[i]!, m);
        fc.pre(JSON.stringify(changed) !== JSON.stringify(block));
        const chain = new Chain();
        let r: { ok: boolean; reason?: string };
        expect(() => (r = chain.addBlock(changed, 2, now))).not.toThrow();
        expect(isRejection(r!)).toBe(true);
        expect(chain.height).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it("any change to a valid transaction is rejected with a reason and never throws", () => {
    const txPaths = paths(tx);
    fc.assert(
      fc.property(fc.nat({ max: txPaths.length - 1 }), mutation, (i, m) => {
        const changed = mutate(tx, txPaths[i]!, m);
        fc.pre(JSON.stringify(changed) !== JSON.stringify(tx));
        const pool = new Mempool();
        let r: { ok: boolean; reason?: string };
        expect(() => (r = pool.admit(changed, new Ledger()))).not.toThrow();
        expect(isRejection(r!)).toBe(true);
        expect(pool.size).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it("arbitrary JSON is never a block or a transaction, and never throws", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isRejection(new Chain().addBlock(value, 2, now))).toBe(true);
        expect(isRejection(checkTransaction(value))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a signed payment survives its wire form: JSON round trip keeps its text, its validity and its replay key", () => {
    const to = newWallet().address;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_990 }), fc.integer({ min: 0, max: 9 }), (amount, gas) => {
        const signed = pay(GENESIS_HOLDER, to, amount, gas);
        const back = JSON.parse(JSON.stringify(signed));
        expect(JSON.stringify(back)).toBe(JSON.stringify(signed));
        const a = checkTransaction(signed);
        const b = checkTransaction(back);
        expect(a.ok && b.ok && a.checked.norm === b.checked.norm).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
