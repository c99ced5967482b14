/**
 * Virtual time: an event queue ordered by due time, then by the order events
 * were scheduled. Nodes get `now` and `schedule` from here (their NodeEnv), so
 * an hour of network time runs as fast as its events can, and two runs of one
 * seed see the same events in the same order.
 *
 * After each event the promises it settled run to the end (a node stores a
 * block, then relays it, in promise callbacks) before the clock moves on, so
 * they happen at the event's own time.
 */
import TinyQueue from "tinyqueue";

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
  /** With `--trace`: who set the timer (the caller's frame) and for how long, printed when it fires. */
  readonly label?: string;
}

/** What happened, for a failure's trace: the last few thousand events. */
export interface TraceLine {
  readonly at: number;
  readonly text: string;
}

export class SimClock {
  now: number;
  events = 0;
  private seq = 0;
  private readonly queue = new TinyQueue<Event>([], (a, b) => a.at - b.at || a.seq - b.seq);
  private readonly ring: (TraceLine | undefined)[];
  private ringAt = 0;

  constructor(
    readonly start: number,
    traceLines = 2_000,
    /** Every trace line as it happens (`--trace`), or null. */
    private readonly echo: ((line: TraceLine) => void) | null = null,
  ) {
    this.now = start;
    this.ring = new Array<TraceLine | undefined>(traceLines);
  }

  /** Times are whole milliseconds, as a real clock's are: a block is stamped with one. */
  readonly schedule = (fn: () => void, ms: number): (() => void) => {
    const at = this.now + Math.max(0, Math.ceil(ms));
    const event: Event = this.echo === null ? { at, seq: this.seq++, fn, cancelled: false } : { at, seq: this.seq++, fn, cancelled: false, label: `${caller()} +${at - this.now} ms` };
    this.queue.push(event);
    return () => {
      event.cancelled = true;
    };
  };

  /** Notes something for the trace (cheap: the text is built only by callers that have it). */
  trace(text: string): void {
    const line = { at: this.now, text };
    this.ring[this.ringAt] = line;
    this.ringAt = (this.ringAt + 1) % this.ring.length;
    this.echo?.(line);
  }

  /** The trace so far, oldest first. */
  recent(): TraceLine[] {
    const out: TraceLine[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const line = this.ring[(this.ringAt + i) % this.ring.length];
      if (line !== undefined) out.push(line);
    }
    return out;
  }

  /** Runs every event due up to `until`, in order; `stop` is asked between events. */
  async runUntil(until: number, stop: () => boolean = () => false): Promise<void> {
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.at > until || stop()) break;
      this.queue.pop();
      if (next.cancelled) continue;
      this.now = next.at;
      this.events++;
      if (next.label !== undefined) this.trace(`timer ${next.label}`);
      next.fn();
      await drain();
    }
    if (!stop()) this.now = Math.max(this.now, until);
  }
}

/** Lets every promise settled so far run its callbacks (there is no real I/O in a simulation). */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The function that called `schedule`, from a stack trace (only with `--trace`, which is slow anyway). */
function caller(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1).map((l) => l.trim());
  const outside = frames.find((l) => !l.includes("/sim/clock.ts") && !l.includes("/sim/network.ts"));
  return (outside ?? "?").replace(/^at /, "").replace(/\(?[^()]*\/(src\/[^():]+:\d+):\d+\)?/, "($1)");
}
