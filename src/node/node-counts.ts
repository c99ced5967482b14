/**
 * What the node has taken and refused since it started, for operators
 * (GET /metrics on the native node). Plain numbers keyed by reason code, so
 * counting costs one addition and a reader turns them into whatever format it
 * serves; nothing here knows of Prometheus.
 */

/** Where a block that joined the main chain came from. */
export type BlockSource = "live" | "stream" | "mined";

export type Counts = Record<string, number>;

function bump(counts: Counts, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

export class NodeCounts {
  /** Blocks that joined the main chain for the first time, by where they came from. */
  readonly blocksAccepted: Record<BlockSource, number> = { live: 0, stream: 0, mined: 0 };
  /** Blocks refused, by reason code (a duplicate is `block-known`). */
  readonly blocksRefused: Counts = {};
  transactionsAccepted = 0;
  readonly transactionsRefused: Counts = {};
  /** Blocks received in chain streams, valid or not. */
  streamBlocksReceived = 0;

  blockAccepted(source: BlockSource, n: number): void {
    this.blocksAccepted[source] += n;
  }

  blockRefused(reason: string): void {
    bump(this.blocksRefused, reason);
  }

  transactionAccepted(): void {
    this.transactionsAccepted++;
  }

  transactionRefused(reason: string): void {
    bump(this.transactionsRefused, reason);
  }
}
