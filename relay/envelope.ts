/**
 * The relay's link to a tab (docs/relay.md). Every message is one WebSocket
 * text message: a JSON header on one line and, for `send` and `frame`, a
 * newline and then the carried frame byte for byte. JSON.stringify never emits
 * a raw newline, so the first "\n" always ends the header; the frame is never
 * escaped, parsed or re-serialised, only sliced and concatenated.
 */
import * as v from "valibot";
import { MAX_ADDRESS_LENGTH } from "../src/protocol/dial-rule.ts";
import { RelayReason } from "./reasons.ts";

export type PeerKind = "tab" | "native" | "home";
export interface PeerInfo {
  readonly address: string;
  readonly kind: PeerKind;
}

/** What the relay tells a tab about its limits, so the page can stay within them. */
export interface WelcomeLimits {
  readonly maxFrameBytes: number;
  readonly framesPerSecond: number;
  readonly bytesPerSecond: number;
  readonly maxLinksPerTab: number;
  readonly graceMs: number;
}

/** Relay -> tab, except `frame`, whose header frameHeader() builds once per link. */
export type RelayEvent =
  | {
      readonly t: "welcome";
      readonly id: string;
      readonly address: string;
      readonly resume: string;
      readonly resumed: boolean;
      readonly peers: readonly PeerInfo[];
      readonly inbound: readonly number[];
      readonly outbound: readonly string[];
      /** The kept links (of `inbound`, `outbound`) whose far end showed Tabnode's upgrade header. */
      readonly tabnodeInbound: readonly number[];
      readonly tabnodeOutbound: readonly string[];
      readonly limits: WelcomeLimits;
    }
  | { readonly t: "peers"; readonly join: readonly PeerInfo[]; readonly leave: readonly PeerInfo[] }
  /** `tabnode`: whoever dialed showed Tabnode's upgrade header (src/protocol/dialect.ts); another tab always does. */
  | { readonly t: "inbound-open"; readonly link: number; readonly tabnode: boolean }
  | { readonly t: "inbound-close"; readonly link: number; readonly reason: RelayReason; readonly code?: number }
  /** `tabnode`: what answered the relay's dial showed Tabnode's upgrade header. */
  | { readonly t: "link-open"; readonly to: string; readonly tabnode: boolean }
  | { readonly t: "link-close"; readonly to: string; readonly reason: RelayReason; readonly code?: number }
  | { readonly t: "link-fail"; readonly to: string; readonly reason: RelayReason; readonly detail: string }
  | { readonly t: "error"; readonly reason: RelayReason; readonly detail: string; readonly to?: string };

export function frameHeader(link: number): Buffer {
  return Buffer.from(`{"t":"frame","link":${link}}\n`);
}

const Address = v.pipe(v.string(), v.maxLength(MAX_ADDRESS_LENGTH));
const TabMessageSchema = v.variant("t", [
  v.object({ t: v.literal("send"), to: Address }),
  v.object({ t: v.literal("close"), to: Address }),
  v.object({ t: v.literal("drop"), link: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
]);
/** A tab's message once checked; `send` carries the frame's bytes, a view into the received message. */
export type TabMessage = { readonly t: "send"; readonly to: string; readonly frame: Buffer } | { readonly t: "close"; readonly to: string } | { readonly t: "drop"; readonly link: number };
const TYPES: ReadonlySet<unknown> = new Set(["send", "close", "drop"]);

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
  if (typeof t === "string" && !TYPES.has(t)) return refuse(RelayReason.EnvelopeUnknownType, `unknown type ${JSON.stringify(t.slice(0, 40))}`);
  const parsed = v.safeParse(TabMessageSchema, header);
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
