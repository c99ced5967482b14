/**
 * The block preimage, prefix + decimal nonce, cut the way the miner hashes it.
 * The prefix's full 64-byte blocks are hashed once (the midstate). The rest
 * of the prefix, the nonce's digits and the padding form a tail of one or two
 * blocks. Nonces are searched in segments: runs of consecutive nonces whose
 * digit count and leading digits stay the same, so that only the last
 * `fastLen` digits change within a segment.
 *
 * When the tail has two blocks and two or more digits fall in the second
 * one, the first block is the same for the whole segment: it is hashed once
 * per segment here, and the search compresses one block per nonce instead of
 * two. With a single digit there, segments would be 10 nonces long and their
 * setup would cost more than it saves (4.4 M against 5.2 M hashes/s,
 * measured), so both blocks are searched and the changing digits straddle
 * them. Otherwise the changing digits lie in the first searched block, and a
 * second searched block, if any, holds only padding and the length.
 */
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { IV, expand, firstRounds, loadBlock, rounds } from "./sha256-words.ts";

/**
 * At most 10^4 nonces per segment: a segment's setup (a few microseconds) is
 * then under 1% of its search, and fewer changing digits leave more leading
 * message words, hence rounds, the same for the whole segment.
 */
const MAX_FAST_DIGITS = 4;

export interface PrefixPlan {
  readonly prefix: string;
  /** UTF-8 bytes of the whole prefix. */
  readonly byteLength: number;
  /** Hash state after the prefix's full blocks. */
  readonly midstate: Int32Array;
  /** The prefix's bytes after its last full block (0 to 63 of them). */
  readonly rest: Uint8Array;
}

export interface Segment {
  /** Nonces in this segment, from the one whose digits are in `words`. */
  count: number;
  /** Blocks to compress per nonce: 1 or 2. */
  blocks: number;
  /** Byte index just after the nonce's last digit, counted from the first searched block. */
  digitEnd: number;
  /** How many of the last digits change within the segment (the others are fixed). */
  fastLen: number;
  /** Hash state before the searched blocks. */
  readonly state: Int32Array;
  /**
   * The first round whose message word holds a changing digit: rounds before
   * it are the same for every nonce and run once per segment (on a 5,100-byte
   * prefix, 11 rounds: 10.8 M against 9.4 M hashes/s in WebAssembly, measured).
   */
  firstRound: number;
  /** The working variables after those rounds of block 0, computed once per segment. */
  readonly roundState: Int32Array;
  /** The searched blocks' message words (16 per block), with the first nonce's digits. */
  readonly words: Int32Array;
}

export function newSegment(): Segment {
  return { count: 0, blocks: 1, digitEnd: 0, fastLen: 1, state: new Int32Array(8), firstRound: 0, roundState: new Int32Array(8), words: new Int32Array(32) };
}

export function planPrefix(prefix: string): PrefixPlan {
  const bytes = utf8ToBytes(prefix);
  const full = bytes.length - (bytes.length % 64);
  const midstate = IV.slice();
  const w = new Int32Array(64);
  for (let at = 0; at < full; at += 64) {
    loadBlock(bytes, at, w, 0);
    expand(w, 0);
    rounds(midstate, w, 0, midstate);
  }
  return { prefix, byteLength: bytes.length, midstate, rest: bytes.slice(full) };
}

/** How the tail of `rest` prefix bytes and `digits` nonce digits is searched (see the file's comment). */
export interface TailLayout {
  /** Blocks the tail spans, padding and length included: 1 or 2. */
  readonly blocks: number;
  /** Blocks compressed per nonce: 1 when the first of two blocks holds no changing digit. */
  readonly searched: number;
  /** How many of the last digits change within a segment (a segment is 10^fastLen nonces at most). */
  readonly fastLen: number;
  /** Byte index just after the last digit, counted from the first searched block. */
  readonly digitEnd: number;
}

