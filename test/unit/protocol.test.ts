import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddressReason, checkDialAddress } from "../../src/protocol/dial-rule.ts";
import { FrameReason, MessageType, decodeFrame, encodeFrame } from "../../src/protocol/messages.ts";

describe("frames", () => {
  it("decodes every message type in the seed's exact form", () => {
    const block = { timestamp: "1", data: [], prevHash: "", hash: "", nonce: 0 };
    const frames: [string, unknown][] = [
      [MessageType.Handshake, ["ws://localhost:3000", "ws://localhost:3001"]],
      [MessageType.CreateTransaction, { from: "a", to: "b", amount: 1, gas: 0, signature: "00" }],
      [MessageType.ReplaceChain, [block, 2]],
      [MessageType.RequestCheck, "ws://localhost:3000"],
      [MessageType.SendCheck, JSON.stringify([block, [], 1])],
      [MessageType.RequestChain, "ws://localhost:3000"],
      [MessageType.SendChain, { block, finished: true }],
      [MessageType.RequestInfo, "ws://localhost:3000"],
      [MessageType.SendInfo, [1, []]],
    ];
    for (const [type, data] of frames) {
      const text = JSON.stringify({ type, data });
      const r = decodeFrame(text);
      expect(r).toMatchObject({ ok: true, message: { type, data } });
      // Blocks and transactions pass through as the same objects, key order intact.
      if (r.ok) expect(JSON.stringify(r.message)).toBe(text);
    }
  });

  it("encodes as produceMessage + JSON.stringify would", () => {
    expect(encodeFrame(MessageType.RequestChain, "ws://localhost:1")).toBe('{"type":"TYPE_REQUEST_CHAIN","data":"ws://localhost:1"}');
  });

  it("names the reason for each bad frame", () => {
    expect(decodeFrame("TYPE_SEND_INFO")).toMatchObject({ ok: false, reason: FrameReason.NotJson });
    expect(decodeFrame('{"type":"TYPE_X","data":1}')).toMatchObject({ ok: false, reason: FrameReason.UnknownType });
    expect(decodeFrame("[1,2]")).toMatchObject({ ok: false, reason: FrameReason.UnknownType });
    expect(decodeFrame('{"type":"TYPE_HANDSHAKE","data":"ws://x"}')).toMatchObject({ ok: false, reason: FrameReason.Shape });
    expect(decodeFrame('{"type":"TYPE_REPLACE_CHAIN","data":[{},"2"]}')).toMatchObject({ ok: false, reason: FrameReason.Shape });
    expect(decodeFrame('{"type":"TYPE_REQUEST_CHAIN","data":"x","extra":1}')).toMatchObject({ ok: false, reason: FrameReason.Shape });
    expect(decodeFrame(JSON.stringify({ type: MessageType.Handshake, data: Array(300).fill("ws://x") }))).toMatchObject({ ok: false, reason: FrameReason.Shape });
    expect(decodeFrame("x".repeat(100), 50)).toMatchObject({ ok: false, reason: FrameReason.TooLarge });
  });

  it("never throws on any text", () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => void expect(decodeFrame(text).ok === true || decodeFrame(text).ok === false).toBe(true)));
  });
});

describe("dial address policy (a pure function: nothing is dialed)", () => {
  const allowed = ["ws://[::ffff:127.0.0.1]:3000", "ws://localhost:3000", "ws://127.0.0.1:1", "wss://[::1]:443/x", "ws://8.8.4.4:3000", "wss://node.example:443"];
  it.each(allowed)("allows %s", (a) => expect(checkDialAddress(a).ok).toBe(true));

  const refused: [string, string][] = [
    ["http://127.0.0.1:3000", AddressReason.AddressScheme],
    ["not a url", AddressReason.AddressNotUrl],
    ["ws://10.1.2.3:3000", AddressReason.AddressPrivate],
    ["ws://172.20.0.1:3000", AddressReason.AddressPrivate],
    ["ws://192.168.1.1:3000", AddressReason.AddressPrivate],
    ["ws://[fd00::1]:3000", AddressReason.AddressPrivate],
    ["ws://169.254.169.254/", AddressReason.AddressLinkLocal],
    ["ws://[fe80::1]:3000", AddressReason.AddressLinkLocal],
    ["ws://0.0.0.0:3000", AddressReason.AddressSpecial],
    ["ws://224.0.0.1:3000", AddressReason.AddressSpecial],
    ["ws://[::ffff:10.0.0.1]:3000", AddressReason.AddressPrivate],
  ];
  it.each(refused)("refuses %s (%s)", (a, reason) => expect(checkDialAddress(a)).toMatchObject({ ok: false, reason }));

  it("refuses loopback when told to, allows private ranges when told to", () => {
    expect(checkDialAddress("ws://localhost:1", { allowLoopback: false, allowPrivate: false, allowLinkLocal: false })).toMatchObject({ ok: false, reason: AddressReason.AddressLoopback });
    expect(checkDialAddress("ws://10.0.0.1:1", { allowLoopback: true, allowPrivate: true, allowLinkLocal: false }).ok).toBe(true);
  });
});
