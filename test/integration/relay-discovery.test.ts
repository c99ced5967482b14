/**
 * What each tab is told of other tabs, past PEERS_PER_TAB of them: a sample
 * in the welcome, newcomers while it knows fewer, and the leaving of those it
 * was told of (and only those). Tabs are simulated (relay-tab.ts) on one
 * relay on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PEERS_PER_TAB } from "../../relay/discovery.ts";
import { RelayHarness, until } from "../support/relay-harness.ts";
import type { RelayMessage, RelayTab, Welcome } from "../support/relay-tab.ts";

const h = new RelayHarness();
afterEach(() => h.cleanup());

type Peer = { address: string; kind: string };

/** What a tab knows now: its welcome's tabs, plus joins, minus leaves, as the page applies them. */
function knownBy(welcome: Welcome, events: readonly RelayMessage[]): Set<string> {
  const known = new Set(welcome.peers.filter((p) => p.kind === "tab").map((p) => p.address));
  for (const e of events) {
    for (const p of e.leave as Peer[]) known.delete(p.address);
    for (const p of e.join as Peer[]) known.add(p.address);
  }
  return known;
}

describe("telling tabs of each other, past a few dozen", () => {
  it("tells each tab of at most PEERS_PER_TAB others, and of the leaving of those it knows", async () => {
    const relay = await h.relay({ limits: { graceMs: 50, maxTabsPerIp: 100 } });
    const n = PEERS_PER_TAB + 10;
    const opened: { tab: RelayTab; welcome: Welcome }[] = [];
    for (let i = 0; i < n; i++) opened.push(await h.tab(relay));
    const events = (t: RelayTab) => t.pending("peers");
    await new Promise((r) => setTimeout(r, 300)); // the last batch of news

    const addresses = new Set(opened.map((o) => o.welcome.address));
    for (const { tab, welcome } of opened) {
      const known = knownBy(welcome, events(tab));
      expect(known.size).toBe(PEERS_PER_TAB); // there are more than enough others to know
      expect(known.has(welcome.address)).toBe(false);
      for (const a of known) expect(addresses.has(a)).toBe(true);
      expect(welcome.peers.length).toBeLessThanOrEqual(PEERS_PER_TAB);
    }
    // The first tab was told of the next PEERS_PER_TAB, in joins; not of the ones after.
    const [first] = opened;
    const firstKnows = knownBy(first!.welcome, events(first!.tab));
    expect([...firstKnows].sort()).toEqual(opened.slice(1, PEERS_PER_TAB + 1).map((o) => o.welcome.address).sort());

    // A tab the first knows leaves: the first hears it, and then hears of the next newcomer.
    const leaving = opened[1]!;
    await leaving.tab.disconnect();
    const gone = await first!.tab.take("peers", (m) => (m.leave as Peer[]).length > 0);
    expect(gone.leave).toEqual([{ address: leaving.welcome.address, kind: "tab" }]);
    const newcomer = await h.tab(relay);
    const heard = await first!.tab.take("peers", (m) => (m.join as Peer[]).some((p) => p.address === newcomer.welcome.address));
    expect(heard.join).toEqual([{ address: newcomer.welcome.address, kind: "tab" }]);

    // A tab the first was never told of leaves: the first hears nothing of it.
    const stranger = opened[n - 1]!;
    expect(firstKnows.has(stranger.welcome.address)).toBe(false);
    await stranger.tab.disconnect();
    // (a tab that joins when every other knows enough is announced to no one: it finds them from its welcome)
    const watchers = opened.filter((o) => o !== stranger && knownBy(o.welcome, events(o.tab)).has(stranger.welcome.address));
    const heardLeave = (t: RelayTab) => events(t).some((m) => (m.leave as Peer[]).some((p) => p.address === stranger.welcome.address));
    for (const w of watchers) await until(() => heardLeave(w.tab), 5000, "each tab that knew it hears it leave");
    await new Promise((r) => setTimeout(r, 300));
    expect(heardLeave(first!.tab)).toBe(false);
    expect(opened.filter((o) => o !== stranger && heardLeave(o.tab)).length).toBe(watchers.length);
  });
});
