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
  /**
   * The host the link provably comes from, for an inbound link: the IP a TCP
   * connection came from (the native node). null where nothing is proven
   * (a tab's links through the relay); never the address a peer claims.
   */
  readonly remoteHost: string | null;
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Stops reading the link (the sender's buffers fill instead of ours) until `resume`; only where the transport can. */
  pause?(): void;
  resume?(): void;
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
