/**
 * The plain JavaScript nonce loop, for where WebAssembly SIMD is missing: one
 * nonce at a time over a segment (see preimage.ts), the digits advanced in
 * place in the message words, the difficulty tested on the first state word.
 */
import type { Segment } from "./preimage.ts";
import { compressFrom, expand, rounds } from "./sha256-words.ts";

const w = new Int32Array(128);
const mid = new Int32Array(8);
const out = new Int32Array(8);

/**
 * Adds 1 to the decimal number whose last digit is byte `digitEnd - 1` of the
 * blocks in `w` (block b's words at w[64b ..]), carrying through at most
 * `fastLen` digits.
 */
function nextNonce(digitEnd: number, fastLen: number): void {
  for (let q = digitEnd - 1; q >= digitEnd - fastLen; q--) {
    const i = ((q >> 6) << 6) | ((q >> 2) & 15);
    const shift = (3 - (q & 3)) << 3;
    if (((w[i]! >>> shift) & 0xff) !== 0x39) {
      w[i] = (w[i]! + (1 << shift)) | 0;
      return;
    }
    // '9' becomes '0' and the carry moves one digit left.
    w[i] = (w[i]! - (9 << shift)) | 0;
  }
}

/** Index in the segment of the first nonce whose first state word has no bit of `mask0` set, or -1. */
export function searchSegmentJs(seg: Segment, mask0: number): number {
  w.set(seg.words.subarray(0, 16), 0);
  // The second block mostly holds padding and length only: then its schedule serves the whole segment.
  const vary1 = seg.digitEnd > 64;
  if (seg.blocks === 2) {
    w.set(seg.words.subarray(16, 32), 64);
    expand(w, 64);
  }
  const { state, roundState, firstRound } = seg;
  for (let i = 0; i < seg.count; i++) {
    expand(w, 0);
    if (seg.blocks === 1) compressFrom(state, roundState, firstRound, w, 0, out);
    else {
      compressFrom(state, roundState, firstRound, w, 0, mid);
      if (vary1) expand(w, 64);
      rounds(mid, w, 64, out);
    }
    if ((out[0]! & mask0) === 0) return i;
    nextNonce(seg.digitEnd, seg.fastLen);
  }
  return -1;
}
