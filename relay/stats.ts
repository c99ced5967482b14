/**
 * Counters behind GET /api/relay. Plain numbers keyed by reason code, so the
 * snapshot is JSON as it stands.
 */
import type { RelayReason } from "./reasons.ts";

export type ReasonCounts = Partial<Record<RelayReason, number>>;

function bump(counts: ReasonCounts, reason: RelayReason): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

export class RelayCounters {
  framesForwarded = 0;
  bytesForwarded = 0;
  /** Links the relay dialed for tabs that opened (failures are in linksRefused: `dial-failed`, `dial-self`). */
  dialsOpened = 0;
  /** Frames that did not reach their destination, by why. */
  readonly framesDropped: ReasonCounts = {};
  /** Connections the relay closed or refused, by why. */
  readonly connectionsClosed: ReasonCounts = {};
  /** Sends to an address the relay would not or could not dial, by why. */
  readonly linksRefused: ReasonCounts = {};

  forwarded(bytes: number): void {
    this.framesForwarded++;
    this.bytesForwarded += bytes;
  }

  dropped(reason: RelayReason): void {
    bump(this.framesDropped, reason);
  }

  closed(reason: RelayReason): void {
    bump(this.connectionsClosed, reason);
  }

  refused(reason: RelayReason): void {
    bump(this.linksRefused, reason);
  }
}
