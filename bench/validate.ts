/**
 * npm run bench:validate: builds an N-block chain (default 1,000; one payment
 * plus the reward per block) and times its full validation from genesis on one
 * thread: block by block and as one stream with the core's default verifier
 * (elliptic), then as one stream with each of the native node's verifiers
 * (OpenSSL, libsecp256k1 in WebAssembly; the page uses the latter). Prints a
 * table, then one JSON line.
 */
import { performance } from "node:perf_hooks";
import { Chain } from "../src/core/chain.ts";
import type { SignatureVerifier } from "../src/core/transaction.ts";
import { nodeVerifier } from "../src/platform/node-verifier.ts";
import { buildLongChain } from "../test/support/long-chain.ts";

const n = Number(process.argv[2] ?? 1000);
const t0 = performance.now();
const long = buildLongChain(n);
const buildMs = performance.now() - t0;
const wire = long.blocks.map((b) => JSON.parse(JSON.stringify(b)) as unknown);

function time(label: string, run: (chain: Chain) => void, verify?: SignatureVerifier) {
  const chain = new Chain({ verify });
  const start = performance.now();
  run(chain);
  const ms = performance.now() - start;
  if (chain.height !== n) throw new Error(`${label}: reached height ${chain.height}, not ${n}`);
  return ms;
}

const liveMs = time("live", (chain) => {
  for (let i = 0; i < wire.length; i++) {
    const r = chain.addBlock(wire[i], long.announced[i]!, long.now);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  }
});
const stream = (chain: Chain) => {
  const r = chain.addBranch(wire, wire.map(() => null), long.now);
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
};
const streamMs = time("stream", stream);
const opensslMs = time("openssl", stream, await nodeVerifier("openssl"));
const libsecpMs = time("libsecp256k1", stream, await nodeVerifier("libsecp256k1"));
const sigs = wire.length * 2;
const row = (ms: number) => ({ ms: Math.round(ms), "blocks/s": Math.round((n * 1000) / ms), "sigs/s": Math.round((sigs * 1000) / ms) });
console.log(`blocks: ${n}, signatures: ${sigs}, build (mine + sign): ${buildMs.toFixed(0)} ms`);
console.table({
  "block by block, elliptic": row(liveMs),
  "one stream, elliptic": row(streamMs),
  "one stream, openssl": row(opensslMs),
  "one stream, libsecp256k1": row(libsecpMs),
});
console.log(JSON.stringify({ blocks: n, liveMs: Math.round(liveMs), streamMs: Math.round(streamMs), opensslMs: Math.round(opensslMs), libsecpMs: Math.round(libsecpMs) }));
