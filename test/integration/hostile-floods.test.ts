/**
 * Floods of blocks a node cannot use, sent by raw sockets as an attacker
 * would (test/support/hostile.ts, independent of src/), against a native
 * node process on a chain with real work (9 blocks climbing to difficulty 5).
 * Each bound is checked by measurement from outside (RSS of the process, size
 * of its data directory, what GET /api/status says it holds) and each flood
 * ends with a control: an honest block on the tip is taken.
 *
 * RSS margins: V8 lets its heap grow well past what is live before it
 * collects, so a flood of 1 MB frames raises RSS by tens to hundreds of MB
 * even when what the node keeps is a few MiB (measured with `npm run
 * bench:attacks`, 20 s floods: junk 72 MB, light streams 95 MB, a genesis
 * branch 163 MB, tip siblings 284 MB; the same sibling flood under
 * --max-old-space-size=100 leaves the node running and serving). Each flood
 * here sends several times its margin, so a node that kept what it was sent
 * (two to three times the bytes once parsed; the code before issue 10 grew
 * by 1.9 GB in 20 s of junk) would exceed the margin by far.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { climbingChain } from "../support/chain-builder.ts";
import { storedBlocks } from "../support/long-chain.ts";
import { dataDirWith, startNode, stopAll, type NodeProcess } from "../support/native-process.ts";
import { honestBlockTaken, restart, tipOf, type Restart } from "../support/node-checks.ts";
import { MB, ProcessWatch, dirBytes } from "../support/proc-stats.ts";
import {
  BlockForge, GENESIS_HASH, RawLink, addressOf, junkFrame, mintReward, newKey, paymentsFor, replaceChainFrame, sendChainFrame, unfundedPayments,
} from "../support/hostile.ts";
import type { StoredBlock } from "../../src/node/store.ts";
import type { Chain } from "../../src/core/chain.ts";

afterAll(stopAll);

let chain: Chain;
let stored: StoredBlock[];
let heavy: BlockForge;
let clean: Restart;

beforeAll(async () => {
  chain = climbingChain(5);
  stored = storedBlocks(chain);
  const attacker = newKey();
  // ~1 MB blocks: ~2,200 payments, each validly signed, from a key that owns nothing.
  heavy = new BlockForge([mintReward(addressOf(attacker)), ...unfundedPayments(paymentsFor(1_000_000), attacker)]);
  // The yardstick for restarts: the same chain, never attacked.
  clean = await restart(await startNode({}, await dataDirWith(stored, "clean")));
  await clean.node.kill();
}, 60_000);

const GENESIS = { hash: GENESIS_HASH, timestamp: 0, next: 1 };
/** Nothing of a flood is stored: SQLite's -wal and -shm files may move by a few pages, no more. */
const DISK_SLACK = 256 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Bounds {
  streams: { blocks: number; bytes: number };
  orphans: { blocks: number; bytes: number; maxBlocks: number; maxBytes: number };
  side: { blocks: number; bytes: number; maxBlocks: number; maxBytes: number };
}

/** Figures for the closing note, not assertions. */
const report = (what: string, watch: ProcessWatch, held: string) => console.log(`${what}: RSS +${Math.round(watch.growth / MB)} MB at peak; ${held}`);

/** A node on the chain with work, settled, its RSS watched from now on. */
async function victim(label: string): Promise<{ node: NodeProcess; watch: ProcessWatch; dir0: number }> {
  const node = await startNode({}, await dataDirWith(stored, label));
  await sleep(1000);
  return { node, watch: new ProcessWatch(node.child.pid!), dir0: dirBytes(node.dataDir) };
}

/**
 * Sends `total` frames over `links` links, the i-th frame of a link from
 * `frame(i)`, opening a link again whenever the node cuts one, while
 * sampling what the node holds. Returns how many links the node cut, and the
 * largest holdings seen.
 */
async function flood(node: NodeProcess, links: number, total: number, frame: (i: number) => string) {
  let next = 0;
  let cut = 0;
  const seen: Bounds[] = [];
  let flooding = true;
  const sampler = (async () => {
    while (flooding) {
      const { bounds } = await node.get<{ bounds?: Bounds }>("/api/status");
      if (bounds !== undefined) seen.push(bounds); // (a node before issue 10 has none: the measured bounds still judge it)
      await sleep(200);
    }
  })();
  await Promise.all(
    Array.from({ length: links }, async () => {
      let i = 0;
      while (next < total) {
        const link = await RawLink.open(node.port);
        while (next < total && (await link.send(frame(i)))) {
          next++;
          i++;
        }
        // The send loop stopped early: the node closed the link; 1008 is its "misbehaving".
        if (next < total && (await link.closed).code === 1008) cut++;
        link.close();
      }
    }),
  );
  flooding = false;
  await sampler;
  const most = (pick: (b: Bounds) => number) => Math.max(0, ...seen.map(pick));
  return { cut, most };
}

