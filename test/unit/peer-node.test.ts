/**
 * The peer's logic with strangers, on an in-memory network and a manual
 * clock: real PeerNodes, hand-written attackers, frames and dials counted.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Block } from "../../src/core/block.ts";
import { Chain } from "../../src/core/chain.ts";
import { Mempool } from "../../src/core/mempool.ts";
import { leadingZeroNibbles } from "../../src/core/hash.ts";
import { ellipticVerifier } from "../../src/core/transaction.ts";
import { DEFAULT_STREAM_BOUNDS } from "../../src/node/chain-stream.ts";
import { DEFAULT_CONNECTION_BOUNDS } from "../../src/node/connections.ts";
import { MessageType } from "../../src/protocol/messages.ts";
import { extend, forge, newWallet, reward, T0 } from "../support/chain-builder.ts";
import { closeNodes, openNetwork, paired, ScriptedPeer, type TestNode } from "../support/memory-net.ts";

const frame = (type: string, data: unknown) => JSON.stringify({ type, data });
const MINUTE = 60_000;

const nodes: TestNode[] = [];
afterEach(() => closeNodes(nodes));
const network = () => openNetwork(nodes);

/** A and B, A having dialed B: linked both ways. */
async function linkedPair() {
  const env = await network();
  const a = await env.start("ws://a:1");
  const b = await env.start("ws://b:1");
  a.node.connect(b.address);
  await env.clock.advance(1000);
  expect(paired(a, b.address)).toBe(true);
  return { ...env, a, b };
}


/** Blocks mined by the core's own loop, 31 s apart, from T0. */
function minedBlocks(n: number): { block: Block; announced: number }[] {
  return extend(new Chain(), new Mempool(), newWallet().address, n);
}

describe("two honest nodes", () => {
  /** B holds the first two of `n` mined blocks; A dials it and a second passes. */
  async function aDialsB(n: number) {
    const { clock, start } = await network();
    const a = await start("ws://a:1");
    const b = await start("ws://b:1");
    const mined = minedBlocks(n);
    for (const m of mined.slice(0, 2)) expect(b.node.submitBlock(m.block, m.announced).ok).toBe(true);
    expect(a.node.connect(b.address).ok).toBe(true);
    await clock.advance(1000);
    return { clock, a, b, mined };
  }

  it("link both ways, sync, and relay a block", async () => {
    const { clock, a, b, mined } = await aDialsB(3);
    expect(paired(a, b.address)).toBe(true);
    expect(paired(b, a.address)).toBe(true);
    expect(a.node.chain.height).toBe(2);
    b.node.submitBlock(mined[2]!.block, mined[2]!.announced);
    await clock.advance(1000);
    expect(a.node.chain.tip().block.hash).toBe(mined[2]!.block.hash);
  });

  it("records, per link, when a frame last came and the highest block the peer showed", async () => {
    const { clock, a, b, mined } = await aDialsB(4);
    // B's links as A sees them: the inbound one (B speaks on it) heard B and showed its tip, 2, in the chain stream.
    const fromB = () => a.node.peerList().find((p) => p.direction === "in" && p.address === b.address)!;
    expect(fromB().height).toBe(2);
    const heard = fromB().heardAt!;
    expect(heard).toBeGreaterThan(0);
    expect(a.node.peerList().find((p) => p.direction === "out" && p.address === b.address)!.height).toBeNull();
    await clock.advance(5000);
    b.node.submitBlock(mined[2]!.block, mined[2]!.announced);
    await clock.advance(1000);
    expect(fromB().height).toBe(3);
    expect(fromB().heardAt!).toBeGreaterThan(heard);
    // A block A got elsewhere and sent B: B does not send it back, but names it as its tip when A asks.
    expect(a.node.submitBlock(mined[3]!.block, mined[3]!.announced).ok).toBe(true);
    await clock.advance(1000);
    expect(b.node.chain.height).toBe(4);
    expect(fromB().height).toBe(3);
    a.node.askTips();
    await clock.advance(1000);
    expect(fromB().height).toBe(4);
  });

  it("a tip reached through a chain stream is announced: a peer that never saw the stream follows it", async () => {
    // A and B share a chain of 2; C has a heavier one of 4 that only B links to (a partition healing at one link).
    // A and C dial nobody from their books: they never meet.
    const { clock, start } = await network();
    const apart = { config: { connections: { ...DEFAULT_CONNECTION_BOUNDS, targetOutbound: 0 } } };
    const a = await start("ws://a:1", apart);
    const b = await start("ws://b:1");
    const c = await start("ws://c:1", apart);
    for (const m of minedBlocks(2)) for (const n of [a, b]) expect(n.node.submitBlock(m.block, m.announced).ok).toBe(true);
    const heavier = minedBlocks(4);
    for (const m of heavier) expect(c.node.submitBlock(m.block, m.announced).ok).toBe(true);
    a.node.connect(b.address);
    await clock.advance(1000);
    expect(paired(a, b.address)).toBe(true);
    b.node.connect(c.address);
    await clock.advance(5000);
    expect(b.node.chain.tip().block.hash).toBe(heavier[3]!.block.hash);
    expect(a.node.peerList().some((p) => p.address === c.address)).toBe(false);
    // B announced its new tip; A, missing its parents, asked B for the chain.
    expect(a.node.chain.tip().block.hash).toBe(heavier[3]!.block.hash);
  });
});

