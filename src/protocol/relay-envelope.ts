/**
 * The relay's envelope (docs/relay.md), defined once for both ends: the relay
 * (relay/envelope.ts adds the byte-level decoding of a tab's messages) and the
 * tab (src/platform/relay-transport.ts). Every message is one WebSocket text
 * message: a JSON header on one line and, for `send` and `frame`, a newline and
 * then the carried frame byte for byte. JSON.stringify never emits a raw
 * newline, so the first "\n" always ends the header.
 */
import * as v from "valibot";
import { MAX_ADDRESS_LENGTH } from "./dial-rule.ts";
import { RelayReason } from "./relay-reasons.ts";

const Address = v.pipe(v.string(), v.maxLength(MAX_ADDRESS_LENGTH));
const LinkId = v.pipe(v.number(), v.integer(), v.minValue(1));
const Reason = v.picklist(Object.values(RelayReason));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

// ---- tab -> relay -------------------------------------------------------------

/** A tab's message header: send a frame to an address (the frame follows), close a link it opened, drop one opened to it. */
export const TabHeaderSchema = v.variant("t", [v.object({ t: v.literal("send"), to: Address }), v.object({ t: v.literal("close"), to: Address }), v.object({ t: v.literal("drop"), link: LinkId })]);
export type TabHeader = v.InferOutput<typeof TabHeaderSchema>;
export const TAB_HEADER_TYPES: ReadonlySet<unknown> = new Set(TabHeaderSchema.options.map((o) => o.entries.t.literal));

// ---- relay -> tab -------------------------------------------------------------

export const PeerKindSchema = v.picklist(["tab", "native", "home"]);
export type PeerKind = v.InferOutput<typeof PeerKindSchema>;
export const PeerInfoSchema = v.object({ address: Address, kind: PeerKindSchema });
export type PeerInfo = v.InferOutput<typeof PeerInfoSchema>;

/** What the relay tells a tab about its limits, so the page can stay within them. */
export const WelcomeLimitsSchema = v.object({
  maxFrameBytes: Count,
  framesPerSecond: Count,
  bytesPerSecond: Count,
  maxLinksPerTab: Count,
  graceMs: Count,
});
export type WelcomeLimits = v.InferOutput<typeof WelcomeLimitsSchema>;

const Code = v.optional(v.pipe(v.number(), v.integer()));

/** Relay -> tab: a frame's header (the frame follows it) and every event. */
export const RelayEventSchema = v.variant("t", [
  v.object({ t: v.literal("frame"), link: LinkId }),
  v.object({
    t: v.literal("welcome"),
    id: v.string(),
    address: Address,
    resume: v.string(),
    resumed: v.boolean(),
    peers: v.array(PeerInfoSchema),
    inbound: v.array(LinkId),
    outbound: v.array(Address),
    /** The kept links (of `inbound`, `outbound`) whose far end showed Tabnode's upgrade header (absent from an older relay). */
    tabnodeInbound: v.optional(v.array(LinkId)),
    tabnodeOutbound: v.optional(v.array(Address)),
    limits: WelcomeLimitsSchema,
  }),
  v.object({ t: v.literal("peers"), join: v.array(PeerInfoSchema), leave: v.array(PeerInfoSchema) }),
  /** `tabnode`: whoever dialed showed Tabnode's upgrade header (src/protocol/dialect.ts); another tab always does. */
  v.object({ t: v.literal("inbound-open"), link: LinkId, tabnode: v.boolean() }),
  v.object({ t: v.literal("inbound-close"), link: LinkId, reason: Reason, code: Code }),
  /** `tabnode`: what answered the relay's dial showed Tabnode's upgrade header. */
  v.object({ t: v.literal("link-open"), to: Address, tabnode: v.boolean() }),
  v.object({ t: v.literal("link-close"), to: Address, reason: Reason, code: Code }),
  v.object({ t: v.literal("link-fail"), to: Address, reason: Reason, detail: v.string() }),
  v.object({ t: v.literal("error"), reason: Reason, detail: v.string(), to: v.optional(Address) }),
]);
export type RelayMessage = v.InferOutput<typeof RelayEventSchema>;
/** Every relay -> tab message but `frame`, whose header the relay builds once per link (frameHeaderText). */
export type RelayEvent = Exclude<RelayMessage, { t: "frame" }>;
export type Welcome = Extract<RelayEvent, { t: "welcome" }>;

export function frameHeaderText(link: number): string {
  return `{"t":"frame","link":${link}}\n`;
}

export type DecodedRelayMessage = { readonly ok: true; readonly message: RelayMessage; readonly frame: string | null } | { readonly ok: false; readonly detail: string };

/** A relay message as the tab receives it: the checked header, and the frame after it if any. */
export function decodeRelayMessage(text: string): DecodedRelayMessage {
  const nl = text.indexOf("\n");
  let header: unknown;
  try {
    header = JSON.parse(nl === -1 ? text : text.slice(0, nl));
  } catch {
    return { ok: false, detail: "the header line is not JSON" };
  }
  const parsed = v.safeParse(RelayEventSchema, header);
  if (!parsed.success) return { ok: false, detail: v.summarize(parsed.issues) };
  return { ok: true, message: parsed.output, frame: nl === -1 ? null : text.slice(nl + 1) };
}

/** A tab's message: the header, and the frame after a newline for `send`. */
export function encodeTabMessage(header: TabHeader, frame?: string): string {
  return frame === undefined ? JSON.stringify(header) : `${JSON.stringify(header)}\n${frame}`;
}
