/**
 * The miner finds exactly what hashing prefix + String(nonce) with node:crypto
 * finds, nonce after nonce: the same first valid nonce, hash and `next`, for
 * both implementations (WebAssembly SIMD and the JavaScript loop), over
 * random prefixes, every tail layout (prefix lengths around 55, 56, 63 and
 * 64 mod 64, one- and two-block tails), nonces whose digit count grows, and
 * difficulties 0 to 6.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { minerImplementation, searchNonce, searchNonceWith, type MinerImplementation } from "../../src/miner/nonce-loop.ts";
import { wasmSimdSupported } from "../../src/miner/wasm-kernel.ts";
import { asciiPrefix, referenceSearch } from "../support/miner-reference.ts";

const IMPLS: readonly MinerImplementation[] = ["wasm-simd", "js"];

/** Nonces where the digit count grows: 10, 100, ..., 10^15. */
const GROWTH = Array.from({ length: 15 }, (_, i) => 10 ** (i + 1));

/**
 * Prefix byte lengths covering every tail layout: all of 0..140 (digits ending
 * in block one or two, the padding or the length spilling into a second
 * block), then 55, 56, 63 and 64 mod 64 on a 5 KB prefix (an 11-transaction block).
 */
const LAYOUT_LENGTHS = [...Array.from({ length: 141 }, (_, i) => i), 5111, 5112, 5119, 5120, 5116, 5100];

describe("the miner runs WebAssembly SIMD here", () => {
  it("Node has WebAssembly SIMD, and searchNonce uses it", () => {
    expect(wasmSimdSupported()).toBe(true);
    expect(minerImplementation()).toBe("wasm-simd");
  });
});

