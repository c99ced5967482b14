/**
 * The nonce loop: find a nonce whose block hash starts with `difficulty` zero
 * hex characters. The preimage is prefix + nonce: the prefix's full blocks are
 * hashed once per job, and each try compresses only the tail, with the
 * nonce's digits advanced in place (preimage.ts). The loop itself runs in
 * WebAssembly SIMD, four nonces at a time (sha256-simd.wat), or in plain
 * JavaScript where SIMD is missing (js-kernel.ts). Both return the same first
 * valid nonce as hashing prefix + String(nonce) for each nonce in turn. It
 * runs in bounded slices so a caller can stop between them when a new block or
 * transaction arrives.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { searchSegmentJs } from "./js-kernel.ts";
import { fillSegment, hashNonce, newSegment, planPrefix, type PrefixPlan } from "./preimage.ts";
import { stateHex, zeroNibbles } from "./sha256-words.ts";
import { searchSegmentWasm, wasmSimdSupported } from "./wasm-kernel.ts";

export type NonceSearch = { readonly found: true; readonly nonce: number; readonly hash: string } | { readonly found: false; readonly next: number };

/** "wasm-simd": WebAssembly SIMD; "js": the plain JavaScript loop. */
export type MinerImplementation = "wasm-simd" | "js";

type SegmentSearch = typeof searchSegmentJs;
const kernels: Record<MinerImplementation, SegmentSearch> = { "wasm-simd": searchSegmentWasm, js: searchSegmentJs };

let preferred: MinerImplementation | null = null;

/** The implementation `searchNonce` uses here: WebAssembly SIMD where the engine has it. */
export function minerImplementation(): MinerImplementation {
  preferred ??= wasmSimdSupported() ? "wasm-simd" : "js";
  return preferred;
}

/** True when the first `d` hex characters of the digest are zero, read from the bytes (no hex string per try). */
export function meetsDifficulty(digest: Uint8Array, d: number): boolean {
  const whole = d >> 1;
  for (let i = 0; i < whole; i++) if (digest[i] !== 0) return false;
  return (d & 1) === 0 || (digest[whole]! & 0xf0) === 0;
}

/** Tries nonces start, start+1, ... for at most `count` tries. */
export function searchNonce(prefix: string, difficulty: number, start: number, count: number): NonceSearch {
  return searchNonceWith(minerImplementation(), prefix, difficulty, start, count);
}

// Slices of one job share its prefix: its midstate is computed once, not per slice.
let plan: PrefixPlan | null = null;
const segment = newSegment();
const digest = new Int32Array(8);

/** `searchNonce` with a chosen implementation (tests and the benchmark compare them). */
export function searchNonceWith(impl: MinerImplementation, prefix: string, difficulty: number, start: number, count: number): NonceSearch {
  const end = Math.min(start + count, Number.MAX_SAFE_INTEGER);
  if (!(start < end)) return { found: false, next: end };
  // The kernels write digits of non-negative integers; anything else keeps the one-hash-per-try loop.
  if (!Number.isSafeInteger(start) || start < 0) return searchEachNonce(prefix, difficulty, start, end);
  const kernel = kernels[impl];
  const p = planFor(prefix);
  const mask0 = firstWordMask(difficulty);
  for (let from = start; from < end; ) {
    fillSegment(p, from, end, segment);
    const hit = kernel(segment, mask0);
    if (hit < 0) {
      from += segment.count;
      continue;
    }
    const found = confirmHit(p, from + hit, difficulty);
    if (found !== null) return found;
    from += hit + 1;
  }
  return { found: false, next: end };
}

/** The prefix's plan, kept while successive calls (one job's slices) share the prefix. */
export function planFor(prefix: string): PrefixPlan {
  if (plan === null || plan.prefix !== prefix) plan = planPrefix(prefix);
  return plan;
}

/**
 * The bits of the first state word that must be zero for `difficulty`: the
 * kernels test only that word. meetsDifficulty reads the difficulty through
 * >> and &, i.e. as ToInt32; so does this.
 */
export function firstWordMask(difficulty: number): number {
  const d = difficulty | 0;
  return d <= 0 ? 0 : d >= 8 ? -1 : -1 << (32 - 4 * d);
}

/** A kernel's hit as a found nonce, or null when the difficulty asks more than 8 zeros and the other words fall short. */
export function confirmHit(p: PrefixPlan, nonce: number, difficulty: number): NonceSearch | null {
  const d = difficulty | 0;
  hashNonce(p, nonce, digest);
  return d <= 8 || zeroNibbles(digest) >= d ? { found: true, nonce, hash: stateHex(digest) } : null;
}

/** One full hash per try, for starts that are not non-negative safe integers. */
function searchEachNonce(prefix: string, difficulty: number, start: number, end: number): NonceSearch {
  const midstate = sha256.create().update(utf8ToBytes(prefix));
  for (let nonce = start; nonce < end; nonce++) {
    const hash = midstate.clone().update(utf8ToBytes(String(nonce))).digest();
    if (meetsDifficulty(hash, difficulty)) return { found: true, nonce, hash: bytesToHex(hash) };
  }
  return { found: false, next: end };
}
