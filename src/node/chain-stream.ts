/**
 * Chain streams (TYPE_SEND_CHAIN), one per link. The article's nodes set
 * `finished` on the last block; v0.2.0 nodes never do, so a stream also ends
 * after a quiet period. Long streams are validated in chunks: a chunk with
 * less work than the tip is kept beside the main chain, and the chunk that
 * tips the balance triggers the reorganisation. After a refused chunk the
 * rest of that stream is ignored.
 */
import type { Peer } from "./peers.ts";

/** Takes a run of blocks; false when it was refused. */
export type StreamTaker = (peer: Peer, blocks: unknown[], announced: (number | null)[], done: boolean) => boolean;

interface Stream {
  readonly peer: Peer;
  received: number;
  blocks: unknown[];
  announced: (number | null)[];
  refused: boolean;
  cancelQuiet: () => void;
}

export class ChainStreams {
  private readonly streams = new Map<number, Stream>();

  constructor(
    private readonly quietMs: number,
    private readonly chunk: number,
    private readonly schedule: (fn: () => void, ms: number) => () => void,
    private readonly take: StreamTaker,
    /** Blocks received so far in the stream that moved last, and whether it ended. */
    private readonly progress: (received: number, done: boolean) => void = () => {},
  ) {}

  push(peer: Peer, block: unknown, announced: number | null, finished: boolean): void {
    const id = peer.link.id;
    let s = this.streams.get(id);
    if (s === undefined) {
      s = { peer, received: 0, blocks: [], announced: [], refused: false, cancelQuiet: () => {} };
      this.streams.set(id, s);
    }
    s.cancelQuiet();
    if (!s.refused) {
      s.blocks.push(block);
      s.announced.push(announced);
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

  private end(id: number): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    this.drop(id);
    this.flush(s, true);
    this.progress(s.received, true);
  }

  private flush(s: Stream, done: boolean): void {
    if (!s.refused && s.blocks.length > 0 && !this.take(s.peer, s.blocks, s.announced, done)) s.refused = true;
    s.blocks = [];
    s.announced = [];
  }
}
