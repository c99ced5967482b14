/**
 * The relay never dials itself: every spelling of its own address that it
 * does not serve in process is refused with `dial-self` before a packet is
 * sent, and one that reaches it by a path no address rule can see (a port
 * forward, as a proxy or NAT would be) is caught by the mark its dials carry.
 * Tabs still reach each other in process by the spellings the relay knows.
 * Every spelling here is in 127.0.0.0/8 (or 0.0.0.0, refused anyway), so
 * even a relay without the rule would send nothing further; `[::1]`,
 * `localhost.` and other names are covered by the rule's unit tests
 * (relay-rules.test.ts), where nothing is dialed or looked up.
 */
import { afterEach, describe, expect, it } from "vitest";
import { forwardTo, type Target } from "../support/dial-targets.ts";
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";

const h = new RelayHarness();
const targets: Target[] = [];
afterEach(async () => {
  await h.cleanup();
  for (const t of targets.splice(0)) await t.close();
});

describe("the relay and its own address", () => {
  it("refuses every spelling of itself it does not serve in process, without dialing", async () => {
    const relay = await h.relay();
    const { tab } = await h.tab(relay);
    const { welcome: other } = await h.tab(relay);
    const port = relay.port;
    const spellings = [
      `ws://127.0.0.2:${port}/peer/${other.id}`,
      `ws://127.1.2.3:${port}/`,
      `ws://127.1:${port}/peer/${other.id}`,
      `ws://2130706433:${port}/peer/${other.id}`,
      `ws://[::ffff:127.0.0.1]:${port}/peer/${other.id}`,
      `ws://0.0.0.0:${port}/peer/${other.id}`,
      `ws://127.0.0.1:${port}/tab`,
      `ws://127.0.0.1:${port}/api/relay`,
      `ws://localhost:${port}//peer/${other.id}`,
      `wss://127.0.0.1:${port}/peer/${other.id}`,
    ];
    for (const to of spellings) tab.send(to, "to myself");
    for (const to of spellings) expect(await tab.take("link-fail", (m) => m.to === to)).toMatchObject({ to, reason: "dial-self" });

    const stats = relay.stats();
    expect(stats.linksRefused).toEqual({ "dial-self": spellings.length });
    expect(stats.connectionsClosed).toEqual({}); // nothing reached the relay's own door
    expect(stats.tabs).toEqual({ connected: 2, away: 0 });
    expect(stats.links).toEqual({ inbound: 0, outbound: 0, tabToTab: 0 });
  });

  it("keeps tab-to-tab sends in process, and dials other ports of this machine as before", async () => {
    const relay = await h.relay();
    const node = await h.nativeNode();
    const { tab: a } = await h.tab(relay);
    const { tab: b, welcome: wb } = await h.tab(relay);
    a.send(wb.address, "by the public spelling");
    a.send(`ws://localhost:${relay.port}/peer/${wb.id}`, "by the local one");
    expect((await b.frame()).frame).toBe("by the public spelling");
    expect((await b.frame()).frame).toBe("by the local one");
    a.send(`ws://127.0.0.1:${relay.port}/peer/nobody`, "x");
    expect(await a.take("link-fail")).toMatchObject({ reason: "peer-unknown" });
    a.send(node.address, "to a native node on this machine");
    expect(await node.frameAt(0)).toBe("to a native node on this machine");
    expect(relay.stats().links).toEqual({ inbound: 0, outbound: 1, tabToTab: 2 });
  });

  it("catches its own dial coming back through a port forward, and serves nothing to it", async () => {
    const relay = await h.relay({ limits: { dialTimeoutMs: 5000 } });
    const forward = await forwardTo(relay.port);
    targets.push(forward);
    const { tab, welcome } = await h.tab(relay);
    for (const path of ["/tab", `/peer/${welcome.id}`]) {
      const to = `${forward.address}${path}`;
      tab.send(to, "around the loop");
      expect(await tab.take("link-fail", (m) => m.to === to)).toMatchObject({ reason: "dial-self" });
    }
    const stats = await statsUntil(relay, (s) => s.connectionsClosed["dial-self"] === 2, "both loops to be refused at the door");
    expect(stats.tabs.connected).toBe(1);
    expect(stats.links).toEqual({ inbound: 0, outbound: 0, tabToTab: 0 });
    expect(tab.pending("inbound-open")).toEqual([]);

    // A client that is not the relay passes through the same forward.
    const dialer = await h.dial(`${forward.address}/peer/${welcome.id}`);
    dialer.socket.send("through the forward");
    expect((await tab.frame()).frame).toBe("through the forward");
  });
});
