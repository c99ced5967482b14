/**
 * The peer among tutorial nodes, on an in-memory network and a manual clock:
 * what it sends a peer that showed no Tabnode header, the chain stream each
 * dialect ends on the tip with, quirks, busy links and lost links.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Block } from "../../src/core/block.ts";
import { Chain } from "../../src/core/chain.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { DEFAULT_ADDRESS_BOOK_BOUNDS } from "../../src/node/address-book.ts";
import { DEFAULT_CONNECTION_BOUNDS } from "../../src/node/connections.ts";
import type { Link } from "../../src/node/transport.ts";
import { MessageType } from "../../src/protocol/messages.ts";
import { extend, GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";
import { closeNodes, MemoryNetwork, openNetwork, paired, ScriptedPeer, type TestNode } from "../support/memory-net.ts";

const frame = (type: string, data: unknown) => JSON.stringify({ type, data });
const MINUTE = 60_000;

const nodes: TestNode[] = [];
afterEach(() => closeNodes(nodes));
const network = () => openNetwork(nodes);

const dialectOf = (n: TestNode, address: string) => n.node.peerList().find((p) => p.direction === "out" && p.address === address)?.dialect;

/**
 * A tutorial node's links: it shows no Tabnode header, dials every address a
 * handshake names (unless it holds a link there), introducing itself.
 */
class TutorialLinks extends ScriptedPeer {
  constructor(net: MemoryNetwork, address: string) {
    super(net, address, { tabnode: false });
  }

  override message(link: Link, text: string): void {
    super.message(link, text);
    if (!text.startsWith(`{"type":"${MessageType.Handshake}"`)) return;
    for (const a of JSON.parse(text).data as string[]) if (a !== this.address && !this.outbound.has(a)) this.dial(a, frame(MessageType.Handshake, [this.address]));
  }

  /** Frames of `type` that reached it, as text. */
  texts(type: string): string[] {
    return this.received.filter((r) => r.text.startsWith(`{"type":"${type}"`)).map((r) => r.text);
  }
}

/** A and B (Tabnode, B keeping A), and a tutorial node T that dials A: it hears of B from A and links to it too. */
async function mixedTriangle() {
  const env = await network();
  const a = await env.start("ws://a:1");
  const b = await env.start("ws://b:1");
  b.node.connect(a.address);
  await env.clock.advance(1000);
  const t = new TutorialLinks(env.net, "ws://t:1");
  t.dial(a.address, frame(MessageType.Handshake, [t.address]));
  await env.clock.advance(1000);
  return { ...env, a, b, t };
}

/** What a tutorial node's TYPE_SEND_CHAIN handler adopts from these frames (PROTOCOL.md): the hashes of its chain after them. */
function adopted(form: "article" | "v0.2.0", genesis: Block, frames: readonly string[]): string[] | null {
  let chain: string[] | null = null;
  let temp: Block[] = [genesis];
  for (const text of frames) {
    const { block, finished } = JSON.parse(text).data as { block: Block; finished: boolean };
    // v0.2.0 drops the block that carries `finished`; the article keeps it.
    if (form === "article" || !finished) temp.push(block);
    if (!finished) continue;
    const links = temp.every((b, i) => i === 0 || b.prevHash === temp[i - 1]!.hash);
    if (links) chain = temp.map((b) => b.hash);
    temp = [genesis];
  }
  return chain;
}

