/**
 * The relay-wide budget of bytes it holds for others: frames queued on links
 * still dialing, and everything handed to ws that the kernel has not taken
 * yet, on every socket. Each socket is capped on its own (maxBufferedBytes),
 * but 2,000 tabs x 32 links x 4 MiB is terabytes: this one running count is
 * what bounds them all together.
 *
 * Kept as a counter that each send adds to and ws's send callback (which runs
 * once the bytes are written out, or the socket is gone) takes back, so the
 * hot path does one addition and no socket is ever scanned.
 */
export class HeldBytes {
  /** Bytes held right now. */
  bytes = 0;
  /** The most ever held at once, for GET /api/relay and the tests that bound it. */
  peakBytes = 0;
  /**
   * While the budget is spent, a tab socket holding more than this many unsent
   * bytes loses its connection rather than take one more event: its fair
   * share of the budget, so a tab that reads is never the one cut.
   */
  readonly shareBytes: number;

  constructor(
    readonly limitBytes: number,
    tabs: number,
  ) {
    this.shareBytes = Math.floor(limitBytes / Math.max(1, tabs));
  }

  /** Takes n bytes if they fit the budget; false (and nothing taken) if they do not. */
  admit(n: number): boolean {
    if (this.bytes + n > this.limitBytes) return false;
    this.take(n);
    return true;
  }

  /** Takes n bytes whether they fit or not (an event that must not be lost). */
  take(n: number): void {
    this.bytes += n;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
  }

  /** False when n more bytes would go over the budget. */
  fits(n: number): boolean {
    return this.bytes + n <= this.limitBytes;
  }

  release(n: number): void {
    this.bytes -= n;
  }

  /** A send callback that gives n bytes back once ws has written them out (or failed to: the socket is gone). */
  releaser(n: number): () => void {
    return () => {
      this.bytes -= n;
    };
  }
}
