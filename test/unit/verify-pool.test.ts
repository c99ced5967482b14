/**
 * Chain streams verified ahead by threads: every signature is verified once,
 * in a thread, and validation in order only reads the verdicts.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Block } from "../../src/core/block.ts";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS } from "../../src/core/genesis.ts";
import { ellipticVerifier, signatureJobOf, verifyJob, VerifiedCache, type SignatureJob, type SignatureVerifier, type SignedTransaction, type VerifyRequest } from "../../src/core/transaction.ts";
import { ChainStreams, DEFAULT_STREAM_BOUNDS } from "../../src/node/chain-stream.ts";
import type { Peer } from "../../src/node/peers.ts";
import { StreamVerifier, VerifyPool, verifyThreadHandler, type VerifyThreadFactory } from "../../src/node/verify-pool.ts";
import { nodeVerifyThreads } from "../../src/platform/thread-pool.ts";
import { forge, newWallet } from "../support/chain-builder.ts";
import { buildLongChain } from "../support/long-chain.ts";

/** Counts verifications per transaction (by the request's fields). */
function counting(counts: Map<string, number>): SignatureVerifier {
  return (r: VerifyRequest) => {
    const key = r.preimage + "/" + r.der;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return ellipticVerifier(r);
  };
}

/** Threads in this process: the real handler, answering on a later turn as a thread would. */
const inProcessThreads = (verify: SignatureVerifier): VerifyThreadFactory => (reply) => {
  const handle = verifyThreadHandler(verify, reply);
  return { post: (req) => void setTimeout(() => handle(req), 0), terminate: () => {} };
};

const long = buildLongChain(30, 3);
const signatures = long.blocks.reduce((n, b) => n + b.data.length, 0);

/** Threads that die on their first request, as a worker whose script failed to load would. */
const dyingThreads: VerifyThreadFactory = (_reply, failed) => ({ post: () => void setTimeout(() => failed("script failed to load"), 0), terminate: () => {} });

function sync(blocks: readonly Block[], factory?: VerifyThreadFactory) {
  const cache = new VerifiedCache();
  const main = new Map<string, number>();
  const threads = new Map<string, number>();
  const lines: string[] = [];
  const chain = new Chain({ verify: counting(main), cache });
  const pool = new VerifyPool(2, factory ?? inProcessThreads(counting(threads)), cache, (l) => lines.push(l));
  const refusals: string[] = [];
  const streams = new ChainStreams(
    chain,
    { ...DEFAULT_STREAM_BOUNDS, chunkBlocks: 10, quietMs: 60_000 },
    () => () => {},
    {
      take: (_peer, headers, announced) => {
        const r = chain.addHeaders(headers, announced, long.now);
        if (!r.ok) refusals.push(r.reason);
        return r.ok ? "taken" : "refused";
      },
      junk: (_peer, reason) => refusals.push(reason),
      overflowed: () => {},
      light: () => {},
      progress: () => {},
    },
    () => new StreamVerifier(pool, cache),
  );
  const peer = { link: { id: 1 } } as unknown as Peer;
  blocks.forEach((b, i) => streams.push(peer, JSON.parse(JSON.stringify(b)), null, i === blocks.length - 1));
  return { chain, main, threads, refusals, lines, idle: () => streams.idle() };
}

describe("chain streams verified ahead", () => {
  it("verifies each signature once, in the threads, and ends on the same tip", async () => {
    const s = sync(long.blocks);
    await s.idle();
    expect(s.refusals).toEqual([]);
    expect(s.chain.tip().block.hash).toBe(long.chain.tip().block.hash);
    expect(s.main.size).toBe(0);
    expect(s.threads.size).toBe(signatures);
    expect([...s.threads.values()].every((n) => n === 1)).toBe(true);
  });

  it("passes over the blocks it holds, as in a v0.2.0 stream that starts at genesis", async () => {
    const s = sync([GENESIS, ...long.blocks]);
    await s.idle();
    expect(s.chain.tip().block.hash).toBe(long.chain.tip().block.hash);
    expect(s.main.size).toBe(0);
    expect(s.threads.size).toBe(signatures);
  });

  it("refuses the chunk with a bad signature, having verified it only once", async () => {
    // The forged block is the stream's last: headers and links are checked before any body.
    const blocks = long.blocks.slice(0, 21);
    const bad = blocks[20]!;
    const tx = bad.data[1] as SignedTransaction;
    const data = [bad.data[0]!, { ...tx, amount: tx.amount + 1 }, ...bad.data.slice(2)];
    blocks[20] = forge(bad.prevHash, bad.timestamp, data, long.chain.at(21)!.difficulty);
    const s = sync(blocks);
    await s.idle();
    expect(s.refusals).toEqual(["signature-invalid"]);
    expect(s.chain.height).toBe(20);
    const all = [...s.main.entries(), ...s.threads.entries()];
    expect(all.filter(([k]) => k.includes(tx.signature)).length).toBe(1);
    expect(new Set(all.map(([k]) => k)).size).toBe(all.length);
    expect(all.every(([, n]) => n === 1)).toBe(true);
  });
});

