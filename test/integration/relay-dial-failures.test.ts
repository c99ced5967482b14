/**
 * A failed dial tells the tab nothing about the target: the same reason and
 * detail whatever the target did, never before the dial timeout, and the link
 * keeps its slot and its queue until then, as a dial still under way does.
 * Every target here is a server on 127.0.0.1.
 */
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { DIAL_FAILED_DETAIL } from "../../relay/native-link.ts";
import { MISBEHAVIOURS, rawTarget, type Target } from "../support/dial-targets.ts";
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";

const h = new RelayHarness();
const targets: Target[] = [];
afterEach(async () => {
  await h.cleanup();
  for (const t of targets.splice(0)) await t.close();
});

async function target(behave: (typeof MISBEHAVIOURS)[string]): Promise<Target> {
  const t = await rawTarget(behave);
  targets.push(t);
  return t;
}

const DIAL_TIMEOUT_MS = 400;

describe("failed dials", () => {
  it("look alike to the tab, whatever the target did, and are reported when the dial timeout ends", async () => {
    const relay = await h.relay({ limits: { dialTimeoutMs: DIAL_TIMEOUT_MS } });
    const { tab } = await h.tab(relay);
    const addresses = new Map<string, string>();
    for (const [what, behave] of Object.entries(MISBEHAVIOURS)) addresses.set((await target(behave)).address, what);
    const banner = (await target(MISBEHAVIOURS["a banner before any request"]!)).port;
    addresses.set(`wss://127.0.0.1:${banner}`, "TLS to a server that does not speak it");
    addresses.set(`ws://127.0.0.1:${await h.closedPort()}`, "a closed port");
    addresses.set(`ws://localhost:${await h.closedPort()}/peer/x`, "a closed port, by name");

    const sentAt = performance.now();
    for (const to of addresses.keys()) tab.send(to, "hello?");
    const failures = await Promise.all([...addresses.keys()].map(async (to) => ({ to, m: await tab.take("link-fail", (m) => m.to === to), at: performance.now() })));

    for (const { to, m, at } of failures) {
      expect({ what: addresses.get(to), m }).toEqual({ what: addresses.get(to), m: { t: "link-fail", to, reason: "dial-failed", detail: DIAL_FAILED_DETAIL } });
      expect(at - sentAt).toBeGreaterThanOrEqual(DIAL_TIMEOUT_MS);
    }
    expect(tab.pending("error")).toEqual([]);
    const stats = relay.stats();
    expect(stats.linksRefused).toEqual({ "dial-failed": addresses.size });
    expect(stats.framesDropped).toEqual({ "dial-failed": addresses.size });
  });

  it("keep their slot and their queue until reported, so a refusal frees nothing early", async () => {
    const relay = await h.relay({ limits: { dialTimeoutMs: 1500, maxLinksPerTab: 1, maxBufferedBytes: 1000 } });
    const { tab } = await h.tab(relay);
    const { welcome: other } = await h.tab(relay);
    const closed = `ws://127.0.0.1:${await h.closedPort()}`;
    tab.send(closed, "x".repeat(600));
    await new Promise((r) => setTimeout(r, 100)); // the port refused at once: the relay knows, the tab must not

    tab.send(other.address, "another link");
    expect(await tab.take("link-fail", (m) => m.to === other.address)).toMatchObject({ reason: "links-full" });
    tab.send(closed, "y".repeat(600));
    expect(await tab.take("error")).toMatchObject({ reason: "backpressure", to: closed });
    expect(relay.stats().links.outbound).toBe(1);

    expect(await tab.take("link-fail", (m) => m.to === closed, 5000)).toMatchObject({ reason: "dial-failed" });
    tab.send(other.address, "now there is room");
    expect(await tab.take("link-open")).toMatchObject({ to: other.address });
  });

  it("end as a dial under way would when the tab hangs up before the report", async () => {
    const relay = await h.relay({ limits: { dialTimeoutMs: 5000 } });
    const { tab } = await h.tab(relay);
    const silent = await target(MISBEHAVIOURS.silence!);
    const closed = `ws://127.0.0.1:${await h.closedPort()}`;
    tab.send(silent.address, "x");
    tab.send(closed, "x");
    await new Promise((r) => setTimeout(r, 100));
    tab.hangUp(silent.address);
    tab.hangUp(closed);
    const still = await tab.take("link-close", (m) => m.to === silent.address);
    const failed = await tab.take("link-close", (m) => m.to === closed);
    expect({ ...failed, to: "" }).toEqual({ ...still, to: "" });
    expect(still).toMatchObject({ reason: "closed-by-tab", code: 1006 });
    await statsUntil(relay, (s) => s.links.outbound === 0, "both links to be gone");
  });
});