describe("identities are not taken on someone's word", () => {
  it("a stranger claiming to be B and misbehaving costs only its own link; B stays linked and relaying", async () => {
    const { clock, net, a, b } = await linkedPair();
    const mallory = new ScriptedPeer(net, "ws://m:1");
    const link = mallory.dial(a.address, frame(MessageType.Handshake, [b.address]), ...Array.from({ length: 5 }, () => "not json"));
    await clock.advance(1000);
    expect(mallory.closedLinks.map((c) => c.link)).toContain(link);
    expect(a.logs.some((l) => l.startsWith("cut in#") && l.includes("5 bad frames"))).toBe(true);
    expect(paired(a, b.address)).toBe(true);
    expect(a.node.connect(b.address).ok).toBe(true);
    const [m] = minedBlocks(1);
    b.node.submitBlock(m!.block, m!.announced);
    await clock.advance(1000);
    expect(a.node.chain.tip().block.hash).toBe(m!.block.hash);
  });

  it("a hundred strangers sending bad frames cost a few log lines a minute, not seven each", async () => {
    const { clock, net, a } = await linkedPair();
    const before = a.logs.length;
    for (let i = 0; i < 100; i++) new ScriptedPeer(net, `ws://m${i}:1`).dial(a.address, ...Array.from({ length: 5 }, () => "not json"));
    await clock.advance(10_000);
    const lines = a.logs.slice(before);
    // Each kind (drop frame-not-json, cut misbehaving, cut evicted: 100 came at once for 64 slots, closed in) has
    // 20 lines a minute; the rest is counted in them.
    expect(lines.length).toBeLessThanOrEqual(4 * 20);
    expect(lines.filter((l) => l.startsWith("cut in#") && l.includes("bad frames")).length).toBe(20);
    await clock.advance(MINUTE);
    new ScriptedPeer(net, "ws://late:1").dial(a.address, ...Array.from({ length: 5 }, () => "not json"));
    await clock.advance(1000);
    expect(a.logs.some((l) => /cut in#.*bad frames.*\(and \d+ more like it, not logged\)/.test(l))).toBe(true);
  });

  it("an honest peer that is lost is found again: redialed with backoff until it is back", async () => {
    const { clock, net, a, b } = await linkedPair();
    net.stop(b.address);
    await clock.advance(5 * MINUTE);
    expect(paired(a, b.address)).toBe(false);
    const dialsWhileDown = net.dials.get(b.address)!;
    net.listen(b.address);
    await clock.advance(10 * MINUTE);
    expect(paired(a, b.address)).toBe(true);
    expect(paired(b, a.address)).toBe(true);
    // Backoff, not a dial every tick: 15 s, 30 s, 60 s, 120 s... in five minutes.
    expect(dialsWhileDown).toBeLessThanOrEqual(8);
  });
});

describe("an address book, not blind dialing", () => {
  it("a handshake naming 40 dead addresses: a few dials a minute, at most 4 per address, then forgotten for an hour", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const dead = Array.from({ length: 40 }, (_, i) => `ws://dead${i}:1`);
    const mallory = new ScriptedPeer(net, "ws://m:1");
    mallory.dial(a.address, frame(MessageType.Handshake, ["ws://m:1", ...dead]));
    await clock.advance(MINUTE);
    const firstMinute = dead.reduce((n, d) => n + (net.dials.get(d) ?? 0), 0);
    await clock.advance(59 * MINUTE);
    const perAddress = dead.map((d) => net.dials.get(d) ?? 0);
    // The book takes 32 from one source; the dial budget is 30 a minute (15 at once); each address backs off and is dropped after 4 failures.
    expect(firstMinute).toBeLessThanOrEqual(45);
    expect(Math.max(...perAddress)).toBeLessThanOrEqual(4);
    expect(perAddress.filter((n) => n > 0).length).toBeLessThanOrEqual(32);
    expect(a.node.bounds().addresses.forgotten).toBeGreaterThan(0);
    const lines = a.logs.filter((l) => l.includes("ws://dead"));
    expect(lines.length).toBeLessThanOrEqual(2 * 32 * 4);
  });

  it("a dead address told to one node of ten is dialed by that node alone, at most 4 times in an hour", async () => {
    const { clock, net, start } = await network();
    const ring: TestNode[] = [];
    for (let i = 0; i < 10; i++) ring.push(await start(`ws://n${i}:1`));
    for (let i = 0; i < 10; i++) ring[i]!.node.connect(ring[(i + 1) % 10]!.address);
    await clock.advance(MINUTE);
    const mallory = new ScriptedPeer(net, "ws://m:1");
    mallory.dial(ring[0]!.address, frame(MessageType.Handshake, ["ws://m:1", "ws://victim:80"]));
    await clock.advance(60 * MINUTE);
    expect(net.dials.get("ws://victim:80") ?? 0).toBeLessThanOrEqual(4);
    expect(net.dials.get("ws://victim:80") ?? 0).toBeGreaterThan(0);
  });
});

describe("no eclipse by slot filling", () => {
  it("40 silent servers named in a handshake: tried a few at a time, let go when they never link back; the honest peer stays", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const b = await start("ws://b:1");
    a.node.learn([b.address], "relay");
    await clock.advance(1000);
    expect(paired(a, b.address)).toBe(true);
    const silent = Array.from({ length: 40 }, (_, i) => new ScriptedPeer(net, `ws://silent${i}:1`));
    const mallory = new ScriptedPeer(net, "ws://m:1");
    mallory.dial(a.address, frame(MessageType.Handshake, ["ws://m:1", ...silent.map((s) => s.address)]));
    let maxOut = 0;
    for (let t = 0; t < 30; t++) {
      await clock.advance(MINUTE / 6);
      maxOut = Math.max(maxOut, a.node.bounds().peers.outbound);
      expect(paired(a, b.address)).toBe(true);
    }
    // 8 chosen outbound slots and the dial-back to mallory.
    expect(maxOut).toBeLessThanOrEqual(a.node.config.connections.targetOutbound + 1);
    expect(a.logs.some((l) => l.includes("did not link back"))).toBe(true);
    expect(Math.max(...silent.map((s) => net.dials.get(s.address) ?? 0))).toBeLessThanOrEqual(4);
  });

  it("70 idle sockets: the inbound bound holds, an honest newcomer still gets in and pairs, idle ones are cut", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const b = await start("ws://b:1");
    b.node.connect(a.address);
    await clock.advance(1000);
    const [m] = minedBlocks(1);
    b.node.submitBlock(m!.block, m!.announced);
    await clock.advance(1000);
    const idle = Array.from({ length: 70 }, (_, i) => new ScriptedPeer(net, `ws://idle${i}:1`));
    for (const s of idle) s.dial(a.address);
    await clock.advance(1000);
    expect(a.node.bounds().peers.inbound).toBeLessThanOrEqual(64);
    // B gave a new block: never evicted for a newcomer.
    expect(paired(b, a.address)).toBe(true);
    expect(a.node.peerList().some((p) => p.direction === "in" && p.address === b.address)).toBe(true);
    const c = await start("ws://c:1");
    c.node.connect(a.address);
    await clock.advance(1000);
    expect(paired(c, a.address)).toBe(true);
    expect(paired(a, c.address)).toBe(true);
    await clock.advance(30_000);
    expect(a.node.bounds().peers.inbound).toBe(2);
    expect(a.logs.filter((l) => l.includes("named no address")).length).toBeGreaterThan(0);
  });

  it("inbound links that name themselves but never link back are evicted before paired ones", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1", { config: { connections: { ...DEFAULT_CONNECTION_BOUNDS, maxInbound: 8 } } });
    const honest = [];
    for (let i = 0; i < 4; i++) {
      const h = await start(`ws://h${i}:1`);
      h.node.connect(a.address);
      honest.push(h);
    }
    await clock.advance(1000);
    // Strangers that claim addresses nobody listens at, then go quiet, forty times.
    for (let i = 0; i < 40; i++) new ScriptedPeer(net, `ws://s${i}:1`, { listening: false }).dial(a.address, frame(MessageType.Handshake, [`ws://s${i}:1`]));
    await clock.advance(1000);
    for (const h of honest) expect(paired(h, a.address)).toBe(true);
    expect(a.node.bounds().peers.inbound).toBeLessThanOrEqual(8);
  });
});

