/**
 * A tab's two kinds of link. Inbound: a connection someone opened to the tab's
 * address (a native node's socket, or another tab through the relay). Outbound:
 * the connection the relay opened for the tab to one address. A tab sees both
 * kinds the same way whoever is at the other end.
 */
import type { RelayReason } from "./reasons.ts";

export type LinkKind = "native" | "tab";

export interface InboundLink {
  readonly id: number;
  /** The envelope header of every frame on this link, built once: the hot path only concatenates. */
  readonly header: Buffer;
  readonly kind: LinkKind;
  /** The dialer showed Tabnode's upgrade header (another tab always does). */
  readonly tabnode: boolean;
  close(reason: RelayReason): void;
}

export interface OutboundLink {
  readonly to: string;
  readonly kind: LinkKind;
  /** False while a native link is still dialing (frames queue). */
  readonly open: boolean;
  /** What answered the dial showed Tabnode's upgrade header (false until it answered). */
  readonly tabnode: boolean;
  send(frame: Buffer): void;
  close(reason: RelayReason): void;
}
