/**
 * npm run bench:validate: builds an N-block chain (default 1,000; one payment
 * plus the reward per block) and times its full validation from genesis, block
 * by block and as one stream. Prints a table, then one JSON line.
 */
import { performance } from "node:perf_hooks";
import { Chain } from "../src/core/chain.ts";
import { buildLongChain } from "../test/support/long-chain.ts";

const n = Number(process.argv[2] ?? 1000);
const t0 = performance.now();
const long = buildLongChain(n);
const buildMs = performance.now() - t0;
const wire = long.blocks.map((b) => JSON.parse(JSON.stringify(b)) as unknown);

function time(label: string, run: (chain: Chain) => void) {
  const chain = new Chain();
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
const streamMs = time("stream", (chain) => {
  const r = chain.addBranch(wire, wire.map(() => null), long.now);
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
});
const sigs = wire.length * 2;
console.log(`blocks: ${n}, signatures: ${sigs}, build (mine + sign): ${buildMs.toFixed(0)} ms`);
console.table({
  "block by block": { ms: Math.round(liveMs), "blocks/s": Math.round((n * 1000) / liveMs), "sigs/s": Math.round((sigs * 1000) / liveMs) },
  "one stream": { ms: Math.round(streamMs), "blocks/s": Math.round((n * 1000) / streamMs), "sigs/s": Math.round((sigs * 1000) / streamMs) },
});
console.log(JSON.stringify({ blocks: n, liveMs: Math.round(liveMs), streamMs: Math.round(streamMs) }));
