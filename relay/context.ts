/**
 * What every part of a running relay shares: its options, its counters, the
 * heartbeat, the clock and the guarded DNS lookup. Plain data passed down, so
 * a test or the benchmark can start several relays in one process.
 */
import type { LookupFunction } from "node:net";
import type { Heartbeat } from "./heartbeat.ts";
import type { RelayOptions } from "./options.ts";
import type { Clock } from "./rate-limit.ts";
import type { RelayCounters } from "./stats.ts";

export interface RelayContext {
  readonly options: RelayOptions;
  readonly counters: RelayCounters;
  readonly heartbeat: Heartbeat;
  readonly now: Clock;
  readonly lookup: LookupFunction;
}
