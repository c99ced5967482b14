/**
 * How a node meets the network. JeChain connections are one-way: a node reads
 * on every connection and sends only on those it opened. The native node's
 * transport is a WebSocket server plus clients; a browser tab's goes through
 * the relay. The node logic sees only this interface.
 */
export type Direction = "in" | "out";

export interface Link {
  readonly id: number;
  readonly direction: Direction;
  /** The dialed address for outbound links; where an inbound one came from (for logs). */
  readonly remote: string;
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface LinkHandler {
  /** An outbound dial opened, or an inbound connection arrived. */
  opened(link: Link): void;
  message(link: Link, text: string): void;
  /** The link closed, or an outbound dial failed. */
  closed(link: Link, why: string): void;
}

export interface Transport {
  /** Opens an outbound link; `opened` or `closed` follows. */
  dial(address: string): Link;
  close(): Promise<void>;
}
