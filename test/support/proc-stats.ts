/**
 * What a process costs, read from outside it (Linux /proc), as an operator
 * would see it: resident memory, CPU time, and the size of a directory.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Resident set size (VmRSS) in bytes; null once the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

/** User plus system CPU time in ms (clock ticks of 10 ms, USER_HZ on Linux); null once the process is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Bytes of every file under `dir` (apparent sizes, as `du -b`). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Polls a process every 100 ms: its highest RSS and its first, and its CPU
 * time so far (the last reading, so a process that died keeps what it used).
 */
export class ProcessWatch {
  readonly first: number;
  peak: number;
  private readonly cpu0: number;
  private cpuLast: number;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number) {
    this.first = rssBytes(pid) ?? 0;
    this.peak = this.first;
    this.cpu0 = cpuMs(pid) ?? 0;
    this.cpuLast = this.cpu0;
    this.timer = setInterval(() => this.sample(), 100);
  }

  sample(): number | null {
    const now = rssBytes(this.pid);
    if (now !== null && now > this.peak) this.peak = now;
    this.cpuLast = cpuMs(this.pid) ?? this.cpuLast;
    return now;
  }

  /** The peak above the first sample. */
  get growth(): number {
    return this.peak - this.first;
  }

  /** CPU time (user + system) since the watch began, in ms. */
  get cpuMs(): number {
    return this.cpuLast - this.cpu0;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

export const MB = 1024 * 1024;
