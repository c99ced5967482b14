/**
 * The JeChain wire messages (PROTOCOL.md "Messages"): one WebSocket text frame
 * holding {"type": T, "data": D}. Frames from peers are untrusted: decodeFrame
 * checks size, JSON and shape once, at the boundary, and returns a typed
 * reason. Blocks and transactions inside pass through untouched (their key
 * order is part of their hash); the chain core checks them.
 */
import * as v from "valibot";

export const MessageType = {
  Handshake: "TYPE_HANDSHAKE",
  CreateTransaction: "TYPE_CREATE_TRANSACTION",
  ReplaceChain: "TYPE_REPLACE_CHAIN",
  RequestCheck: "TYPE_REQUEST_CHECK",
  SendCheck: "TYPE_SEND_CHECK",
  RequestChain: "TYPE_REQUEST_CHAIN",
  SendChain: "TYPE_SEND_CHAIN",
  RequestInfo: "TYPE_REQUEST_INFO",
  SendInfo: "TYPE_SEND_INFO",
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const FrameReason = {
  TooLarge: "frame-too-large",
  NotJson: "frame-not-json",
  UnknownType: "frame-unknown-type",
  Shape: "frame-shape",
} as const;
export type FrameReason = (typeof FrameReason)[keyof typeof FrameReason];

/** 1 MiB: plenty for one block (PROTOCOL.md), far below ws's default of 100 MiB. */
export const MAX_FRAME_BYTES = 1 << 20;
/** A handshake naming more addresses than this is not a peer list but a flood. */
export const MAX_HANDSHAKE_ADDRESSES = 256;
const MAX_ADDRESS_LENGTH = 512;

const address = v.pipe(v.string(), v.maxLength(MAX_ADDRESS_LENGTH));
const difficulty = v.pipe(v.number(), v.safeInteger());

const schema = v.variant("type", [
  v.strictObject({ type: v.literal(MessageType.Handshake), data: v.pipe(v.array(address), v.maxLength(MAX_HANDSHAKE_ADDRESSES)) }),
  v.strictObject({ type: v.literal(MessageType.CreateTransaction), data: v.unknown() }),
  v.strictObject({ type: v.literal(MessageType.ReplaceChain), data: v.strictTuple([v.unknown(), difficulty]) }),
  v.strictObject({ type: v.literal(MessageType.RequestCheck), data: address }),
  v.strictObject({ type: v.literal(MessageType.SendCheck), data: v.string() }),
  v.strictObject({ type: v.literal(MessageType.RequestChain), data: address }),
  v.strictObject({
    type: v.literal(MessageType.SendChain),
    // `difficulty` is Tabnode's addition: the value announced with that block. Seed nodes ignore it.
    data: v.object({ block: v.unknown(), finished: v.boolean(), difficulty: v.optional(v.nullable(difficulty)) }),
  }),
  v.strictObject({ type: v.literal(MessageType.RequestInfo), data: address }),
  v.strictObject({ type: v.literal(MessageType.SendInfo), data: v.strictTuple([difficulty, v.array(v.unknown())]) }),
]);

export type Message = v.InferOutput<typeof schema>;
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

export type Decoded = { readonly ok: true; readonly message: Message } | { readonly ok: false; readonly reason: FrameReason; readonly detail: string };

const knownTypes = new Set<string>(Object.values(MessageType));

export function decodeFrame(text: string, maxBytes = MAX_FRAME_BYTES): Decoded {
  // UTF-16 length is a lower bound of UTF-8 bytes; the transport enforces the exact byte cap.
  if (text.length > maxBytes) return { ok: false, reason: FrameReason.TooLarge, detail: `${text.length} characters, limit ${maxBytes} bytes` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: FrameReason.NotJson, detail: `not JSON: ${JSON.stringify(text.slice(0, 40))}` };
  }
  const type = typeof parsed === "object" && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !knownTypes.has(type)) {
    return { ok: false, reason: FrameReason.UnknownType, detail: `unknown message type ${JSON.stringify(type)?.slice(0, 60)}` };
  }
  const r = v.safeParse(schema, parsed);
  if (!r.success) return { ok: false, reason: FrameReason.Shape, detail: `${type}: ${v.summarize(r.issues).replace(/\n/g, "; ").slice(0, 200)}` };
  return { ok: true, message: r.output };
}

/** The frame text of a message, exactly as the seed's produceMessage + JSON.stringify writes it. */
export function encodeFrame<T extends MessageType>(type: T, data: MessageOf<T>["data"]): string {
  return JSON.stringify({ type, data });
}

const checkSchema = v.strictTuple([v.unknown(), v.array(v.unknown()), difficulty]);

/** What TYPE_SEND_CHECK's JSON string holds: the sender's last block, its mempool, its difficulty. */
export type Check = { readonly ok: true; readonly tip: unknown; readonly mempool: readonly unknown[] } | { readonly ok: false; readonly reason: FrameReason; readonly detail: string };

/** The JSON string inside a TYPE_SEND_CHECK, checked as a frame is. */
export function decodeCheck(text: string): Check {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: FrameReason.NotJson, detail: `${MessageType.SendCheck} data is not a JSON string: ${JSON.stringify(text.slice(0, 40))}` };
  }
  const r = v.safeParse(checkSchema, parsed);
  if (!r.success) return { ok: false, reason: FrameReason.Shape, detail: `${MessageType.SendCheck}: ${v.summarize(r.issues).replace(/\n/g, "; ").slice(0, 200)}` };
  return { ok: true, tip: r.output[0], mempool: r.output[1] };
}