export function tailLayout(rest: number, digits: number): TailLayout {
  const end = rest + digits;
  const blocks = end + 9 <= 64 ? 1 : 2;
  const inSecond = end - 64;
  if (blocks === 2 && inSecond >= 2) return { blocks, searched: 1, fastLen: Math.min(inSecond, MAX_FAST_DIGITS), digitEnd: inSecond };
  return { blocks, searched: blocks, fastLen: Math.min(digits, MAX_FAST_DIGITS), digitEnd: end };
}

/** One compression per nonce, with segments of at least 100 nonces (shorter ones cost more to set up than they save). */
export const costsOneCompression = (layout: TailLayout): boolean => layout.searched === 1 && layout.fastLen >= 2;

const tail = new Uint8Array(128);
const schedule = new Int32Array(64);

/** Writes the tail (rest of prefix, digits, padding, length) for `digits`; returns its layout. */
function fillTail(plan: PrefixPlan, digits: string): TailLayout {
  const r = plan.rest.length;
  const end = r + digits.length;
  const layout = tailLayout(r, digits.length);
  tail.fill(0);
  tail.set(plan.rest);
  for (let i = 0; i < digits.length; i++) tail[r + i] = digits.charCodeAt(i);
  tail[end] = 0x80;
  const bits = (plan.byteLength + digits.length) * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  const at = layout.blocks * 64 - 8;
  for (let i = 0; i < 4; i++) {
    tail[at + i] = hi >>> (24 - 8 * i);
    tail[at + 4 + i] = lo >>> (24 - 8 * i);
  }
  return layout;
}

function compressInto(state: Int32Array, from: Int32Array, at: number): void {
  loadBlock(tail, at, schedule, 0);
  expand(schedule, 0);
  rounds(from, schedule, 0, state);
}

/**
 * Sets `seg` up for nonces from `from` (a safe integer >= 0) up to `end`
 * (exclusive) or the end of the segment, whichever comes first.
 */
export function fillSegment(plan: PrefixPlan, from: number, end: number, seg: Segment): void {
  const layout = fillTail(plan, String(from));
  const fast = layout.fastLen;
  if (layout.searched < layout.blocks) {
    compressInto(seg.state, plan.midstate, 0);
    loadBlock(tail, 64, seg.words, 0);
  } else {
    seg.state.set(plan.midstate);
    loadBlock(tail, 0, seg.words, 0);
    if (layout.blocks === 2) loadBlock(tail, 64, seg.words, 16);
  }
  seg.blocks = layout.searched;
  seg.digitEnd = layout.digitEnd;
  // The aligned run of 10^fast nonces that holds `from` ends at or before the
  // next power of ten, since 10^fast divides it: the digit count cannot grow
  // within a segment.
  const span = 10 ** fast;
  const limit = Math.min(from - (from % span) + span, end);
  seg.fastLen = fast;
  seg.firstRound = (seg.digitEnd - fast) >> 2;
  firstRounds(seg.state, seg.words, 0, seg.firstRound, seg.roundState);
  seg.count = Math.ceil(limit) - from;
}

/**
 * The whole tail's message words for the nonce `digits` (16 per block, 32
 * with the second block zeroed when there is one block), from the prefix's
 * midstate; returns the number of blocks (the GPU kernel's input).
 */
export function tailWords(plan: PrefixPlan, digits: string, words: Int32Array): number {
  const { blocks } = fillTail(plan, digits);
  loadBlock(tail, 0, words, 0);
  if (blocks === 2) loadBlock(tail, 64, words, 16);
  else words.fill(0, 16, 32);
  return blocks;
}

/** The full hash state of prefix + nonce (the digest's eight words). */
export function hashNonce(plan: PrefixPlan, nonce: number, out: Int32Array): void {
  const { blocks } = fillTail(plan, String(nonce));
  compressInto(out, plan.midstate, 0);
  if (blocks === 2) compressInto(out, out, 64);
}
