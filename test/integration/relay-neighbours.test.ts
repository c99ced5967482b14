/**
 * What a relay takes from the relays it is told of (RELAYS): a neighbour here
 * is a plain HTTP server on 127.0.0.1 whose answer the test controls, so
 * every shape of answer, a change, an outage and junk can be served.
 */
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { configFromEnv } from "../../relay/index.ts";
import { MAX_PEERS_PER_RELAY, PEER_LIST_PATH, peerListUrl, readPeerList } from "../../relay/neighbours.ts";
import { RelayHarness, statsUntil } from "../support/relay-harness.ts";
import type { RelayMessage } from "../support/relay-tab.ts";

const h = new RelayHarness();
let neighbour: Server | null = null;
afterEach(async () => {
  await h.cleanup();
  neighbour?.closeAllConnections();
  await new Promise((r) => (neighbour === null ? r(null) : neighbour.close(r)));
  neighbour = null;
});

/** A stand-in relay whose GET /api/relay/peers answers whatever `answer` holds at the moment. */
async function fakeRelay(answer: { status: number; body: string }): Promise<string> {
  neighbour = createServer((req, res) => {
    if (req.url !== PEER_LIST_PATH) return void res.writeHead(404).end();
    res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
  });
  await new Promise<void>((r) => neighbour!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(neighbour.address() as { port: number }).port}`;
}

const list = (...peers: { address: string; kind: string }[]) => JSON.stringify({ relay: "ws://127.0.0.1:1", peers });
const peerEvents = (m: RelayMessage) => ({ join: m.join as { address: string; kind: string }[], leave: m.leave as { address: string }[] });

describe("a relay's neighbours", () => {
  it("reads another relay's list strictly", () => {
    expect(readPeerList({ relay: "x", peers: [{ address: "ws://b:1/peer/abc", kind: "tab" }, { address: "ws://b:2", kind: "home" }] })).toEqual({
      ok: true,
      peers: [
        { address: "ws://b:1/peer/abc", kind: "tab" },
        { address: "ws://b:2", kind: "native" }, // its home is a native node to tabs here
      ],
    });
    expect(readPeerList({ relay: "x", peers: [{ address: "http://b:1", kind: "tab" }, { address: "not a url", kind: "tab" }] })).toEqual({ ok: true, peers: [] });
    expect(readPeerList({ relay: "x", peers: [{ address: "ws://b:1", kind: "relay" }] }).ok).toBe(false);
    expect(readPeerList({ peers: [] }).ok).toBe(false);
    expect(readPeerList([]).ok).toBe(false);
    expect(readPeerList({ relay: "x", peers: [{ address: `ws://b:1/${"x".repeat(3000)}`, kind: "tab" }] }).ok).toBe(false);
    const many = Array.from({ length: 1000 }, (_, i) => ({ address: `ws://b:1/peer/${i}`, kind: "tab" }));
    const r = readPeerList({ relay: "x", peers: many });
    expect(r.ok && r.peers.length).toBe(MAX_PEERS_PER_RELAY);
    expect(peerListUrl("https://relays.example/b/")).toBe("https://relays.example/b/api/relay/peers");
    expect(peerListUrl("wss://relays.example/b")).toBe("https://relays.example/b/api/relay/peers");
  });

  it("tells its tabs of a neighbour's peers as they come and go, and forgets them when it stays down", async () => {
    const answer = { status: 200, body: list({ address: "ws://127.0.0.1:1/peer/t1", kind: "tab" }, { address: "ws://127.0.0.1:2", kind: "home" }) };
    const url = await fakeRelay(answer);
    const home = "ws://127.0.0.1:3";
    const relay = await h.relay({ homeNode: home, relays: [url], relaysPollMs: 100 });
    const { tab } = await h.tab(relay);
    const first = peerEvents(await tab.take("peers", (m) => (m.join as unknown[]).length > 0));
    expect(first.join).toEqual([
      { address: "ws://127.0.0.1:1/peer/t1", kind: "tab" },
      { address: "ws://127.0.0.1:2", kind: "native" },
    ]);
    // A tab that connects now finds them in its welcome, after this relay's own home.
    const { welcome } = await h.tab(relay);
    expect(welcome.peers.slice(0, 1)).toEqual([{ address: home, kind: "home" }]);
    expect(welcome.peers).toContainEqual({ address: "ws://127.0.0.1:1/peer/t1", kind: "tab" });

    // One leaves, one joins; an address of this relay's own (its home) is never announced as the neighbour's.
    answer.body = list({ address: "ws://127.0.0.1:2", kind: "home" }, { address: "ws://127.0.0.1:1/peer/t2", kind: "tab" }, { address: home, kind: "native" });
    const change = peerEvents(await tab.take("peers", (m) => (m.leave as unknown[]).length > 0));
    expect(change.leave).toEqual([{ address: "ws://127.0.0.1:1/peer/t1", kind: "tab" }]);
    // (the second tab of this relay may join in the same batch)
    expect(change.join.filter((p) => !p.address.startsWith(relay.publicBase))).toEqual([{ address: "ws://127.0.0.1:1/peer/t2", kind: "tab" }]);
    expect(relay.stats().relays).toEqual({ known: 1, up: 1, peers: 3 });

    // Down for three polls: its peers are gone.
    answer.status = 503;
    const gone = peerEvents(await tab.take("peers", (m) => (m.leave as unknown[]).length > 0));
    expect(gone.leave.map((p) => p.address).sort()).toEqual(["ws://127.0.0.1:1/peer/t2", "ws://127.0.0.1:2"]);
    expect(tab.pending("peers").flatMap((m) => peerEvents(m).join)).not.toContainEqual({ address: home, kind: "native" });
    await statsUntil(relay, (s) => s.relays.up === 0 && s.relays.peers === 0, "the neighbour counted down");
  });

  it("serves other relays its own peers, at most MAX_PEERS_PER_RELAY, the same from one poll to the next", async () => {
    const relay = await h.relay({ homeNode: "ws://127.0.0.1:3", limits: { maxTabsPerIp: MAX_PEERS_PER_RELAY + 20 } });
    const tabs = [];
    for (let i = 0; i < MAX_PEERS_PER_RELAY + 5; i++) tabs.push((await h.tab(relay)).welcome.address);
    const served = async () => (await (await fetch(`${relay.url}${PEER_LIST_PATH}`)).json()) as { relay: string; peers: { address: string; kind: string }[] };
    const first = await served();
    expect(first.relay).toBe(relay.publicBase);
    expect(first.peers).toHaveLength(MAX_PEERS_PER_RELAY);
    expect(first.peers[0]).toEqual({ address: "ws://127.0.0.1:3", kind: "home" });
    // Its longest-held tabs, in the order they came.
    expect(first.peers.slice(1).map((p) => p.address)).toEqual(tabs.slice(0, MAX_PEERS_PER_RELAY - 1));
    expect(await served()).toEqual(first);
  });

  it("counts a neighbour that answers junk as down, and keeps serving", async () => {
    const url = await fakeRelay({ status: 200, body: "{not json" });
    const relay = await h.relay({ relays: [url], relaysPollMs: 100 });
    await statsUntil(relay, (s) => s.relays.known === 1 && s.relays.up === 0, "the neighbour counted down");
    const { welcome } = await h.tab(relay);
    expect(welcome.peers).toEqual([]);
  });

  it("takes RELAYS and RELAYS_POLL_MS from the environment, and refuses what is not a relay's URL", () => {
    expect(configFromEnv({ RELAYS: "https://b.example/relay, ws://127.0.0.1:8081", RELAYS_POLL_MS: "5000" })).toMatchObject({
      ok: true,
      config: { relays: ["https://b.example/relay", "ws://127.0.0.1:8081"], relaysPollMs: 5000 },
    });
    const bad = configFromEnv({ RELAYS: "b.example", RELAYS_POLL_MS: "5" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.join("\n")).toMatch(/RELAYS: "b\.example"[\s\S]*RELAYS_POLL_MS=5/);
  });
});