describe.each(IMPLS)("%s: same first valid nonce as node:crypto", (impl) => {
  const check = (prefix: string, d: number, start: number, count: number) =>
    expect(searchNonceWith(impl, prefix, d, start, count), `${prefix.length} bytes, d=${d}, start=${start}, count=${count}`).toEqual(
      referenceSearch(prefix, d, start, count),
    );

  it("every tail layout, across each growth of the digit count", () => {
    for (const length of LAYOUT_LENGTHS) {
      const prefix = asciiPrefix(length, length);
      // Starts 9 before to 2 after the growth put the crossing in every lane of a group of four.
      for (const growth of GROWTH) {
        for (let start = growth - 9; start <= growth + 2; start += length < 141 ? 3 : 1) {
          check(prefix, 1, start, 40);
          check(prefix, 2, start, 5);
        }
      }
    }
  });

  it("searches that run through a digit-count growth without a hit (count covers it, difficulty too high)", () => {
    for (const length of [0, 50, 55, 56, 60, 63, 64, 119, 5116]) {
      const prefix = asciiPrefix(length, 7);
      for (const growth of GROWTH.slice(0, 6)) check(prefix, 3, growth - 7, 14);
    }
  });

  it("nonces near 2^53: the search ends at Number.MAX_SAFE_INTEGER", () => {
    const prefix = asciiPrefix(100, 9);
    check(prefix, 1, Number.MAX_SAFE_INTEGER - 40, 100);
    check(prefix, 9, Number.MAX_SAFE_INTEGER - 40, 100);
    expect(searchNonceWith(impl, prefix, 0, Number.MAX_SAFE_INTEGER, 5)).toEqual({ found: false, next: Number.MAX_SAFE_INTEGER });
  });

  it("random prefixes (any Unicode), starts and difficulties 0 to 3", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 300 }),
        fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 1e15 }), fc.constantFrom(...GROWTH.map((g) => g - 3))),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3000 }),
        (prefix, start, d, count) => {
          expect(searchNonceWith(impl, prefix, d, start, count)).toEqual(referenceSearch(prefix, d, start, count));
        },
      ),
      { seed: 20_240_606, numRuns: 300 },
    );
  });

  it("difficulty 0 to 4 from nonce 0, on several tail layouts", () => {
    for (const length of [0, 55, 56, 63, 64, 119, 5116]) {
      const prefix = asciiPrefix(length, 11);
      for (let d = 0; d <= 4; d++) check(prefix, d, 0, 1_000_000);
    }
  });

  // Windows that end past a known hit at difficulty 5 (odd: half a byte) and 6 (even: whole bytes), found once with this miner.
  it.each([
    { length: 55, seed: 1, d: 5, hit: 7005 },
    { length: 64, seed: 2, d: 5, hit: 772_523 },
    { length: 5116, seed: 3, d: 5, hit: 1_522_097 },
    { length: 119, seed: 4, d: 5, hit: 1_944_624 },
    { length: 55, seed: 1, d: 6, hit: 19_523_991 },
    { length: 64, seed: 2, d: 6, hit: 16_265_391 },
    { length: 5116, seed: 3, d: 6, hit: 1_740_621 },
    { length: 119, seed: 4, d: 6, hit: 9_565_642 },
  ])("difficulty $d, $length-byte prefix: the hit at $hit", ({ length, seed, d, hit }) => {
    const prefix = asciiPrefix(length, seed);
    const start = Math.max(0, hit - 60_000);
    const want = referenceSearch(prefix, d, start, 70_000);
    expect(want).toMatchObject({ found: true, nonce: hit });
    expect(searchNonceWith(impl, prefix, d, start, 70_000)).toEqual(want);
    // One short of the hit: nothing, and the search resumes where it stopped.
    expect(searchNonceWith(impl, prefix, d, start, hit - start)).toEqual({ found: false, next: hit });
  });

  it("difficulties beyond the first state word (9, 16, 64, 65) find nothing where node:crypto finds nothing", () => {
    const prefix = asciiPrefix(80, 13);
    for (const d of [8, 9, 16, 64, 65]) check(prefix, d, 0, 20_000);
  });

  it("edge arguments behave as the one-hash-per-try loop did", () => {
    const prefix = asciiPrefix(70, 17);
    expect(searchNonceWith(impl, prefix, 1, 5, 0)).toEqual({ found: false, next: 5 });
    expect(searchNonceWith(impl, prefix, 1, 5, -3)).toEqual({ found: false, next: 2 });
    // A negative difficulty, like 0, accepts the first nonce.
    expect(searchNonceWith(impl, prefix, -2, 12, 10)).toEqual(referenceSearch(prefix, 0, 12, 10));
    // A fractional count tries every nonce below start + count, and `next` is that bound.
    for (let start = 0; start < 300; start += 3) {
      const within = referenceSearch(prefix, 2, start, 3);
      expect(searchNonceWith(impl, prefix, 2, start, 2.5)).toEqual(within.found ? within : { found: false, next: start + 2.5 });
    }
  });
});

describe("searchNonce", () => {
  it("slices resume where the last stopped and find what one long search finds", () => {
    const prefix = asciiPrefix(5116, 21);
    const whole = searchNonce(prefix, 4, 0, 10_000_000);
    let next = 0;
    for (;;) {
      const r = searchNonce(prefix, 4, next, 7_777);
      if (r.found) {
        expect(r).toEqual(whole);
        break;
      }
      expect(r.next).toBe(next + 7_777);
      next = r.next;
    }
  });

  // The WebAssembly kernel keeps its digit tables while the layout (digit end, changing digits) stays: searches
  // that move backwards and forwards within one layout, and alternate between layouts, must not read stale entries.
  it("searches that reuse, extend and replace the digit tables find what node:crypto finds", () => {
    const a = asciiPrefix(5116, 41);
    const b = asciiPrefix(5117, 42);
    for (const start of [1_005_000, 1_004_990, 1_000_000, 1_009_990, 1_005_000, 2_000_003, 1_004_000]) {
      for (const prefix of [a, b, a]) expect(searchNonce(prefix, 2, start, 600)).toEqual(referenceSearch(prefix, 2, start, 600));
    }
  });

  it("switching prefixes between calls (two jobs in turn) keeps each one's answer", () => {
    const a = asciiPrefix(300, 31);
    const b = asciiPrefix(301, 32);
    for (let start = 0; start < 400; start += 50) {
      expect(searchNonce(a, 2, start, 50)).toEqual(referenceSearch(a, 2, start, 50));
      expect(searchNonce(b, 2, start, 50)).toEqual(referenceSearch(b, 2, start, 50));
    }
  });
});
