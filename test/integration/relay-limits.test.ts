/**
 * Every limit of the relay trips and says why: an error event with a reason
 * for the tab, a close code for a connection, and a counter in GET /api/relay.
 * Limits are set small so that nothing here depends on how fast anything is.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RelayStats } from "../../relay/index.ts";
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";

const h = new RelayHarness();
afterEach(() => h.cleanup());

describe("relay limits", () => {
  it("refuses a frame over the size limit with an error event, and closes a far larger message with 1009", async () => {
    const relay = await h.relay({ limits: { maxFrameBytes: 1024 } });
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    a.send(wb.address, "x".repeat(1025));
    expect(await a.take("error")).toMatchObject({ reason: "frame-too-large", to: wb.address });
    a.send(wb.address, "x".repeat(1024));
    expect((await b.frame()).frame).toHaveLength(1024);

    a.send(wb.address, "x".repeat(10_000));
    expect((await a.closed).code).toBe(1009);
    expect(relay.stats().connectionsClosed["frame-too-large"]).toBe(1);
  });

  it("closes a native connection that sends a frame over the size limit with 1009", async () => {
    const relay = await h.relay({ limits: { maxFrameBytes: 1024 } });
    const { welcome } = await h.tab(relay);
    const native = await h.dial(welcome.address);
    native.socket.send("x".repeat(1025));
    expect((await native.closed).code).toBe(1009);
    await statsUntil(relay, (s) => s.connectionsClosed["frame-too-large"] === 1, "the close to be counted");
  });

  it("holds a tab to its frames-per-second budget", async () => {
    const relay = await h.relay({ limits: { framesPerSecond: 5 } });
    const { tab: a } = await h.tab(relay);
    const { welcome: wb } = await h.tab(relay);
    for (let i = 0; i < 20; i++) a.send(wb.address, `frame ${i}`);
    expect(await a.take("error")).toMatchObject({ reason: "rate-frames" });
    expect(relay.stats().framesDropped["rate-frames"]).toBeGreaterThan(0);
  });

  it("holds a tab to its bytes-per-second budget (the burst still fits one largest frame)", async () => {
    const relay = await h.relay({ limits: { bytesPerSecond: 1000, maxFrameBytes: 1000 } });
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    for (let i = 0; i < 3; i++) a.send(wb.address, "y".repeat(900));
    expect(await a.take("error")).toMatchObject({ reason: "rate-bytes" });
    expect((await b.frame()).frame).toHaveLength(900);
  });

  it("holds a native connection to its frames-per-second budget, counting what it drops", async () => {
    const relay = await h.relay({ limits: { framesPerSecond: 5 } });
    const { tab, welcome } = await h.tab(relay);
    const native = await h.dial(welcome.address);
    for (let i = 0; i < 20; i++) native.socket.send(`frame ${i}`);
    const s = await statsUntil(relay, (st) => st.framesForwarded + (st.framesDropped["rate-frames"] ?? 0) === 20, "all 20 frames to be forwarded or dropped");
    expect(s.framesDropped["rate-frames"]).toBeGreaterThan(0);
    expect((await tab.frame()).frame).toBe("frame 0");
  });

  it("refuses tabs beyond the relay's total with 4001", async () => {
    const relay = await h.relay({ limits: { maxTabs: 2, maxTabsPerIp: 10 } });
    await h.tab(relay);
    await h.tab(relay);
    expect(await h.openTab(relay).closed).toEqual({ code: 4001, reason: "relay-full" });
    expect(relay.stats().connectionsClosed["relay-full"]).toBe(1);
  });

  it("refuses tabs beyond the per-IP cap with 4002, counting by X-Forwarded-For only when told to trust it", async () => {
    const relay = await h.relay({ limits: { maxTabsPerIp: 1 } });
    await h.tab(relay);
    expect(await h.openTab(relay, { headers: { "x-forwarded-for": "203.0.113.9" } }).closed).toEqual({ code: 4002, reason: "ip-full" });

    const proxied = await h.relay({ limits: { maxTabsPerIp: 1 }, trustProxy: true });
    await h.tab(proxied, { headers: { "x-forwarded-for": "198.51.100.1" } });
    await h.tab(proxied, { headers: { "x-forwarded-for": "10.0.0.1, 198.51.100.2" } });
    expect(await h.openTab(proxied, { headers: { "x-forwarded-for": "198.51.100.2" } }).closed).toMatchObject({ code: 4002 });
  });

  it("caps the outbound links one tab may hold", async () => {
    const relay = await h.relay({ limits: { maxLinksPerTab: 1 } });
    const { tab: a } = await h.tab(relay);
    const { welcome: wb } = await h.tab(relay);
    const { welcome: wc } = await h.tab(relay);
    a.send(wb.address, "first link");
    a.send(wc.address, "second link");
    expect(await a.take("link-fail")).toMatchObject({ to: wc.address, reason: "links-full" });
    expect(relay.stats().linksRefused["links-full"]).toBe(1);
  });

  it("caps the connections to one tab's address with 4007", async () => {
    const relay = await h.relay({ limits: { maxInboundPerTab: 1 } });
    const { tab, welcome } = await h.tab(relay);
    await h.dial(welcome.address);
    await tab.take("inbound-open");
    expect(await (await h.dial(welcome.address)).closed).toEqual({ code: 4007, reason: "inbound-full" });
    const { tab: other } = await h.tab(relay);
    other.send(welcome.address, "x");
    expect(await other.take("link-fail")).toMatchObject({ reason: "inbound-full" });
  });

  it("drops a tab and a Tabnode peer that stop answering pings; keeps a tutorial node that answers none but reads", async () => {
    const relay = await h.relay({ limits: { heartbeatMs: 250 } });
    const frozen = h.openTab(relay, { autoPong: false });
    await frozen.take("welcome");
    const { tab, welcome } = await h.tab(relay);
    const deaf = await h.dial(welcome.address, { autoPong: false, headers: { "x-tabnode": "1" } });
    expect(await tab.take("inbound-open")).toMatchObject({ tabnode: true });
    // A tutorial node mining: no pongs for as long as it mines, no Tabnode header.
    const busy = await h.dial(welcome.address, { autoPong: false });
    const busyLink = await tab.take("inbound-open");
    expect(busyLink.tabnode).toBe(false);
    expect((await frozen.closed).code).toBe(1006);
    expect((await deaf.closed).code).toBe(1006);
    await statsUntil(relay, (st) => st.connectionsClosed["heartbeat-timeout"] === 2 && st.tabs.connected === 1 && st.links.inbound === 1, "both to be counted and gone");
    await new Promise((r) => setTimeout(r, 1000));
    busy.socket.send("still here");
    expect(await tab.frame()).toMatchObject({ link: busyLink.link, frame: "still here" });

    // Links the relay opens for a tab: the same, by what answered the dial.
    const tutorial = await h.nativeNode({ autoPong: false });
    const tabnode = await h.nativeNode({ autoPong: false, tabnode: true });
    tab.send(tutorial.address, "one");
    expect(await tab.take("link-open")).toEqual({ t: "link-open", to: tutorial.address, tabnode: false });
    tab.send(tabnode.address, "one");
    expect(await tab.take("link-open")).toEqual({ t: "link-open", to: tabnode.address, tabnode: true });
    expect(await tab.take("link-close")).toMatchObject({ to: tabnode.address, reason: "heartbeat-timeout" });
    await new Promise((r) => setTimeout(r, 1000));
    tab.send(tutorial.address, "two");
    expect(await tutorial.frameAt(1)).toBe("two");
    expect(relay.stats().links.outbound).toBe(1);
  });

  it("drops frames for a tab that does not read, then closes it with 4008 when an event cannot be sent", async () => {
    const frame = "z".repeat(256 * 1024);
    const relay = await h.relay({ limits: { maxBufferedBytes: 64 * 1024, framesPerSecond: 10_000, bytesPerSecond: 1 << 30 } });
    const { tab: sender } = await h.tab(relay);
    const { tab: stuck, welcome } = await h.tab(relay);
    stuck.socket.pause(); // stops reading: the kernel buffers fill, then the relay's
    sender.send(welcome.address, frame);
    await sender.take("link-open");
    // A drop alone is not enough: what one turn sends is held until the turn ends (write-batch.ts), so a burst
    // can be dropped while the kernel still has room. The unsent bytes must stay over the cap after the turn.
    const stuckFull = (s: RelayStats) => (s.framesDropped.backpressure ?? 0) > 0 && s.buffered.bytes > 64 * 1024;
    let sent = 1;
    await statsUntil(
      relay,
      (s) => {
        if (!stuckFull(s) && sent < 400) for (let i = 0; i < 10; i++, sent++) sender.send(welcome.address, frame);
        return stuckFull(s);
      },
      "a frame to be dropped for backpressure",
    );
    sender.hangUp(welcome.address); // an event (inbound-close) for the stuck tab
    await statsUntil(relay, (s) => s.connectionsClosed.backpressure === 1, "the stuck tab to be closed");
    stuck.socket.resume();
    expect(await stuck.closed).toEqual({ code: 4008, reason: "backpressure" });
  });

  it("drops frames for the relay's total budget, and cuts only the tab that holds more than its share of it", async () => {
    // Each delivered frame holds exactly 1 KiB (its 23-byte envelope header and 1001 bytes), so 64 fill the budget to the byte.
    const budget = 64 * 1024;
    const relay = await h.relay({ limits: { maxTotalBufferedBytes: budget, maxTabs: 2, framesPerSecond: 100_000, bytesPerSecond: 1 << 30 } });
    const { tab: sender } = await h.tab(relay);
    const { tab: stuck, welcome } = await h.tab(relay);
    stuck.socket.pause(); // the kernel's buffers fill first, then the relay's
    const frame = "k".repeat(1001);
    sender.send(welcome.address, frame);
    await sender.take("link-open");
    // Fewer frames a round than fill the budget: what one turn sends waits for the end of the turn (write-batch.ts).
    const full = (st: RelayStats) => st.buffered.bytes === budget && (st.framesDropped["relay-memory"] ?? 0) > 0;
    await statsUntil(
      relay,
      (st) => {
        if (!full(st)) for (let i = 0; i < 60; i++) sender.send(welcome.address, frame);
        return full(st);
      },
      "the stuck tab's unsent bytes to fill the relay's budget",
    );
    expect(relay.stats().buffered).toEqual({ bytes: budget, peakBytes: budget, limitBytes: budget });

    sender.hangUp(welcome.address); // an event for each end: the reader gets its own, the stuck tab is cut
    expect(await sender.take("link-close")).toMatchObject({ reason: "closed-by-tab" });
    await statsUntil(relay, (s) => s.connectionsClosed["relay-memory"] === 1, "the stuck tab to be closed");
    stuck.socket.resume();
    expect(await stuck.closed).toEqual({ code: 4009, reason: "relay-memory" });
    await statsUntil(relay, (s) => s.buffered.bytes === 0, "its bytes to be given back");
  });

  it("drops frames to a native node that does not read, and tells the tab", async () => {
    const relay = await h.relay({ limits: { maxBufferedBytes: 64 * 1024, framesPerSecond: 10_000, bytesPerSecond: 1 << 30 } });
    const node = await h.nativeNode();
    node.server.on("connection", (ws) => (ws as unknown as { _socket: { pause(): void } })._socket.pause());
    const { tab } = await h.tab(relay);
    const frame = "w".repeat(256 * 1024);
    tab.send(node.address, frame);
    await tab.take("link-open");
    for (let i = 0; i < 200 && tab.pending("error").length === 0; i++) {
      tab.send(node.address, frame);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await tab.take("error")).toMatchObject({ reason: "backpressure", to: node.address });
    expect(relay.stats().framesDropped.backpressure).toBeGreaterThan(0);
  });
});

describe("relay envelope errors", () => {
  const bad: [string, string | Buffer, string][] = [
    ["not JSON", "hello", "envelope-not-json"],
    ["an unknown type", JSON.stringify({ t: "teleport" }), "envelope-unknown-type"],
    ["an address that is not a string", `${JSON.stringify({ t: "send", to: 5 })}\nx`, "envelope-shape"],
    ["a send without a frame", JSON.stringify({ t: "send", to: "ws://127.0.0.1:1" }), "envelope-shape"],
    ["a frame after a close", `${JSON.stringify({ t: "close", to: "ws://127.0.0.1:1" })}\nx`, "envelope-shape"],
    ["a fractional link", JSON.stringify({ t: "drop", link: 1.5 }), "envelope-shape"],
    ["a JSON array", "[1,2,3]", "envelope-shape"],
    ["JSON null", "null", "envelope-shape"],
    ["a header of 5000 bytes", `{"t":"send","to":"${"a".repeat(5000)}"}\nx`, "envelope-shape"],
    ["a binary message", Buffer.from([1, 2, 3]), "envelope-binary"],
  ];

  it.each(bad)("answers %s with an error event and keeps serving", async (_what, data, reason) => {
    const relay = await h.relay();
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    a.raw(data, Buffer.isBuffer(data));
    expect(await a.take("error")).toMatchObject({ reason });
    a.send(wb.address, "still here");
    expect((await b.frame()).frame).toBe("still here");
  });

  it("closes a connection that breaks WebSocket framing (invalid UTF-8 in a text frame) without harm to others", async () => {
    const relay = await h.relay();
    const { tab: a, welcome: wa } = await h.tab(relay);
    const native = await h.dial(wa.address);
    // ws will not send invalid UTF-8 as text, so the frame is written by hand:
    // FIN + text opcode, mask bit + length 2, a zero mask, then C3 28 (a broken two-byte sequence).
    const raw = (native.socket as unknown as { _socket: { write(b: Buffer): void } })._socket;
    raw.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
    expect((await native.closed).code).toBe(1007);
    const { tab: b } = await h.tab(relay);
    b.send(wa.address, "relay alive");
    expect((await a.frame()).frame).toBe("relay alive");
  });

  it("drops a binary frame sent to a tab's address: the envelope carries text", async () => {
    const relay = await h.relay();
    const { tab, welcome } = await h.tab(relay);
    const native = await h.dial(welcome.address);
    native.socket.send(Buffer.from([0xff, 0x00]), { binary: true });
    native.socket.send("text after binary");
    expect((await tab.frame()).frame).toBe("text after binary");
    expect(relay.stats().framesDropped["frame-binary"]).toBe(1);
  });
});
