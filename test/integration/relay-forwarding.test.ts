/**
 * The relay's purpose, with real sockets on 127.0.0.1: tabs get addresses,
 * frames cross between tabs and native nodes unchanged, and every tab learns
 * who is out there.
 */
import { afterEach, describe, expect, it } from "vitest";
import vectors from "../vectors/jechain-v0.2.0.json" with { type: "json" };
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";

const h = new RelayHarness();
afterEach(() => h.cleanup());

const frameOf = (type: string, data: unknown) => JSON.stringify({ type, data });

describe("relay forwarding", () => {
  it("gives each tab a ws://host:port/peer/<id> address and carries frames between two tabs", async () => {
    const relay = await h.relay();
    const { tab: a, welcome: wa } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    expect(wa.address).toBe(`ws://127.0.0.1:${relay.port}/peer/${wa.id}`);
    expect(wb.address).not.toBe(wa.address);

    a.send(wb.address, frameOf("TYPE_HANDSHAKE", [wa.address]));
    expect(await a.take("link-open")).toMatchObject({ to: wb.address });
    const opened = await b.take("inbound-open");
    const first = await b.frame();
    expect(first).toMatchObject({ link: opened.link, frame: frameOf("TYPE_HANDSHAKE", [wa.address]) });

    b.send(wa.address, frameOf("TYPE_HANDSHAKE", [wb.address]));
    expect((await a.frame()).frame).toBe(frameOf("TYPE_HANDSHAKE", [wb.address]));
    expect(relay.stats().links.tabToTab).toBe(2);
  });

  it("delivers every frame byte for byte, whatever it holds", async () => {
    const relay = await h.relay();
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    const odd = ["", "not json at all", 'line one\nline two\r\n{"t":"frame"}', "ünïcødé ✓ 𝄞", JSON.stringify(vectors.block1.block), " ".repeat(10_000)];
    for (const f of odd) a.send(wb.address, f);
    for (const f of odd) expect((await b.frame()).frame).toBe(f);
  });

  it("hands a native node's frames to the tab whose address it dialed, tagged with the link", async () => {
    const relay = await h.relay();
    const { tab, welcome } = await h.tab(relay);
    const native = await h.dial(welcome.address);
    const opened = await tab.take("inbound-open");
    const tx = frameOf("TYPE_CREATE_TRANSACTION", vectors.transaction.tx);
    const block = frameOf("TYPE_REPLACE_CHAIN", [vectors.block1.block, 2]);
    native.socket.send(frameOf("TYPE_HANDSHAKE", ["ws://127.0.0.1:3000"]));
    native.socket.send(tx);
    native.socket.send(block);
    expect((await tab.frame()).frame).toBe(frameOf("TYPE_HANDSHAKE", ["ws://127.0.0.1:3000"]));
    expect(await tab.frame()).toMatchObject({ link: opened.link, frame: tx });
    expect((await tab.frame()).frame).toBe(block);
    expect(relay.stats().links.inbound).toBe(1);

    native.socket.close();
    expect(await tab.take("inbound-close")).toMatchObject({ link: opened.link, reason: "remote-closed", code: 1005 });
  });

  it("dials a native node for the tab, keeps one connection per target, and writes frames unchanged", async () => {
    const relay = await h.relay();
    const node = await h.nativeNode();
    const { tab, welcome } = await h.tab(relay);
    const sent = [frameOf("TYPE_HANDSHAKE", [welcome.address]), frameOf("TYPE_CREATE_TRANSACTION", vectors.transaction.tx), frameOf("TYPE_REPLACE_CHAIN", [vectors.block1.block, 2])];
    for (const f of sent) tab.send(node.address, f); // sent before the link opens: queued, in order
    expect(await tab.take("link-open")).toMatchObject({ to: node.address });
    for (let i = 0; i < sent.length; i++) expect(await node.frameAt(i)).toBe(sent[i]);
    expect(node.server.clients.size).toBe(1);
    expect(relay.stats().links.outbound).toBe(1);

    tab.hangUp(node.address);
    expect(await tab.take("link-close")).toMatchObject({ to: node.address, reason: "closed-by-tab" });
    await statsUntil(relay, (s) => s.links.outbound === 0, "the link to end");
  });

  it("carries a handshake round trip between a native node and a tab, as a JeChain node would do it", async () => {
    const relay = await h.relay();
    const node = await h.nativeNode();
    const { tab, welcome } = await h.tab(relay);
    // The native node dials the tab's address and introduces itself...
    const native = await h.dial(welcome.address);
    native.socket.send(frameOf("TYPE_HANDSHAKE", [node.address]));
    const hello = JSON.parse((await tab.frame()).frame) as { data: string[] };
    // ...and the tab dials back the address it was given, then asks for the chain.
    tab.send(hello.data[0]!, frameOf("TYPE_HANDSHAKE", [welcome.address]));
    tab.send(hello.data[0]!, frameOf("TYPE_REQUEST_CHAIN", welcome.address));
    expect(JSON.parse(await node.frameAt(0))).toEqual({ type: "TYPE_HANDSHAKE", data: [welcome.address] });
    expect(JSON.parse(await node.frameAt(1))).toEqual({ type: "TYPE_REQUEST_CHAIN", data: welcome.address });
    native.socket.send(frameOf("TYPE_SEND_CHAIN", { block: vectors.block1.block, finished: true }));
    expect(JSON.parse((await tab.frame()).frame)).toEqual({ type: "TYPE_SEND_CHAIN", data: { block: vectors.block1.block, finished: true } });
    expect(relay.stats()).toMatchObject({ framesForwarded: 4, links: { inbound: 1, outbound: 1 } });
  });

  it("lets a tab drop an inbound link, and tells both ends of a tab-to-tab link", async () => {
    const relay = await h.relay();
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    a.send(wb.address, "x");
    const opened = await b.take("inbound-open");
    b.drop(opened.link as number);
    expect(await b.take("inbound-close")).toMatchObject({ link: opened.link, reason: "closed-by-tab" });
    expect(await a.take("link-close")).toMatchObject({ to: wb.address, reason: "closed-by-tab" });
    expect(relay.stats().links.tabToTab).toBe(0);
  });

  it("advertises native nodes, the home node and other tabs, and announces tabs as they come and go", async () => {
    const home = "ws://127.0.0.1:3001";
    const relay = await h.relay({ homeNode: home, peers: ["ws://127.0.0.1:3002", home, "wss://node.example:443"], limits: { graceMs: 100 } });
    const { tab: a, welcome: wa } = await h.tab(relay);
    expect(wa.peers).toEqual([
      { address: home, kind: "home" },
      { address: "ws://127.0.0.1:3002", kind: "native" },
      { address: "wss://node.example:443", kind: "native" },
    ]);
    const { tab: b, welcome: wb } = await h.tab(relay);
    expect(wb.peers).toContainEqual({ address: wa.address, kind: "tab" });
    expect(await a.take("peers")).toEqual({ t: "peers", join: [{ address: wb.address, kind: "tab" }], leave: [] });
    await b.disconnect();
    expect(await a.take("peers")).toEqual({ t: "peers", join: [], leave: [{ address: wb.address, kind: "tab" }] });
    expect(relay.stats().peers).toEqual({ home, native: ["ws://127.0.0.1:3002", "wss://node.example:443"] });
  });
});