describe("a tutorial node hears each message once, from its author", () => {
  it("is told of every Tabnode peer, so it links to them all", async () => {
    const { a, b, t } = await mixedTriangle();
    expect([...t.outbound.keys()].sort()).toEqual([a.address, b.address]);
    expect(paired(a, t.address)).toBe(true);
    expect(paired(b, t.address)).toBe(true);
    expect(dialectOf(a, t.address)).toBe("tutorial");
    expect(dialectOf(a, b.address)).toBe("tabnode");
  });

  it("two tutorial nodes that dial one Tabnode node meet, as they would through a node of their own kind", async () => {
    const { clock, net, a, t } = await mixedTriangle();
    const u = new TutorialLinks(net, "ws://u:1");
    u.dial(a.address, frame(MessageType.Handshake, [u.address]));
    await clock.advance(1000);
    // A paired with U through a dial-back (nothing proven) and told T, a tutorial node, which dialed it.
    expect(t.outbound.has(u.address)).toBe(true);
    expect(paired(a, u.address)).toBe(true);
  });

  it("gets what a Tabnode node authored from it alone; the Tabnode peers get the relayed copies", async () => {
    const { clock, net, a, b, t } = await mixedTriangle();
    const tx = pay(GENESIS_HOLDER, newWallet().address, 10, 1);
    expect(b.node.submitTransaction(tx).ok).toBe(true);
    await clock.advance(1000);
    expect(a.node.mempool.size).toBe(1);
    const copies = t.texts(MessageType.CreateTransaction).filter((f) => f.includes(tx.signature));
    expect(copies).toHaveLength(1);
    expect(net.framesTo(t.address, MessageType.CreateTransaction).map((f) => f.from)).toEqual([b.address]);

    const [m] = extend(new Chain(), new Mempool(), newWallet().address, 1);
    expect(a.node.submitBlock(m!.block, m!.announced).ok).toBe(true);
    await clock.advance(1000);
    expect(b.node.chain.height).toBe(1);
    expect(net.framesTo(t.address, MessageType.ReplaceChain).map((f) => f.from)).toEqual([a.address]);

    // What T authors goes to A and B from T; neither sends it back to T, nor to each other more than once.
    const mine = pay(GENESIS_HOLDER, newWallet().address, 11, 1);
    for (const link of t.outbound.values()) link.send(frame(MessageType.CreateTransaction, mine));
    await clock.advance(1000);
    expect(net.framesTo(t.address, MessageType.CreateTransaction).filter((f) => f.text.includes(mine.signature))).toHaveLength(0);
  });

  it("is not announced a tip it did not ask for after a chain stream (a block it may hold is a competing one to it)", async () => {
    const { clock, net, start, t, a } = await mixedTriangle();
    const c = await start("ws://c:1", { config: { connections: { ...DEFAULT_CONNECTION_BOUNDS, targetOutbound: 0 } } });
    for (const m of extend(new Chain(), new Mempool(), newWallet().address, 3)) expect(c.node.submitBlock(m.block, m.announced).ok).toBe(true);
    c.node.connect(a.address);
    await clock.advance(5000);
    expect(a.node.chain.height).toBe(3);
    expect(net.framesTo(t.address, MessageType.ReplaceChain)).toHaveLength(0);
  });
});

describe("chain streams, by dialect", () => {
  it("each ends on the tip: the article's form for Tabnode and article nodes, v0.2.0's for v0.2.0, both for a form not shown", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const blocks = extend(new Chain(), new Mempool(), newWallet().address, 3);
    for (const m of blocks) a.node.submitBlock(m.block, m.announced);
    const hashes = [a.node.chain.at(0)!.block.hash, ...blocks.map((m) => m.block.hash)];
    const genesis = a.node.chain.at(0)!.block;
    const asker = (name: string, shows: string[]) => {
      const p = new TutorialLinks(net, `ws://${name}:1`);
      p.dial(a.address, frame(MessageType.Handshake, [p.address]), ...shows);
      return p;
    };
    // A v0.2.0 stream starts with genesis; an article stream ends with `finished`.
    const v020 = asker("v", [frame(MessageType.SendChain, { block: genesis, finished: false })]);
    const article = asker("r", [frame(MessageType.SendChain, { block: blocks[2]!.block, finished: true })]);
    const unknown = asker("u", []);
    const b = await start("ws://b:1");
    b.node.connect(a.address);
    await clock.advance(3000);
    expect([dialectOf(a, v020.address), dialectOf(a, article.address), dialectOf(a, unknown.address), dialectOf(a, b.address)]).toEqual(["v0.2.0", "article", "tutorial", "tabnode"]);
    for (const p of [v020, article, unknown]) p.outbound.get(a.address)!.send(frame(MessageType.RequestChain, p.address));
    await clock.advance(1000);
    const streamTo = (address: string) => net.framesTo(address, MessageType.SendChain).map((f) => f.text);
    expect(streamTo(v020.address)).toHaveLength(4);
    expect(adopted("v0.2.0", genesis, streamTo(v020.address))).toEqual(hashes);
    expect(streamTo(article.address)).toHaveLength(3);
    expect(adopted("article", genesis, streamTo(article.address))).toEqual(hashes);
    // Not knowing its form, both: each form takes the chain to the tip.
    expect(streamTo(unknown.address)).toHaveLength(7);
    expect(adopted("v0.2.0", genesis, streamTo(unknown.address))).toEqual(hashes);
    expect(adopted("article", genesis, streamTo(unknown.address))).toEqual(hashes);
  });
});

