/**
 * The relay dialing for tabs: refused addresses are never dialed (each with
 * its reason), failures and timeouts are reported, and the relay's own tab
 * addresses stay in process (relay-self-dial.test.ts: other spellings of the
 * relay are refused). Every connection made here is to 127.0.0.1.
 */
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RelayHarness, until } from "../support/relay-harness.ts";

const h = new RelayHarness();
afterEach(() => h.cleanup());

describe("relay dialing", () => {
  const refused: [string, string][] = [
    ["http://127.0.0.1:1/", "address-scheme"],
    ["ws+unix:/tmp/relay.sock", "address-scheme"],
    ["not an address", "address-not-url"],
    ["ws://10.1.2.3:3000", "address-private"],
    ["ws://[fd00::1]:3000", "address-private"],
    ["ws://169.254.169.254/", "address-link-local"],
    ["ws://0.0.0.0:3000", "address-special"],
    ["ws://224.0.0.1:3000", "address-special"],
  ];

  it.each(refused)("never dials %s (%s)", async (to, reason) => {
    const relay = await h.relay();
    const { tab } = await h.tab(relay);
    tab.send(to, "x");
    expect(await tab.take("link-fail")).toMatchObject({ to, reason });
    expect(relay.stats().linksRefused[reason as "address-scheme"]).toBe(1);
  });

  it("refuses loopback when loopback is switched off", async () => {
    const relay = await h.relay({ dial: { allowLoopback: false } });
    const node = await h.nativeNode();
    const { tab } = await h.tab(relay);
    tab.send(node.address, "x");
    tab.send(`ws://localhost:${node.port}`, "x");
    expect(await tab.take("link-fail")).toMatchObject({ reason: "address-loopback" });
    expect(await tab.take("link-fail")).toMatchObject({ reason: "address-loopback" });
    expect(node.server.clients.size).toBe(0);
  });

  it("reports a dial that fails, and a tab address that does not exist", async () => {
    const relay = await h.relay({ limits: { dialTimeoutMs: 200 } }); // failures are reported when the dial timeout ends
    const port = await h.closedPort();
    const { tab } = await h.tab(relay);
    tab.send(`ws://127.0.0.1:${port}`, "x");
    expect(await tab.take("link-fail")).toMatchObject({ to: `ws://127.0.0.1:${port}`, reason: "dial-failed" });
    tab.send(`${relay.publicBase}/peer/nobody`, "x");
    expect(await tab.take("link-fail")).toMatchObject({ reason: "peer-unknown" });
    expect((await (await h.dial(`${relay.publicBase}/peer/nobody`)).closed).code).toBe(4004);
  });

  it("gives up on a target that accepts TCP but never answers the WebSocket handshake", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const to = `ws://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const relay = await h.relay({ limits: { dialTimeoutMs: 100 } });
      const { tab } = await h.tab(relay);
      tab.send(to, "x");
      expect(await tab.take("link-fail")).toMatchObject({ to, reason: "dial-failed" });
      expect(relay.stats().framesDropped["dial-failed"]).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("drops whatever a native node sends back on a link the relay opened", async () => {
    const relay = await h.relay();
    const node = await h.nativeNode();
    node.server.on("connection", (ws) => ws.send("JeChain nodes never do this"));
    const { tab } = await h.tab(relay);
    tab.send(node.address, "hello");
    await tab.take("link-open");
    await node.frameAt(0);
    await until(() => relay.stats().framesDropped["unexpected-frame"] === 1, 5000, "the frame to be dropped");
    expect(tab.pending("frame")).toEqual([]);
  });

  it("keeps sends to its own tab addresses in process, in the public spelling and the local one", async () => {
    const relay = await h.relay({ publicUrl: "https://relay.localhost/" });
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    expect(wb.address).toBe(`wss://relay.localhost/peer/${wb.id}`);
    a.send(wb.address, "by the public address");
    expect((await b.frame()).frame).toBe("by the public address");
    a.send(`ws://127.0.0.1:${relay.port}/peer/${wb.id}`, "by the local address");
    expect((await b.frame()).frame).toBe("by the local address");
    expect(relay.stats().links).toEqual({ inbound: 0, outbound: 0, tabToTab: 2 });
  });
});
