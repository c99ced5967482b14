/**
 * Chain streams under pressure: what they hold unvalidated stays within its
 * bounds whatever arrives, a link that can pause is paused, a stream cut
 * short says so, and light streams never crowd out one that can win.
 */
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/core/block.ts";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS } from "../../src/core/genesis.ts";
import { leadingZeroNibbles } from "../../src/core/hash.ts";
import { ChainStreams, DEFAULT_STREAM_BOUNDS, type StreamBounds } from "../../src/node/chain-stream.ts";
import type { Peer } from "../../src/node/peers.ts";
import { forge, newWallet, reward, T0 } from "../support/chain-builder.ts";
import { buildLongChain } from "../support/long-chain.ts";

const long = buildLongChain(30);

function harness(bounds: Partial<StreamBounds>, chain = new Chain()) {
  const events: string[] = [];
  const streams = new ChainStreams(chain, { ...DEFAULT_STREAM_BOUNDS, quietMs: 60_000, ...bounds }, () => () => {}, {
    take: (_peer, headers, announced) => {
      const r = chain.addHeaders(headers, announced, long.now);
      events.push(r.ok ? `take ${headers.length} ${r.status}` : `refused ${r.reason}`);
      return !r.ok ? "refused" : r.status === "light" ? "light" : "taken";
    },
    junk: (_peer, reason) => events.push(`junk ${reason}`),
    overflowed: () => events.push("overflowed"),
    light: (_peer, n) => events.push(`light ${n}`),
    progress: () => {},
  });
  let most = 0;
  const peer = (id: number, pausable = true) => {
    const link = { id, paused: 0, resumed: 0, pause: undefined as undefined | (() => void), resume: undefined as undefined | (() => void) };
    if (pausable) {
      link.pause = () => void link.paused++;
      link.resume = () => void link.resumed++;
    }
    return { link } as unknown as Peer & { link: { paused: number; resumed: number } };
  };
  const push = (p: Peer, blocks: readonly unknown[]) =>
    blocks.forEach((b, i) => {
      streams.push(p, JSON.parse(JSON.stringify(b)), null, i === blocks.length - 1);
      most = Math.max(most, streams.held().blocks);
    });
  return { chain, streams, events, peer, push, most: () => most };
}

describe("a stream that can win, arriving faster than it is validated", () => {
  it("pauses its link at the bound, drops what comes past twice the bound, says it was cut short, and keeps what it held", async () => {
    const h = harness({ streamBlocks: 4, chunkBlocks: 2 });
    const p = h.peer(1);
    h.push(p, long.blocks);
    await h.streams.idle();
    expect(h.most()).toBeLessThanOrEqual(8);
    expect(p.link.paused).toBe(1);
    expect(p.link.resumed).toBe(1);
    expect(h.events).toContain("overflowed");
    expect(h.chain.height).toBe(8);
    expect(h.streams.held()).toEqual({ blocks: 0, bytes: 0, streams: 0 });
    // Asked again, the peer streams from the start: known blocks are passed over, the rest is taken.
    h.push(p, long.blocks);
    await h.streams.idle();
    expect(h.chain.height).toBe(16);
  });

  it("holds within the bound for all streams together", async () => {
    const h = harness({ streamBlocks: 100, totalBlocks: 6, chunkBlocks: 100 });
    const peers = [h.peer(1), h.peer(2), h.peer(3)];
    for (const p of peers) h.push(p, long.blocks.slice(0, 10));
    expect(h.most()).toBeLessThanOrEqual(12);
    await h.streams.idle();
    expect(h.streams.held().blocks).toBe(0);
  });
});

describe("light streams", () => {
  /** A chain far ahead of a cheap branch off genesis. */
  function ahead() {
    const chain = new Chain({ bounds: { sideDepth: 1 } });
    for (const [i, b] of long.blocks.entries()) chain.addBlock(b, long.announced[i]!, long.now);
    const miner = newWallet().address;
    const branch: Block[] = [];
    let prev = { hash: GENESIS.hash, t: T0 };
    // No more zeros than the difficulty: what the blocks promise is what they carry.
    for (let i = 0; i < 12; i++) {
      const d = i % 2 === 0 ? 1 : 2;
      const b = forge(prev.hash, String(prev.t + 1), [reward(miner, 297)], d, (hash) => leadingZeroNibbles(hash) === d);
      branch.push(b);
      prev = { hash: b.hash, t: prev.t + 1 };
    }
    return { chain, branch };
  }

  it("hold at most one chunk each and are let go past it, without pausing anyone", async () => {
    const { chain, branch } = ahead();
    const h = harness({ chunkBlocks: 5 }, chain);
    const p = h.peer(1);
    h.push(p, branch);
    await h.streams.idle();
    expect(h.most()).toBeLessThanOrEqual(5);
    expect(p.link.paused).toBe(0);
    expect(h.events).toContain(`light ${branch.length}`);
    expect(h.chain.height).toBe(30);
  });

  it("a branch whose hashes promise more work than the rules give it is let go at its end, once", async () => {
    const { chain } = ahead();
    const h = harness({}, chain);
    // Four zeros promise 16^4 of work; the difficulty in force after genesis is 1, so it carries 16: lighter than the chain.
    const lucky = forge(GENESIS.hash, String(T0 + 1), [reward(newWallet().address, 297)], 1, (hash) => hash.startsWith("0000"));
    h.push(h.peer(1), [lucky]);
    await h.streams.idle();
    expect(h.events).toEqual(["take 1 light", "light 1"]);
    expect(h.streams.held().blocks).toBe(0);
  });

  // Their share (lightTotalBlocks) is a quarter of what all streams may hold, so a stream that can win always has room.
  it("together never hold more than their share", async () => {
    const { chain, branch } = ahead();
    const h = harness({ chunkBlocks: 10, lightTotalBlocks: 8 }, chain);
    const light = [h.peer(1), h.peer(2), h.peer(3)];
    // Each light stream holds what it has so far (no end yet): at most 8 blocks among them.
    for (const p of light) for (const b of branch.slice(0, 6)) h.streams.push(p, JSON.parse(JSON.stringify(b)), null, false);
    expect(h.streams.held().blocks).toBeLessThanOrEqual(8);
  });
});
