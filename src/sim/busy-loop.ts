/**
 * A single-threaded event loop that a synchronous call can block, on the
 * simulation's clock. A tutorial node mines in one synchronous loop
 * (PROTOCOL.md): while it runs, nothing else does. Frames, link events and
 * timers that fall due meanwhile wait and run when the call returns, as
 * Node.js runs them: the rest of the call, then the I/O that arrived (its
 * poll phase), in order, then the timers that fell due (the next timers
 * phase), in order. None is lost, none runs early.
 *
 * Every task runs inside the node's `uncaughtException` handler, as the
 * seed's do: an exception ends that task only, and is reported.
 */
import type { SimClock } from "./clock.ts";

export class BusyLoop {
  /** The most tasks that ever waited at once. */
  maxQueued = 0;
  /** Blocked time of the calls that ended. */
  private endedMs = 0;
  private since = 0;
  private until = Number.NEGATIVE_INFINITY;
  private readonly io: (() => void)[] = [];
  private readonly timers: (() => void)[] = [];

  constructor(
    private readonly clock: SimClock,
    private readonly uncaught: (err: unknown) => void,
  ) {}

  get busy(): boolean {
    return this.clock.now < this.until;
  }

  /** Virtual milliseconds spent blocked so far, the call under way included. */
  get blockedMs(): number {
    return this.endedMs + (this.busy ? this.clock.now - this.since : 0);
  }

  /** I/O (a frame, a link opening or closing, what the operator types): runs now, or once the loop is free. */
  run(task: () => void): void {
    this.enqueue(this.io, task);
  }

  /** setTimeout: due after `ms`, run when the loop is free, after the I/O that waited. */
  timeout(task: () => void, ms: number): () => void {
    return this.clock.schedule(() => this.enqueue(this.timers, task), ms);
  }

  private enqueue(queue: (() => void)[], task: () => void): void {
    if (!this.busy && this.io.length + this.timers.length === 0) return this.exec(task);
    queue.push(task);
    this.maxQueued = Math.max(this.maxQueued, this.io.length + this.timers.length);
  }

  /**
   * A synchronous call that takes `ms`: from now the loop is blocked; when it
   * ends, `rest` (what the call does last) runs, then whatever waited.
   */
  block(ms: number, rest: () => void): void {
    const start = this.clock.now;
    this.since = start;
    this.until = start + Math.max(1, Math.ceil(ms));
    this.clock.schedule(() => {
      this.endedMs += this.clock.now - start;
      this.exec(rest);
      this.drain();
    }, this.until - start);
  }

  private drain(): void {
    while (!this.busy) {
      const task = this.io.shift() ?? this.timers.shift();
      if (task === undefined) return;
      this.exec(task);
    }
  }

  private exec(task: () => void): void {
    try {
      task();
    } catch (err) {
      this.uncaught(err);
    }
  }
}
