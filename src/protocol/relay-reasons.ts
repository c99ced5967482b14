/**
 * Every way the relay refuses, drops or closes, as stable codes. Tabs, logs
 * and tests match on the code (it is also the WebSocket close reason text);
 * `detail` is for people. docs/relay.md lists them all.
 */
import { AddressReason } from "./dial-rule.ts";

export const RelayReason = {
  // a tab's envelope
  EnvelopeNotJson: "envelope-not-json",
  EnvelopeUnknownType: "envelope-unknown-type",
  EnvelopeShape: "envelope-shape",
  EnvelopeBinary: "envelope-binary",
  FrameTooLarge: "frame-too-large",
  FrameBinary: "frame-binary",
  // per-connection budgets and relay-wide caps
  RateFrames: "rate-frames",
  RateBytes: "rate-bytes",
  RelayFull: "relay-full",
  IpFull: "ip-full",
  LinksFull: "links-full",
  InboundFull: "inbound-full",
  Backpressure: "backpressure",
  /** The relay-wide budget of unsent bytes (maxTotalBufferedBytes) is spent. */
  RelayMemory: "relay-memory",
  HeartbeatTimeout: "heartbeat-timeout",
  // dialing on a tab's behalf: the same codes as a node's dial rule
  ...AddressReason,
  /** Whatever the target did (refused, reset, timed out, not WebSocket...): one code, so the relay is no port scanner. */
  DialFailed: "dial-failed",
  /** The address reaches this relay itself, by a spelling it does not serve in process. */
  DialSelf: "dial-self",
  PeerUnknown: "peer-unknown",
  // lifecycle of tabs and links
  TabAway: "tab-away",
  TabGone: "tab-gone",
  Replaced: "replaced",
  ClosedByTab: "closed-by-tab",
  RemoteClosed: "remote-closed",
  UnexpectedFrame: "unexpected-frame",
  ShuttingDown: "shutting-down",
} as const;
export type RelayReason = (typeof RelayReason)[keyof typeof RelayReason];

/**
 * Close codes the relay sends. 1001 and 1009 are the standard ones (1009 is
 * what ws itself sends when a message exceeds maxPayload); the rest are in the
 * private 4000-4999 range so a browser tab can read them from CloseEvent.code.
 */
export const CloseCode: Partial<Record<RelayReason, number>> = {
  [RelayReason.ShuttingDown]: 1001,
  [RelayReason.FrameTooLarge]: 1009,
  [RelayReason.RelayFull]: 4001,
  [RelayReason.IpFull]: 4002,
  [RelayReason.PeerUnknown]: 4004,
  [RelayReason.Replaced]: 4005,
  [RelayReason.TabGone]: 4006,
  [RelayReason.InboundFull]: 4007,
  [RelayReason.Backpressure]: 4008,
  [RelayReason.RelayMemory]: 4009,
  [RelayReason.ClosedByTab]: 4010,
};

/** 1000 (normal) for a reason without a code of its own. */
export function closeCodeOf(reason: RelayReason): number {
  return CloseCode[reason] ?? 1000;
}

/** Closes with the reason's code and the reason itself as the close text, so both ends log the same code. */
export function closeWith(socket: { close(code: number, reason: string): void }, reason: RelayReason): void {
  socket.close(closeCodeOf(reason), reason);
}
