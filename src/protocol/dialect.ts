/**
 * Dialects: what a peer speaks, as far as it has shown. Tabnode and the
 * tutorial's nodes share one wire format (PROTOCOL.md), but not one way of
 * using it: a tutorial node has no duplicate check (each node of its own kind
 * hears each message once, from its author), v0.2.0 drops the block that
 * carries `finished`, and its event loop stops while it mines.
 *
 * Tabnode peers recognise each other by a header on the WebSocket upgrade,
 * both ways (the request, and the answer to it), which tutorial nodes neither
 * send nor read; the relay sets it on the links it opens for tabs and on its
 * answers to dials of a tab's address. A peer without it is a tutorial node,
 * known by the chain-stream form it has shown (or "tutorial" until it shows
 * one). The header proves nothing and grants nothing: a peer that claims to
 * be Tabnode is sent relayed copies, as every Tabnode peer is.
 */
import { MessageType } from "./messages.ts";

export const TABNODE_HEADER = "x-tabnode";
/** The dialect's version; a peer that sends the header with another value is not this Tabnode. */
export const TABNODE_HEADER_VALUE = "1";

/** A chain stream's form (PROTOCOL.md "Chain streams"). */
export type StreamForm = "v0.2.0" | "article";

/**
 * What a peer speaks: Tabnode; a tutorial node in the stream form it showed;
 * a tutorial node that has shown none yet; or not known yet (a relayed link
 * before the relay says what answered).
 */
export type Dialect = "tabnode" | StreamForm | "tutorial" | "unknown";

/** A tutorial node, whatever form it showed; "unknown" is not one yet (a relayed link whose answer has not come). */
export function isTutorial(dialect: Dialect): boolean {
  return dialect === "tutorial" || dialect === "v0.2.0" || dialect === "article";
}

/** Whether an upgrade's header value (a request's or an answer's) says Tabnode. */
export function showsTabnode(value: string | string[] | undefined): boolean {
  return value === TABNODE_HEADER_VALUE;
}

/**
 * The form a TYPE_SEND_CHAIN frame shows of its sender: v0.2.0 streams start
 * with genesis (no one else sends it), only the article sets `finished`.
 */
export function streamFormShown(block: unknown, finished: boolean): StreamForm | null {
  if (finished) return "article";
  const prevHash = typeof block === "object" && block !== null ? (block as { prevHash?: unknown }).prevHash : undefined;
  return prevHash === "" ? "v0.2.0" : null;
}

/**
 * The chain streams that leave a peer of this dialect on the sender's tip.
 * The article's form ends on `finished`; v0.2.0 drops the block that carries
 * it, so it is sent every block unfinished and then the tip again, finished.
 * A tutorial node whose form is not known gets the article's form and then
 * v0.2.0's: an article node refuses the second (its last block repeats),
 * v0.2.0 takes it (dropping the repeat) after taking one block short from
 * the first.
 */
export function streamsFor(dialect: Dialect): readonly StreamForm[] {
  switch (dialect) {
    case "tabnode":
    case "article":
      return ["article"];
    case "v0.2.0":
      return ["v0.2.0"];
    case "tutorial":
    case "unknown":
      return ["article", "v0.2.0"];
  }
}

/** Frames that tutorial nodes send and PROTOCOL.md documents: they are what these nodes are, not misbehaviour. */
export const Quirk = {
  /** v0.2.0 (and the article's code) answers TYPE_REQUEST_INFO with the bare type name: `socket.send("TYPE_SEND_INFO", [...])`. */
  SendInfoNotJson: "send-info-not-json",
} as const;
export type Quirk = (typeof Quirk)[keyof typeof Quirk];

/** The documented quirk a frame that failed to decode is, if any. */
export function tutorialQuirk(text: string): Quirk | null {
  return text === MessageType.SendInfo ? Quirk.SendInfoNotJson : null;
}
