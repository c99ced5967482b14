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
  /**
   * Whether the far end showed Tabnode's header at the WebSocket upgrade
   * (src/protocol/dialect.ts): an inbound link's dialer in its request, an
   * outbound link's server in its answer. null until known (a link the relay
   * opens for a tab is known when the relay reports it open).
   */
  readonly tabnode: boolean | null;
  /**
   * The far end has not answered the transport's last ping: its event loop is
   * busy (a tutorial node mining), or its host is gone and TCP has not noticed
   * yet. Only where the transport pings; a busy link is not cut for it.
   */
  readonly busy?: boolean;
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
  /** The transport learned what the far end is (`tabnode`) or whether it answers (`busy`) after the link opened. */
  shown?(link: Link): void;
  /** The link closed, or an outbound dial failed. */
  closed(link: Link, why: string): void;
}

export interface Transport {
  /** Opens an outbound link; `opened` or `closed` follows. */
  dial(address: string): Link;
  close(): Promise<void>;
}