describe("chain streams that go wrong", () => {
  const perBlock = long.blocks[0]!.data.length;

  // A stream with junk in it is refused whole: the blocks before the junk are let go, and nothing after it reaches the threads.
  it("stop at the first block whose hash does not match", async () => {
    const blocks = long.blocks.map((b, i) => (i === 5 ? { ...b, nonce: b.nonce + 1 } : b));
    const s = sync(blocks);
    await s.idle();
    expect(s.refusals).toEqual(["hash-mismatch"]);
    expect(s.threads.size).toBeLessThanOrEqual(5 * perBlock);
    expect(s.main.size).toBe(0);
    expect(s.chain.height).toBe(0);
  });

  it("stop at the first block that does not link to the one before", async () => {
    const blocks = [...long.blocks.slice(0, 3), ...long.blocks.slice(4)];
    const s = sync(blocks);
    await s.idle();
    expect(s.refusals).toEqual(["branch-not-linked"]);
    expect(s.threads.size).toBeLessThanOrEqual(3 * perBlock);
    expect(s.chain.height).toBe(0);
  });
});

describe("verification threads that fail", () => {
  it("leave the stream to be verified in order, each signature once, and say so", async () => {
    const s = sync(long.blocks, dyingThreads);
    await s.idle();
    expect(s.refusals).toEqual([]);
    expect(s.chain.tip().block.hash).toBe(long.chain.tip().block.hash);
    expect(s.main.size).toBe(signatures);
    expect([...s.main.values()].every((n) => n === 1)).toBe(true);
    expect(s.lines).toEqual(["a verification thread failed (script failed to load); signatures are verified in order from now on"]);
  });
});

describe("native verification threads", () => {
  const cache = new VerifiedCache();
  const pool = new VerifyPool(2, nodeVerifyThreads("libsecp256k1"), cache);
  afterAll(() => pool.dispose());

  it("give libsecp256k1's verdicts, the same as elliptic's, for valid, tampered and malformed signatures", async () => {
    const jobs: SignatureJob[] = [];
    for (const b of long.blocks.slice(0, 10)) {
      for (const tx of b.data.slice(1) as SignedTransaction[]) {
        jobs.push(signatureJobOf(tx)!);
        jobs.push(signatureJobOf({ ...tx, gas: tx.gas + 1 })!);
        jobs.push(signatureJobOf({ ...tx, signature: tx.signature.slice(2) })!);
        jobs.push(signatureJobOf({ ...tx, from: newWallet().address })!);
      }
    }
    await Promise.all([pool.verify(jobs.slice(0, 60)), pool.verify(jobs.slice(60))]);
    expect(pool.verified).toBe(jobs.length);
    const verdicts = jobs.map((j) => cache.verdict(j.key));
    expect(verdicts).toEqual(jobs.map((j) => verifyJob(j)));
    expect(verdicts.filter((v) => v === true).length).toBe(jobs.length / 4);
  });
});

describe("the verdict cache", () => {
  // At its default bound of 50,000 verdicts of payments (453-character keys) it measured 33 MB of heap.
  it("holds at most its bound, the oldest verdict forgotten first", () => {
    const cache = new VerifiedCache(1000);
    for (let i = 0; i < 1500; i++) cache.record(`key ${i}`, i % 2 === 0);
    expect(cache.size).toBe(1000);
    expect(cache.verdict("key 0")).toBeUndefined();
    expect(cache.verdict("key 1499")).toBe(false);
    expect(cache.verdict("key 1498")).toBe(true);
  });
});
