/**
 * Where a process stood still, for bench/relay.ts's attribution of the
 * latency tail: every garbage collection pause (a PerformanceObserver on
 * "gc": exact, and free when nothing collects) and every gap in a 5 ms
 * interval timer longer than 10 ms (the event loop held by anything: a long
 * turn, a pause of the whole process by the scheduler, a collection). Times
 * are epoch milliseconds (timeOrigin + now), so two processes on one machine
 * compare. A 5 ms timer costs the measured process about 200 wakeups a second.
 */
import { constants, PerformanceObserver, performance, type PerformanceEntry } from "node:perf_hooks";

export interface Pause {
  readonly start: number;
  readonly end: number;
  /** "gc-minor", "gc-major", "gc-incremental", "gc-weak", or "loop" for a timer gap. */
  readonly kind: string;
  /** For a timer gap: the CPU time the process used in it (near the gap: one long turn; near 0: the process did not run). */
  readonly cpuMs?: number;
}

const TICK_MS = 5;
const STALL_MS = 10;

function gcKind(entry: PerformanceEntry): string {
  const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  if (kind === constants.NODE_PERFORMANCE_GC_MINOR) return "gc-minor";
  if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) return "gc-major";
  if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) return "gc-incremental";
  return "gc-weak";
}

export class StallRecorder {
  private pauses: Pause[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.pauses.push({ start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration, kind: gcKind(e) });
  });
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    this.pauses = [];
    this.observer.observe({ entryTypes: ["gc"] });
    let last = performance.now();
    let lastCpu = process.cpuUsage();
    this.timer = setInterval(() => {
      const now = performance.now();
      const cpu = process.cpuUsage();
      if (now - last > STALL_MS) {
        const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
        this.pauses.push({ start: performance.timeOrigin + last + TICK_MS, end: performance.timeOrigin + now, kind: "loop", cpuMs });
      }
      last = now;
      lastCpu = cpu;
    }, TICK_MS);
  }

  /** Stops recording and hands over what was seen. */
  take(): Pause[] {
    this.observer.disconnect();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const taken = this.pauses;
    this.pauses = [];
    return taken;
  }
}

export interface PauseSummary {
  readonly gcCount: number;
  readonly gcTotalMs: number;
  readonly gcMaxMs: number;
  /** The longest gap of the event loop (a collection included). */
  readonly stallMaxMs: number;
  readonly stallTotalMs: number;
}

export function summarise(pauses: readonly Pause[]): PauseSummary {
  const gc = pauses.filter((p) => p.kind !== "loop");
  const loop = pauses.filter((p) => p.kind === "loop");
  const round = (x: number) => Number(x.toFixed(1));
  return {
    gcCount: gc.length,
    gcTotalMs: round(gc.reduce((s, p) => s + p.end - p.start, 0)),
    gcMaxMs: round(Math.max(0, ...gc.map((p) => p.end - p.start))),
    stallMaxMs: round(Math.max(0, ...pauses.map((p) => p.end - p.start))),
    stallTotalMs: round(loop.reduce((s, p) => s + p.end - p.start, 0)),
  };
}

/** What held a process: a collection, a long turn of its own (on the CPU), or the machine (it was not running). */
export type Holder = "gc" | "busy" | "off";

/** A gap of the timer in which the process used less than this share of the time did not run for most of it. */
const RUNNING_SHARE = 0.6;

function holderOf(p: Pause): Holder {
  if (p.kind !== "loop") return "gc";
  return (p.cpuMs ?? 0) >= RUNNING_SHARE * (p.end - p.start) ? "busy" : "off";
}

/** Pauses sorted by start, for overlap queries by binary search. */
export class PauseIndex {
  private readonly sorted: Pause[];
  private readonly longest: number;

  constructor(pauses: readonly Pause[]) {
    this.sorted = [...pauses].sort((a, b) => a.start - b.start);
    this.longest = Math.max(0, ...pauses.map((p) => p.end - p.start));
  }

  /**
   * How long pauses of each holder overlap [from, to], in ms. A collection
   * falls inside a gap of the timer, so the gap's share is what is left of it
   * once the collections are taken out.
   */
  overlap(from: number, to: number): Record<Holder, number> {
    const held: Record<Holder, number> = { gc: 0, busy: 0, off: 0 };
    // Pauses start at most `longest` before `from` to reach it.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.start < from - this.longest) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.start <= to; i++) {
      const p = this.sorted[i]!;
      const ms = Math.min(p.end, to) - Math.max(p.start, from);
      if (ms > 0) held[holderOf(p)] += ms;
    }
    const loop = held.busy + held.off;
    if (loop > 0) {
      const gcShare = Math.min(held.gc, loop) / loop;
      held.busy -= held.busy * gcShare;
      held.off -= held.off * gcShare;
    }
    return held;
  }
}
