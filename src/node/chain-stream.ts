/**
 * Chain streams (TYPE_SEND_CHAIN), one per link, bounded. The article's nodes
 * set `finished` on the last block; v0.2.0 nodes never do, so a stream also
 * ends after a quiet period (or when a new one starts on the same link).
 *
 * Every block is checked as it arrives: shape, timestamp form and hash
 * (checkBlockHeader), and that it links to the block before, or, for the first
 * block this node does not hold, to a block it does. Anything else is junk:
 * the stream is refused and the peer is cut (`junk`).
 *
 * A stream is only worth validating once it can beat the tip. The most work
 * a block can carry is 16^(its hash's leading zeros), so until the held
 * blocks' sum of that, on top of the block they build on, exceeds the tip's
 * work, the stream is "light": nothing is verified or validated, so a cheap
 * low-work branch costs hash checks and bounded memory, never signature
 * checks (faking that bound costs as many hashes as the work it claims).
 * Once it can, its signatures go to the verification threads as blocks
 * arrive, and it is validated in chunks, in order; a chunk the chain finds
 * too light after all is held until more arrives.
 *
 * What streams hold unvalidated is bounded in blocks and bytes:
 * - a light stream holds at most one chunk, and light streams together a
 *   quarter of the total; past either it is let go at once (a branch that
 *   needs more than that to beat the tip is not followed), so light streams
 *   can never crowd out one that can win;
 * - a stream that can win holds up to its bound, and all streams together up
 *   to theirs. Past the bound a link that can pause (the native node's
 *   sockets) stops being read until validation catches up, so the sender's
 *   buffers fill, not ours; past twice the bound the rest of the stream is
 *   dropped (`overflowed`) and the node may ask again once it has taken
 *   what it holds.
 */
import type { CheckedHeader } from "../core/validate.ts";
import { checkBlockHeader } from "../core/validate.ts";
import { Reason, type Reason as ReasonCode } from "../core/reasons.ts";
import type { Peer } from "./peers.ts";
import type { StreamVerifier } from "./verify-pool.ts";

export interface StreamBounds {
  /** Blocks validated at a time. */
  readonly chunkBlocks: number;
  readonly chunkBytes: number;
  /** One stream's unvalidated blocks: past these, its link is paused; past twice these, the rest is dropped. */
  readonly streamBlocks: number;
  readonly streamBytes: number;
  /** All streams' unvalidated blocks together, likewise. */
  readonly totalBlocks: number;
  readonly totalBytes: number;
  /** All light streams together (each holds at most one chunk). */
  readonly lightTotalBlocks: number;
  readonly lightTotalBytes: number;
  /** A stream that never sets `finished` (v0.2.0) ends after this much quiet. */
  readonly quietMs: number;
}

export const DEFAULT_STREAM_BOUNDS: StreamBounds = {
  chunkBlocks: 2_000,
  chunkBytes: 4 * 1024 * 1024,
  streamBlocks: 8_000,
  streamBytes: 16 * 1024 * 1024,
  totalBlocks: 32_000,
  totalBytes: 64 * 1024 * 1024,
  lightTotalBlocks: 8_000,
  lightTotalBytes: 16 * 1024 * 1024,
  quietMs: 2_000,
};

/** What the chain makes of a run handed over: connected or kept, too light yet, or refused. */
export type TakeOutcome = "taken" | "light" | "refused";

/** What a stream needs of the chain. */
export interface StreamChain {
  isKnownBlock(value: unknown): boolean;
  get(hash: string): { readonly work: bigint } | undefined;
  tip(): { readonly work: bigint };
}

export interface StreamEvents {
  /** A linked run of header-checked blocks, lowest first, that can beat the tip. */
  take(peer: Peer, headers: readonly CheckedHeader[], announced: readonly (number | null)[], done: boolean): TakeOutcome;
  /** The peer sent something that is no block of any chain this node holds: refuse it and cut it. */
  junk(peer: Peer, reason: ReasonCode, detail: string): void;
  /** A stream ended with more than this node would hold: once what it kept is taken, the peer may be asked again. */
  overflowed(peer: Peer, detail: string): void;
  /** A stream ended lighter than the main chain: nothing kept. */
  light(peer: Peer, blocks: number): void;
  /** Blocks received so far in the stream that moved last, and whether it ended. */
  progress(received: number, done: boolean): void;
}