describe("floods a node cannot use cost it bounded memory, no disk, and nothing of its service", () => {
  it("junk chain streams: each link that sends one is cut at once; memory stays flat", async () => {
    const { node, watch } = await victim("junk");
    const frame = junkFrame(1_000_000);
    const { cut } = await flood(node, 4, 400, () => frame);
    watch.stop();
    report("junk", watch, `${cut} links cut`);
    expect(node.child.exitCode).toBeNull();
    expect(watch.growth).toBeLessThan(150 * MB); // nothing is kept (measured here: 46-56 MB)
    expect(cut).toBeGreaterThanOrEqual(4);
    expect(node.logs.some((l) => /drop block-shape from in#\d+/.test(l))).toBe(true);
    expect(node.logs.some((l) => /cut in#\d+ .*: junk in a chain stream \(block-shape\)/.test(l))).toBe(true);
    expect(await honestBlockTaken(node)).not.toBeNull();
  });

  it("well-formed low-work streams off genesis: held within the light bound, never validated, never stored", async () => {
    const { node, watch, dir0 } = await victim("light");
    const branch = [...heavy.branch(GENESIS, 40)];
    const { cut, most } = await flood(node, 4, 320, (i) => sendChainFrame(branch[i % 40]!, i % 40 === 39));
    watch.stop();
    report("light streams", watch, `at most ${most((b) => b.streams.bytes)} bytes held`);
    expect(watch.growth).toBeLessThan(200 * MB); // 16 MiB kept at most (measured here: 81-95 MB)
    expect(dirBytes(node.dataDir) - dir0).toBeLessThan(DISK_SLACK);
    expect((await tipOf(node)).height).toBe(chain.height);
    expect(cut).toBe(0); // well-formed blocks are not junk: the link is not held to account, only not believed
    // All light streams together hold at most 16 MiB (8,000 blocks): about 16 of these blocks.
    expect(most((b) => b.streams.bytes)).toBeLessThanOrEqual(16 * MB);
    expect(node.logs.some((l) => l.includes("blocks that cannot beat this chain's work, not kept"))).toBe(true);
    expect(node.logs.some((l) => /chain stream from .* new blocks/.test(l))).toBe(false);
    expect(node.logs.some((l) => l.includes("signatures verified ahead"))).toBe(false);
    expect(await honestBlockTaken(node)).not.toBeNull();
  });

  it("tiny light streams, one a frame, do not make the node write a log line each", async () => {
    const { node } = await victim("light-log");
    const [block] = [...new BlockForge([mintReward(addressOf(newKey()))]).branch(GENESIS, 1)];
    const link = await RawLink.open(node.port);
    const before = node.logs.length;
    for (let i = 0; i < 500; i++) await link.send(sendChainFrame(block!, true));
    await sleep(2500); // the node reads a link's frames in order: well within this, on loopback
    const lines = node.logs.slice(before).filter((l) => l.includes("cannot beat this chain's work")).length;
    console.log(`500 one-block light streams on one link: ${lines} log lines`);
    // node.ts: a line a stranger could repeat at will is logged at most once a minute per kind and link.
    expect(lines).toBeLessThanOrEqual(2);
    link.close();
    expect(await honestBlockTaken(node)).not.toBeNull();
  });

  it("a live low-work branch off genesis: not kept beside the chain, held only as bounded orphans; the restart is as fast as a clean one", async () => {
    const { node, watch, dir0 } = await victim("genesis-branch");
    const blocks = heavy.branch(GENESIS, 300);
    const { most } = await flood(node, 1, 300, () => replaceChainFrame(blocks.next().value!));
    watch.stop();
    report("genesis branch", watch, `at most ${most((b) => b.orphans.bytes)} orphan bytes held`);
    expect(watch.growth).toBeLessThan(300 * MB); // 8 MiB of orphans kept at most (measured here: 147-186 MB)
    expect(dirBytes(node.dataDir) - dir0).toBeLessThan(DISK_SLACK);
    const bounds = (await node.get<{ bounds: Bounds }>("/api/status")).bounds;
    expect(most((b) => b.side.blocks)).toBe(0); // it forks more than 6 blocks' work behind the tip: not kept at all
    expect(most((b) => b.orphans.blocks)).toBeLessThanOrEqual(bounds.orphans.maxBlocks);
    expect(most((b) => b.orphans.bytes)).toBeLessThanOrEqual(bounds.orphans.maxBytes);
    expect(await honestBlockTaken(node)).not.toBeNull();

    const after = await restart(node);
    expect(after.loaded).toBe(chain.height + 1); // the chain and the honest block: nothing of the branch
    // Restart times on a shared 2-core machine are noisy: a generous factor (the node before issue 10 took 12 s here, for 179 such blocks).
    expect(after.restartMs).toBeLessThan(3 * clean.restartMs + 2000);
    expect((await tipOf(after.node)).height).toBe(chain.height + 1);
  });

  it("live siblings of the tip (as much work as it): kept within the side bound, in memory only", async () => {
    const { node, watch, dir0 } = await victim("siblings");
    const parent = chain.at(chain.height - 1)!;
    const difficulty = chain.tip().difficulty;
    const { most, cut } = await flood(node, 1, 400, (i) => replaceChainFrame(heavy.forge(parent.block.hash, parent.timestamp + 1 + i, difficulty)));
    watch.stop();
    report("tip siblings", watch, `at most ${most((b) => b.side.bytes)} side bytes held`);
    expect(watch.growth).toBeLessThan(500 * MB); // 32 MiB of side blocks kept at most, and the heap's slack (measured here: 264-318 MB)
    expect(dirBytes(node.dataDir) - dir0).toBeLessThan(DISK_SLACK);
    const bounds = (await node.get<{ bounds: Bounds }>("/api/status")).bounds;
    expect(cut).toBe(0);
    expect(most((b) => b.side.blocks)).toBeGreaterThan(0); // near the tip: kept, as the rules say
    expect(most((b) => b.side.blocks)).toBeLessThanOrEqual(bounds.side.maxBlocks);
    expect(most((b) => b.side.bytes)).toBeLessThanOrEqual(bounds.side.maxBytes);
    expect(await honestBlockTaken(node)).not.toBeNull();
    const after = await restart(node);
    expect(after.loaded).toBe(chain.height + 1);
  });
});
