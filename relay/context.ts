/**
 * What every part of a running relay shares: its options, its counters, the
 * budget of held bytes, the heartbeat, the clock and the dial guards. Plain
 * data passed down, so a test or the benchmark can start several relays in
 * one process.
 */
import type { Heartbeat } from "./heartbeat.ts";
import type { HeldBytes } from "./held-bytes.ts";
import type { LoopMarks } from "./loop-mark.ts";
import type { RelayOptions } from "./options.ts";
import type { Clock } from "./rate-limit.ts";
import type { DialGuard } from "./self-dial.ts";
import type { RelayCounters } from "./stats.ts";

export interface RelayContext {
  readonly options: RelayOptions;
  readonly counters: RelayCounters;
  readonly heartbeat: Heartbeat;
  readonly now: Clock;
  readonly held: HeldBytes;
  readonly dial: DialGuard;
  readonly loopMarks: LoopMarks;
}