describe("orphans and re-requests", () => {
  it("100 orphans make the node ask for a chain once per 30 s, not 100 times", async () => {
    const { clock, net, a, b } = await linkedPair();
    const asked = () => net.framesTo(b.address, MessageType.RequestChain).length;
    const before = asked();
    const mallory = new ScriptedPeer(net, "ws://m:1");
    const miner = newWallet().address;
    const orphans = Array.from({ length: 100 }, (_, i) => forge((i + 1).toString(16).padStart(64, "0"), String(T0 + i), [reward(miner, 297)], 1));
    // Claiming B's address, so each orphan points at B.
    mallory.dial(a.address, frame(MessageType.Handshake, [b.address]), ...orphans.map((o) => frame(MessageType.ReplaceChain, [o, 2])));
    await clock.advance(MINUTE);
    expect(asked() - before).toBeLessThanOrEqual(2);
    expect(a.node.bounds().orphans.blocks).toBeLessThanOrEqual(a.node.bounds().orphans.maxBlocks);
  });
});

describe("answers", () => {
  it("a flood of chain requests naming a peer gets it one chain every 10 s, and one log line", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const b = await start("ws://b:1");
    for (const m of minedBlocks(3)) a.node.submitBlock(m.block, m.announced);
    b.node.connect(a.address);
    await clock.advance(1000);
    const streamed = () => net.framesTo(b.address, MessageType.SendChain).length;
    const before = streamed();
    const mallory = new ScriptedPeer(net, "ws://m:1");
    mallory.dial(a.address, frame(MessageType.Handshake, ["ws://m:1"]), ...Array.from({ length: 200 }, () => frame(MessageType.RequestChain, b.address)));
    await clock.advance(20_000);
    // 3 blocks a chain: at most two chains in 20 s (the first may fall in the interval of B's own request).
    expect(streamed() - before).toBeLessThanOrEqual(2 * 3);
    expect(a.logs.filter((l) => l.includes("less than 10000 ms ago")).length).toBe(1);
  });
});