describe("quirks", () => {
  it("v0.2.0's REQUEST_INFO answer (not JSON) is logged once per link and never a strike; junk still is", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const t = new TutorialLinks(net, "ws://t:1");
    const link = t.dial(a.address, frame(MessageType.Handshake, [t.address]), ...Array.from({ length: 12 }, () => "TYPE_SEND_INFO"));
    await clock.advance(1000);
    expect(a.logs.filter((l) => l.includes("tutorial quirk send-info-not-json"))).toHaveLength(1);
    expect(a.logs.some((l) => l.includes("frame-not-json"))).toBe(false);
    expect(paired(a, t.address)).toBe(true);
    for (let i = 0; i < 5; i++) link.send("not json");
    await clock.advance(1000);
    expect(a.logs.some((l) => l.startsWith("cut in#") && l.includes("5 bad frames"))).toBe(true);
  });
});

describe("busy peers", () => {
  it("a busy link is kept, and is the first paired one evicted when the inbound slots are full", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1", { config: { connections: { ...DEFAULT_CONNECTION_BOUNDS, maxInbound: 3, protectOldest: 0 } } });
    const t = new TutorialLinks(net, "ws://t:1");
    t.dial(a.address, frame(MessageType.Handshake, [t.address]));
    await clock.advance(1000);
    const honest = [await start("ws://h0:1"), await start("ws://h1:1")];
    for (const h of honest) h.node.connect(a.address);
    await clock.advance(1000);
    net.setBusy(t.address, true);
    await clock.advance(10 * MINUTE);
    expect(paired(a, t.address)).toBe(true);
    expect(a.node.peerList().find((p) => p.direction === "in" && p.address === t.address)?.busy).toBe(true);
    const newcomer = await start("ws://n:1");
    newcomer.node.connect(a.address);
    await clock.advance(1000);
    expect(a.logs.some((l) => l.includes("evicted") && l.includes(t.address))).toBe(true);
    for (const h of honest) expect(paired(a, h.address)).toBe(true);
    expect(paired(a, newcomer.address)).toBe(true);
  });

  it("a dial-back waits while the link claiming the address is busy, and goes once it answers again", async () => {
    const { clock, net, a, t } = await mixedTriangle();
    net.setBusy(t.address, true);
    const before = net.dials.get(t.address) ?? 0;
    // T drops A's link to it (a restart of its server, say); its own link to A stays.
    t.inbound.find((l) => l.remote.startsWith(a.address))!.close(1001, "going away");
    await clock.advance(5 * MINUTE);
    expect(net.dials.get(t.address) ?? 0).toBe(before);
    net.setBusy(t.address, false);
    await clock.advance(5000);
    expect(net.dials.get(t.address)).toBe(before + 1);
    expect(paired(a, t.address)).toBe(true);
  });
});

describe("lost links", () => {
  it("a peer paired only through a dial-back is redialed once both links are lost, and it links back", async () => {
    const { clock, net, a, t } = await mixedTriangle();
    net.stop(t.address);
    await clock.advance(1000);
    expect(paired(a, t.address)).toBe(false);
    net.listen(t.address);
    await clock.advance(2 * MINUTE);
    expect(paired(a, t.address)).toBe(true);
    expect(t.outbound.has(a.address)).toBe(true);
  });

  it("one that stays away is redialed a few times only, and kept for when it claims its address again", async () => {
    const { clock, net, a, t } = await mixedTriangle();
    const before = net.dials.get(t.address) ?? 0;
    net.stop(t.address);
    await clock.advance(2 * 60 * MINUTE);
    // A and B were both paired with it: each redials it at most 4 times (the failures that end redialing), in two hours.
    expect((net.dials.get(t.address) ?? 0) - before).toBeLessThanOrEqual(2 * DEFAULT_ADDRESS_BOOK_BOUNDS.maxFailures);
    net.listen(t.address);
    t.dial(a.address, frame(MessageType.Handshake, [t.address]));
    await clock.advance(5 * MINUTE);
    expect(paired(a, t.address)).toBe(true);
  });
});
