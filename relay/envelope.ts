/**
 * The relay's side of its link to a tab: the envelope's types and schemas are
 * src/protocol/relay-envelope.ts, shared with the tab; here, the byte-level
 * decoding of a tab's messages. The frame is never escaped, parsed or
 * re-serialised, only sliced and concatenated.
 */
import * as v from "valibot";
import { TAB_HEADER_TYPES, TabHeaderSchema, frameHeaderText } from "../src/protocol/relay-envelope.ts";
import { RelayReason } from "./reasons.ts";

export type { PeerInfo, PeerKind, RelayEvent, WelcomeLimits } from "../src/protocol/relay-envelope.ts";

export function frameHeader(link: number): Buffer {
  return Buffer.from(frameHeaderText(link));
}

/** A tab's message once checked; `send` carries the frame's bytes, a view into the received message. */
export type TabMessage = { readonly t: "send"; readonly to: string; readonly frame: Buffer } | { readonly t: "close"; readonly to: string } | { readonly t: "drop"; readonly link: number };

export type DecodedTabMessage =
  | { readonly ok: true; readonly msg: TabMessage }
  | { readonly ok: false; readonly reason: RelayReason; readonly detail: string; readonly to?: string };

/** A header is an address and a few words; anything longer is not one. */
export const MAX_HEADER_BYTES = 4096;
const NEWLINE = 0x0a;

function refuse(reason: RelayReason, detail: string, to?: string): DecodedTabMessage {
  return to === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, to };
}

function decodeFrame(to: string, data: Buffer, nl: number, maxFrameBytes: number): DecodedTabMessage {
  const frame = data.subarray(nl + 1);
  if (frame.length > maxFrameBytes) return refuse(RelayReason.FrameTooLarge, `frame of ${frame.length} bytes, limit ${maxFrameBytes}`, to);
  return { ok: true, msg: { t: "send", to, frame } };
}

export function decodeTabMessage(data: Buffer, maxFrameBytes: number): DecodedTabMessage {
  const nl = data.indexOf(NEWLINE);
  const headerEnd = nl === -1 ? data.length : nl;
  if (headerEnd > MAX_HEADER_BYTES) return refuse(RelayReason.EnvelopeShape, `header longer than ${MAX_HEADER_BYTES} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(data.toString("utf8", 0, headerEnd));
  } catch {
    return refuse(RelayReason.EnvelopeNotJson, "the header line is not JSON");
  }
  const t = typeof header === "object" && header !== null ? (header as { t?: unknown }).t : undefined;
  if (typeof t === "string" && !TAB_HEADER_TYPES.has(t)) return refuse(RelayReason.EnvelopeUnknownType, `unknown type ${JSON.stringify(t.slice(0, 40))}`);
  const parsed = v.safeParse(TabHeaderSchema, header);
  if (!parsed.success) return refuse(RelayReason.EnvelopeShape, v.summarize(parsed.issues));
  const msg = parsed.output;
  if (msg.t !== "send") return nl === -1 ? { ok: true, msg } : refuse(RelayReason.EnvelopeShape, `"${msg.t}" carries no frame`);
  if (nl === -1) return refuse(RelayReason.EnvelopeShape, '"send" needs a newline and the frame after the header', msg.to);
  return decodeFrame(msg.to, data, nl, maxFrameBytes);
}

/**
 * decodeTabMessage for one connection, remembering the last `send` header: a
 * tab sends to a few addresses over and over, so most messages skip JSON.parse
 * and the schema for a byte comparison (those two were ~7% of the relay's CPU
 * at 20,000 frames/s in a profile of bench/relay.ts).
 */
export class TabDecoder {
  private lastHeader: Buffer | null = null;
  private lastTo = "";

  constructor(private readonly maxFrameBytes: number) {}

  decode(data: Buffer): DecodedTabMessage {
    const last = this.lastHeader;
    if (last !== null && data.length > last.length && data[last.length] === NEWLINE && data.compare(last, 0, last.length, 0, last.length) === 0) {
      return decodeFrame(this.lastTo, data, last.length, this.maxFrameBytes);
    }
    const decoded = decodeTabMessage(data, this.maxFrameBytes);
    if (decoded.ok && decoded.msg.t === "send") {
      this.lastHeader = Buffer.from(data.subarray(0, data.indexOf(NEWLINE))); // a copy: `data` is the receiver's
      this.lastTo = decoded.msg.to;
    }
    return decoded;
  }
}
