/**
 * Two relays side by side, each with its own address space and a home node
 * behind it, each told of the other (RELAYS). Tabs (the page worker's node,
 * test/support/tab-node.ts) on both hear of the other relay's tabs and home
 * node, link to them by their addresses (relay A dials B's /peer/<id>), and
 * blocks mined on either side end on one chain everywhere. The two home
 * nodes are not told of each other: every path between the sides goes
 * through the relays. Real sockets and processes, all on 127.0.0.1.
 */
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { readPeerList } from "../../relay/neighbours.ts";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { startTabNode, type TabNode } from "../support/tab-node.ts";

const relays: RelayHandle[] = [];
const tabs: TabNode[] = [];
afterEach(async () => {
  for (const t of tabs.splice(0)) await t.close();
  for (const r of relays.splice(0)) await r.close();
  await stopAll();
});

/** A port free a moment ago, so two relays can be told of each other before either listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function relayWith(port: number, home: NodeProcess, neighbour: number): Promise<RelayHandle> {
  const relay = await startRelay({ host: "127.0.0.1", port, staticDir: "/nonexistent", homeNode: home.address, relays: [`http://127.0.0.1:${neighbour}`], relaysPollMs: 200 });
  relays.push(relay);
  return relay;
}

async function tabOn(relay: RelayHandle): Promise<TabNode> {
  const tab = await startTabNode(relay.url);
  tabs.push(tab);
  return tab;
}

interface Tip {
  readonly height: number;
  readonly hash: string;
}
const tipOf = (t: TabNode): Tip => ({ height: t.node.chain.height, hash: t.node.chain.tip().block.hash });
const nativeTip = async (n: NodeProcess): Promise<Tip> => {
  const s = await n.get<{ height: number; tip: string }>("/api/status");
  return { height: s.height, hash: s.tip };
};
const pairedWith = (t: TabNode, prefix: string) => t.node.peerList().some((p) => p.direction === "out" && p.paired && p.address?.startsWith(prefix));

describe("relays side by side", () => {
  it("tabs on two relays peer across them, with each other and both home nodes, and end on one chain", async () => {
    const [homeA, homeB] = await Promise.all([startNode(), startNode()]);
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await relayWith(portA, homeA, portB);
    const b = await relayWith(portB, homeB, portA);
    const [a1, a2, b1, b2] = [await tabOn(a), await tabOn(a), await tabOn(b), await tabOn(b)];
    expect(a1.address().startsWith(`${a.publicBase}/peer/`)).toBe(true);
    expect(b1.address().startsWith(`${b.publicBase}/peer/`)).toBe(true);

    // Each relay serves its own peers to the other, and its tabs hear of the other's.
    const listed = readPeerList(await (await fetch(`${b.url}/api/relay/peers`)).json());
    expect(listed.ok && listed.peers.map((p) => p.address).sort()).toEqual([homeB.address, b1.address(), b2.address()].sort());
    await until("a1 hears of b's tabs and home", () => [b1.address(), b2.address(), homeB.address].every((x) => a1.peers.kinds.has(x)));
    expect(a1.peers.kinds.get(b1.address())).toBe("tab");
    expect(a1.peers.kinds.get(homeB.address)).toBe("native"); // B's home is kept by B's tabs, not by A's
    await until("b2 hears of a's tabs", () => [a1.address(), a2.address(), homeA.address].every((x) => b2.peers.kinds.has(x)));

    // Links across the relays: tab to tab, and tab to the other side's home node.
    await until("a tab on A paired with a tab on B", () => [a1, a2].some((t) => pairedWith(t, `${b.publicBase}/peer/`)), 30_000);
    await until("a tab on B paired with a tab on A", () => [b1, b2].some((t) => pairedWith(t, `${a.publicBase}/peer/`)), 30_000);
    await until("home B paired with a tab of relay A", async () =>
      ((await homeB.get("/api/status")).peers as { address: string | null; paired: boolean }[]).some((p) => p.paired && p.address?.startsWith(`${a.publicBase}/peer/`)),
    30_000);
    expect(a.stats().links.outbound).toBeGreaterThan(0); // A dialed B's addresses for its tabs
    expect(b.stats().links.inbound).toBeGreaterThan(0); // and B delivered what came in to its tabs
    expect(a.stats().relays).toEqual({ known: 1, up: 1, peers: 3 });

    // Blocks from both sides: home A, a tab on B, then home B.
    await homeA.post("/api/mining", { on: true, blocks: 2 });
    await until("b2 at height 2", () => b2.node.chain.height === 2, 30_000);
    b1.miner.start(1);
    await until("home A at height 3", async () => (await nativeTip(homeA)).height === 3, 30_000);
    await homeB.post("/api/mining", { on: true, blocks: 1 });

    const everyone = async () => [await nativeTip(homeA), await nativeTip(homeB), ...[a1, a2, b1, b2].map(tipOf)];
    const tips = await until(
      "one chain of 4 blocks everywhere",
      async () => {
        const all = await everyone();
        return all.every((t) => t.height === 4 && t.hash === all[0]!.hash) ? all : undefined;
      },
      60_000,
    );
    expect(new Set(tips.map((t) => t.hash)).size).toBe(1);
    expect(a.stats().framesDropped).toEqual({});
    expect(b.stats().framesDropped).toEqual({});
  });
});