describe("chain streams", () => {
  it("junk in a stream cuts the link at once", async () => {
    const { clock, net, start } = await network();
    const a = await start("ws://a:1");
    const mallory = new ScriptedPeer(net, "ws://m:1");
    const link = mallory.dial(a.address, frame(MessageType.Handshake, ["ws://m:1"]), frame(MessageType.SendChain, { block: { junk: "x".repeat(10_000) }, finished: false }));
    await clock.advance(1000);
    expect(mallory.closedLinks.map((c) => c.link)).toContain(link);
    expect(a.logs.some((l) => l.includes("drop block-shape"))).toBe(true);
    expect(a.node.bounds().streams.blocks).toBe(0);
  });

  it("a stream that cannot beat the tip is held within one chunk, never verified, and let go", async () => {
    const { clock, net, start } = await network();
    let verified = 0;
    const a = await start("ws://a:1", { config: { streams: { ...DEFAULT_STREAM_BOUNDS, chunkBlocks: 5 } }, verify: (r) => (verified++, ellipticVerifier(r)) });
    for (const m of minedBlocks(8)) a.node.submitBlock(m.block, m.announced);
    verified = 0;
    const miner = newWallet().address;
    // 7 blocks at difficulty 1, 2, 1... (work 4 * 16 + 3 * 256 = 832) against 8 such blocks (1088); hashes with no
    // more zeros than their difficulty, so that what they promise is what they carry.
    const branch: Block[] = [];
    let prev = { hash: a.node.chain.at(0)!.block.hash, t: T0 };
    for (let i = 0; i < 7; i++) {
      const d = i % 2 === 0 ? 1 : 2;
      const b = forge(prev.hash, String(prev.t + 1), [reward(miner, 297)], d, (hash) => leadingZeroNibbles(hash) === d);
      branch.push(b);
      prev = { hash: b.hash, t: prev.t + 1 };
    }
    const mallory = new ScriptedPeer(net, "ws://m:1");
    mallory.dial(a.address, frame(MessageType.Handshake, ["ws://m:1"]), ...branch.map((block, i) => frame(MessageType.SendChain, { block, finished: i === branch.length - 1 })));
    let most = 0;
    for (let t = 0; t < 20; t++) {
      await clock.advance(10);
      most = Math.max(most, a.node.bounds().streams.blocks);
    }
    await clock.advance(5000);
    expect(most).toBeLessThanOrEqual(5);
    expect(a.node.chain.height).toBe(8);
    expect(verified).toBe(0);
    expect(a.node.bounds().streams.blocks).toBe(0);
    expect(a.logs.some((l) => l.includes("cannot beat this chain's work"))).toBe(true);
  });
});
