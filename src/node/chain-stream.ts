/**
 * Chain streams (TYPE_SEND_CHAIN), one per link. The article's nodes set
 * `finished` on the last block; v0.2.0 nodes never do, so a stream also ends
 * after a quiet period. Long streams are validated in chunks: a chunk with
 * less work than the tip is kept beside the main chain, and the chunk that
 * tips the balance triggers the reorganisation. After a refused chunk the
 * rest of that stream is ignored.
 *
 * With a verification pool, each block's signatures go to the pool's threads
 * as the block arrives, and a chunk is validated once their verdicts are in:
 * receiving, verifying and validating overlap, and validation itself only
 * reads verdicts. Chunks of one stream are always taken in order.
 */
import type { Peer } from "./peers.ts";
import type { StreamVerifier } from "./verify-pool.ts";

/** Takes a run of blocks; false when it was refused. */
export type StreamTaker = (peer: Peer, blocks: unknown[], announced: (number | null)[], done: boolean) => boolean;

interface Stream {
  readonly peer: Peer;
  readonly verifier: StreamVerifier | null;
  received: number;
  blocks: unknown[];
  announced: (number | null)[];
  refused: boolean;
  cancelQuiet: () => void;
  /** The chunks handed over so far, taken in order. */
  taking: Promise<void>;
}

export class ChainStreams {
  private readonly streams = new Map<number, Stream>();
  private closed = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly quietMs: number,
    private readonly chunk: number,
    private readonly schedule: (fn: () => void, ms: number) => () => void,
    private readonly take: StreamTaker,
    /** Blocks received so far in the stream that moved last, and whether it ended. */
    private readonly progress: (received: number, done: boolean) => void = () => {},
    /** Verifies a stream's signatures ahead of validation; null to verify them in order. */
    private readonly verifierFor: () => StreamVerifier | null = () => null,
  ) {}

  push(peer: Peer, block: unknown, announced: number | null, finished: boolean): void {
    const id = peer.link.id;
    let s = this.streams.get(id);
    if (s === undefined) {
      s = { peer, verifier: this.verifierFor(), received: 0, blocks: [], announced: [], refused: false, cancelQuiet: () => {}, taking: Promise.resolve() };
      this.streams.set(id, s);
    }
    s.cancelQuiet();
    if (!s.refused) {
      s.blocks.push(block);
      s.announced.push(announced);
      s.verifier?.add(block);
    }
    if (++s.received % 50 === 1) this.progress(s.received, false);
    if (finished) return this.end(id);
    if (s.blocks.length >= this.chunk) this.flush(s, false);
    s.cancelQuiet = this.schedule(() => this.end(id), this.quietMs);
  }

  drop(linkId: number): void {
    this.streams.get(linkId)?.cancelQuiet();
    this.streams.delete(linkId);
  }

  /** Resolves when every chunk handed over so far has been taken. */
  idle(): Promise<void> {
    return this.pending;
  }

  /** Chunks still waiting for verdicts are not taken after this. */
  close(): void {
    this.closed = true;
    for (const id of [...this.streams.keys()]) this.drop(id);
  }

  private end(id: number): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    this.drop(id);
    this.flush(s, true);
    s.taking = s.taking.then(() => this.progress(s.received, true));
  }

  private flush(s: Stream, done: boolean): void {
    const { blocks, announced } = s;
    s.blocks = [];
    s.announced = [];
    if (s.refused || blocks.length === 0) return;
    const verdicts = s.verifier?.settled() ?? Promise.resolve();
    s.taking = Promise.all([s.taking, verdicts]).then(() => {
      if (!this.closed && !s.refused && !this.take(s.peer, blocks, announced, done)) s.refused = true;
    });
    this.pending = Promise.all([this.pending, s.taking]).then(() => {});
  }
}
