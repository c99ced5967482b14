/**
 * A tab's address outlives a reload: within the grace period the same resume
 * token brings back the same address and the links that were open; after it
 * the address is released. A relay restart loses every address, and tabs
 * connect again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";

const h = new RelayHarness();
afterEach(() => h.cleanup());

describe("relay resume and restart", () => {
  it("keeps a tab's address and its inbound links across a reconnect within the grace period", async () => {
    const relay = await h.relay({ limits: { graceMs: 5000 } });
    const { tab, welcome } = await h.tab(relay);
    const native = await h.dial(welcome.address);
    const opened = await tab.take("inbound-open");
    await tab.disconnect();
    await statsUntil(relay, (s) => s.tabs.away === 1, "the tab to be away");

    native.socket.send("while away");
    await statsUntil(relay, (s) => s.framesDropped["tab-away"] === 1, "the frame to be dropped");

    const back = await h.tab(relay, { resume: welcome.resume });
    expect(back.welcome).toMatchObject({ id: welcome.id, address: welcome.address, resumed: true, inbound: [opened.link], tabnodeInbound: [] });
    native.socket.send("after the reload");
    expect(await back.tab.frame()).toMatchObject({ link: opened.link, frame: "after the reload" });
    expect(relay.stats().tabs).toEqual({ connected: 1, away: 0 });
  });

  it("keeps the tab's open outbound links across a reconnect, and lists them in the welcome", async () => {
    const relay = await h.relay({ limits: { graceMs: 5000 } });
    const node = await h.nativeNode();
    const { tab, welcome } = await h.tab(relay);
    tab.send(node.address, "one");
    await tab.take("link-open");
    await tab.disconnect();
    const back = await h.tab(relay, { resume: welcome.resume });
    expect(back.welcome.outbound).toEqual([node.address]);
    // The test's native node shows no Tabnode header: a tutorial node, as far as the relay can tell.
    expect(back.welcome.tabnodeOutbound).toEqual([]);
    back.tab.send(node.address, "two");
    expect(await node.frameAt(1)).toBe("two");
    expect(node.server.clients.size).toBe(1);
  });

  it("tells a reloaded tab which kept links showed Tabnode's header, both ways", async () => {
    const relay = await h.relay({ limits: { graceMs: 5000 } });
    const tutorial = await h.nativeNode();
    const tabnode = await h.nativeNode({ tabnode: true });
    const { tab, welcome } = await h.tab(relay);
    tab.send(tutorial.address, "one");
    await tab.take("link-open", (m) => m.to === tutorial.address);
    tab.send(tabnode.address, "one");
    await tab.take("link-open", (m) => m.to === tabnode.address);
    await h.dial(welcome.address);
    const plain = (await tab.take("inbound-open")).link as number;
    await h.dial(welcome.address, { headers: { "x-tabnode": "1" } });
    const marked = (await tab.take("inbound-open")).link as number;
    await tab.disconnect();
    const back = await h.tab(relay, { resume: welcome.resume });
    expect(new Set(back.welcome.outbound)).toEqual(new Set([tutorial.address, tabnode.address]));
    expect(back.welcome.tabnodeOutbound).toEqual([tabnode.address]);
    expect(new Set(back.welcome.inbound)).toEqual(new Set([plain, marked]));
    expect(back.welcome.tabnodeInbound).toEqual([marked]);
  });

  it("releases the address after the grace period: links end, others hear the tab leave, the token is void", async () => {
    const relay = await h.relay({ limits: { graceMs: 150 } });
    const { tab: watcher } = await h.tab(relay);
    const { tab, welcome } = await h.tab(relay);
    const native = await h.dial(welcome.address);
    await tab.take("inbound-open");
    await tab.disconnect();

    expect(await native.closed).toEqual({ code: 4006, reason: "tab-gone" });
    expect(await watcher.take("peers", (m) => (m.leave as unknown[]).length > 0)).toMatchObject({ leave: [{ address: welcome.address }] });
    const late = await h.dial(welcome.address);
    expect(await late.closed).toEqual({ code: 4004, reason: "peer-unknown" });

    const again = await h.tab(relay, { resume: welcome.resume });
    expect(again.welcome.resumed).toBe(false);
    expect(again.welcome.address).not.toBe(welcome.address);
  });

  it("moves a tab to its newest socket when it reconnects before the old one closed", async () => {
    const relay = await h.relay();
    const { tab: old, welcome } = await h.tab(relay);
    const { tab: fresh, welcome: again } = await h.tab(relay, { resume: welcome.resume });
    expect(again).toMatchObject({ id: welcome.id, resumed: true });
    expect(await old.closed).toEqual({ code: 4005, reason: "replaced" });
    const native = await h.dial(welcome.address);
    native.socket.send("to the new socket");
    expect((await fresh.frame()).frame).toBe("to the new socket");
  });

  it("lets tabs reconnect after a relay restart on the same port", async () => {
    const first = await h.relay();
    const { tab, welcome } = await h.tab(first);
    const port = first.port;
    await first.close();
    expect(await tab.closed).toEqual({ code: 1001, reason: "shutting-down" });

    const second = await h.relay({ port });
    const { tab: back, welcome: fresh } = await h.tab(second, { resume: welcome.resume });
    expect(fresh.resumed).toBe(false); // a restart forgets every address
    const { tab: other } = await h.tab(second);
    other.send(fresh.address, "hello again");
    expect((await back.frame()).frame).toBe("hello again");
  });
});