interface Stream {
  readonly peer: Peer;
  readonly verifier: StreamVerifier | null;
  received: number;
  held: CheckedHeader[];
  announced: (number | null)[];
  heldBytes: number;
  /** Held blocks handed to the verifier so far. */
  verifiedUpTo: number;
  /** Hash of the last block received, to check the next one links to it. */
  last: string | null;
  /** Work of the known block the held ones build on, and the most work they can add. */
  base: bigint;
  bound: bigint;
  refused: boolean;
  /** Held more than it may: "light" was let go, "heavy" keeps what it held for validation. */
  overflowed: "no" | "light" | "heavy";
  ended: boolean;
  finished: boolean;
  taking: boolean;
  /** How many blocks were held when the last run was found too light to beat the tip; null after a run was taken. */
  lightAt: number | null;
  paused: boolean;
  cancelQuiet: () => void;
}

export class ChainStreams {
  private readonly streams = new Map<number, Stream>();
  private totalBlocks = 0;
  private totalBytes = 0;
  private closed = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly chain: StreamChain,
    private readonly bounds: StreamBounds,
    private readonly schedule: (fn: () => void, ms: number) => () => void,
    private readonly events: StreamEvents,
    /** Verifies a stream's signatures ahead of validation; null to verify them in order. */
    private readonly verifierFor: () => StreamVerifier | null = () => null,
  ) {}

  /** Unvalidated blocks and bytes held by all streams now. */
  held(): { blocks: number; bytes: number; streams: number } {
    return { blocks: this.totalBlocks, bytes: this.totalBytes, streams: this.streams.size };
  }

  push(peer: Peer, value: unknown, announced: number | null, finished: boolean): void {
    if (this.closed) return;
    let s = this.streams.get(peer.link.id) ?? this.open(peer);
    s.cancelQuiet();
    if (++s.received % 50 === 1) this.events.progress(s.received, false);
    if (!s.refused && s.overflowed === "no") {
      const restarted = this.receive(s, value, announced);
      if (restarted !== null) s = restarted;
    }
    if (finished) return this.end(s);
    if (!s.paused) s.cancelQuiet = this.schedule(() => this.end(s), this.bounds.quietMs);
  }

  /** The link closed: what its stream held is let go. */
  drop(linkId: number): void {
    const s = this.streams.get(linkId);
    if (s === undefined) return;
    s.cancelQuiet();
    this.streams.delete(linkId);
    this.release(s, s.held.length);
  }

  /** Resolves when every run handed over so far, and every run those led to, has been taken. */
  async idle(): Promise<void> {
    for (let p = this.pending; ; p = this.pending) {
      await p;
      if (p === this.pending) return;
    }
  }

  /** Runs still waiting for verdicts are not taken after this. */
  close(): void {
    this.closed = true;
    for (const id of [...this.streams.keys()]) this.drop(id);
  }

  private open(peer: Peer): Stream {
    const s: Stream = {
      peer,
      verifier: this.verifierFor(),
      received: 0,
      held: [],
      announced: [],
      heldBytes: 0,
      verifiedUpTo: 0,
      last: null,
      base: 0n,
      bound: 0n,
      refused: false,
      overflowed: "no",
      ended: false,
      finished: false,
      taking: false,
      lightAt: null,
      paused: false,
      cancelQuiet: () => {},
    };
    this.streams.set(peer.link.id, s);
    return s;
  }

  /** One block of a stream; returns the new stream when this block started one. */
  private receive(s: Stream, value: unknown, announced: number | null): Stream | null {
    // A block this node holds: the start of a stream (v0.2.0 sends genesis first), or of a new one on the same link.
    if (this.chain.isKnownBlock(value)) {
      const hash = (value as { hash: string }).hash;
      if (s.held.length === 0) {
        s.last = hash;
        return null;
      }
      const next = this.restart(s);
      next.last = hash;
      return next;
    }
    const checked = checkBlockHeader(value);
    if (!checked.ok) return this.refuseJunk(s, checked.reason, `a streamed block: ${checked.detail}`);
    const header = checked.header;
    const prevHash = header.block.prevHash;
    if (s.last !== null && prevHash !== s.last) {
      // A new stream on the same link starts on a block this node holds; anything else is junk.
      if (this.chain.get(prevHash) === undefined) return this.refuseJunk(s, Reason.BranchNotLinked, `block ${header.block.hash} links to neither the block before it nor a known block`);
      if (s.held.length > 0) return this.restart(s, header, announced);
    }
    if (s.held.length === 0) {
      const parent = this.chain.get(prevHash);
      if (parent === undefined) return this.refuseJunk(s, Reason.ParentUnknown, `the stream's first new block ${header.block.hash} builds on an unknown block`);
      s.base = parent.work;
      s.bound = 0n;
      s.verifiedUpTo = 0;
    }
    this.hold(s, header, announced);
    return null;
  }

  /** Ends `s` and opens a new stream on the same link, starting with `header` if given. */
  private restart(s: Stream, header?: CheckedHeader, announced?: number | null): Stream {
    this.end(s);
    const next = this.open(s.peer);
    if (header !== undefined) {
      next.base = this.chain.get(header.block.prevHash)!.work;
      this.hold(next, header, announced ?? null);
    }
    return next;
  }

  private hold(s: Stream, header: CheckedHeader, announced: number | null): void {
    const b = this.bounds;
    const light = s.base + s.bound + 16n ** BigInt(header.zeros) <= this.chain.tip().work;
    if (light) {
      const others = this.lightHeld(s);
      if (s.held.length + 1 > b.chunkBlocks || s.heldBytes + header.bytes > b.chunkBytes || others.blocks + s.held.length + 1 > b.lightTotalBlocks || others.bytes + s.heldBytes + header.bytes > b.lightTotalBytes) {
        s.overflowed = "light";
        this.release(s, s.held.length);
        return;
      }
    } else if (s.held.length + 1 > 2 * b.streamBlocks || s.heldBytes + header.bytes > 2 * b.streamBytes || this.totalBlocks + 1 > 2 * b.totalBlocks || this.totalBytes + header.bytes > 2 * b.totalBytes) {
      s.overflowed = "heavy";
      return;
    }
    s.held.push(header);
    s.announced.push(announced);
    s.heldBytes += header.bytes;
    this.totalBlocks++;
    this.totalBytes += header.bytes;
    s.last = header.block.hash;
    s.bound += 16n ** BigInt(header.zeros);
    if (light) return;
    const over = s.held.length >= b.streamBlocks || s.heldBytes >= b.streamBytes || this.totalBlocks >= b.totalBlocks || this.totalBytes >= b.totalBytes;
    if (over && !s.paused && s.peer.link.pause !== undefined) {
      s.paused = true;
      s.peer.link.pause();
    }
    this.verifyAhead(s);
    if (this.chunkReady(s)) this.flush(s);
  }

  /** What the light streams other than `except` hold. */
  private lightHeld(except: Stream): { blocks: number; bytes: number } {
    let blocks = 0;
    let bytes = 0;
    for (const s of this.streams.values()) {
      if (s === except || s.held.length === 0 || this.promising(s)) continue;
      blocks += s.held.length;
      bytes += s.heldBytes;
    }
    return { blocks, bytes };
  }

  /** Whether the held blocks could carry more work than the tip. */
  private promising(s: Stream): boolean {
    return s.held.length > 0 && s.base + s.bound > this.chain.tip().work;
  }

  private verifyAhead(s: Stream): void {
    if (s.verifier === null) return;
    for (; s.verifiedUpTo < s.held.length; s.verifiedUpTo++) s.verifier.add(s.held[s.verifiedUpTo]!);
  }

  private refuseJunk(s: Stream, reason: ReasonCode, detail: string): null {
    s.refused = true;
    this.release(s, s.held.length);
    this.events.junk(s.peer, reason, detail);
    return null;
  }

  private end(s: Stream): void {
    s.cancelQuiet();
    if (s.ended) return;
    s.ended = true;
    if (this.streams.get(s.peer.link.id) === s) this.streams.delete(s.peer.link.id);
    this.resume(s);
    if (s.refused) return this.finish(s);
    this.flush(s);
  }

  /** Hands what `s` holds to the chain once its verdicts are in; one run at a time per stream, in order. */
  private flush(s: Stream): void {
    if (s.taking || s.refused) return;
    if (s.held.length === 0) return this.finish(s);
    if (!this.promising(s)) {
      if (s.ended) {
        this.events.light(s.peer, s.held.length);
        this.release(s, s.held.length);
        this.finish(s);
      }
      return;
    }
    this.verifyAhead(s);
    s.taking = true;
    // After a light run, only the whole held branch can say more: a longer prefix of it is no heavier.
    const count = s.lightAt === null ? this.runLength(s) : s.held.length;
    const verdicts = s.verifier?.settled() ?? Promise.resolve();
    const taken = verdicts.then(() => {
      s.taking = false;
      if (this.closed || s.refused) return;
      const whole = count === s.held.length;
      const outcome = this.take(s, count, s.ended && whole);
      if (outcome === "refused") {
        s.refused = true;
        this.release(s, s.held.length);
        return this.finish(s);
      }
      if (outcome === "light") {
        if (s.ended && whole) {
          this.events.light(s.peer, s.held.length);
          this.release(s, s.held.length);
          return this.finish(s);
        }
        // Tried again when a chunk more has arrived, or the stream ends.
        s.lightAt = s.held.length;
        if (s.ended) this.flush(s);
        return;
      }
      s.lightAt = null;
      this.release(s, count);
      if (s.ended || this.chunkReady(s)) this.flush(s);
    });
    this.pending = Promise.all([this.pending, taken]).then(() => {});
  }

  /** Enough held for a run: a chunk, or a chunk more than at the last run found too light. */
  private chunkReady(s: Stream): boolean {
    if (s.lightAt !== null) return s.held.length >= s.lightAt + this.bounds.chunkBlocks;
    return s.held.length >= this.bounds.chunkBlocks || s.heldBytes >= this.bounds.chunkBytes;
  }

  /** How many held blocks the next run takes: a chunk, in blocks and in bytes. */
  private runLength(s: Stream): number {
    let count = 0;
    let bytes = 0;
    while (count < s.held.length && count < this.bounds.chunkBlocks && (count === 0 || bytes + s.held[count]!.bytes <= this.bounds.chunkBytes)) {
      bytes += s.held[count]!.bytes;
      count++;
    }
    return count;
  }

  private take(s: Stream, count: number, done: boolean): TakeOutcome {
    let start = 0;
    // Blocks that reached the chain another way meanwhile (relayed live) are passed over.
    while (start < count && this.chain.get(s.held[start]!.block.hash) !== undefined) start++;
    if (start === count) return "taken";
    return this.events.take(s.peer, s.held.slice(start, count), s.announced.slice(start, count), done);
  }

  /** Lets go of the first `count` held blocks; a paused link is read again once the stream is well under its bound. */
  private release(s: Stream, count: number): void {
    const gone = s.held.splice(0, count);
    s.announced.splice(0, count);
    s.verifiedUpTo = Math.max(0, s.verifiedUpTo - count);
    const bytes = gone.reduce((sum, h) => sum + h.bytes, 0);
    s.heldBytes -= bytes;
    this.totalBlocks -= gone.length;
    this.totalBytes -= bytes;
    const last = gone[gone.length - 1];
    if (last !== undefined && s.held.length > 0) {
      s.base = this.chain.get(last.block.hash)?.work ?? s.base;
      s.bound = s.held.reduce((sum, h) => sum + 16n ** BigInt(h.zeros), 0n);
    }
    const { streamBlocks, streamBytes, totalBlocks, totalBytes } = this.bounds;
    if (s.held.length <= streamBlocks / 2 && s.heldBytes <= streamBytes / 2 && this.totalBlocks < totalBlocks && this.totalBytes < totalBytes) this.resume(s);
  }

  private resume(s: Stream): void {
    if (!s.paused) return;
    s.paused = false;
    s.peer.link.resume?.();
    if (!s.ended) s.cancelQuiet = this.schedule(() => this.end(s), this.bounds.quietMs);
  }

  private finish(s: Stream): void {
    if (!s.ended || s.finished) return;
    s.finished = true;
    this.events.progress(s.received, true);
    if (s.overflowed === "heavy") this.events.overflowed(s.peer, `it sent more than this node holds unvalidated (${this.bounds.streamBlocks * 2} blocks or ${this.bounds.streamBytes * 2} bytes a stream)`);
    if (s.overflowed === "light") this.events.light(s.peer, s.received);
  }
}
