/**
 * npm run bench:mine [-- --browser] [-- --gpu [--swiftshader]] [-- --ms=2000]: hashes per second of the
 * ways to mine a JeChain block, on a real 1-transaction and 11-transaction
 * block template (deterministic: fixed keys, seeded signing randomness):
 *   - the tutorial's loop: re-stringify and hash the whole preimage per nonce;
 *   - node:crypto with the prefix hashed once (hash.copy() per nonce);
 *   - @noble/hashes with a cloned midstate (Tabnode's loop before issue 6);
 *   - the JavaScript midstate loop and the WebAssembly SIMD miner;
 * the WebAssembly miner over all 64 tail lengths, from 7-digit nonces and from
 * where the pool starts its threads (nonceStarts),
 * then `openssl speed` SHA-256 on one core in the same run, scaling from 1 to
 * 2 worker_threads, and with --browser the same in Chromium workers. With
 * --gpu, the GPU kernel in Chromium and in Node, the ratio of each to one CPU
 * core in the same run, and the page's frame times while it mines
 * (bench/mine-gpu.ts). Prints a table, then one JSON line. Each row runs for
 * --ms (default 2 s).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpus } from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { Chain } from "../src/core/chain.ts";
import { Mempool } from "../src/core/mempool.ts";
import { buildTemplate, type BlockTemplate } from "../src/core/template.ts";
import { signPayment, walletFromPrivateKey } from "../src/core/wallet.ts";
import { searchNonceWith, type MinerImplementation } from "../src/miner/nonce-loop.ts";
import { nonceStarts } from "../src/miner/pool.ts";
import { costsOneCompression, fillSegment, newSegment, planPrefix, tailLayout } from "../src/miner/preimage.ts";
import { GENESIS_HOLDER, T0 } from "../test/support/chain-builder.ts";
import type { BenchReply } from "../test/support/miner-browser-entry.ts";
import { chromiumGpu, nodeGpu, pageFrameTimes, type FrameTimes, type GpuFigures } from "./mine-gpu.ts";

/** Nonces from here have 7 digits, as most found nonces do at today's difficulties. */
const START = 1_000_000;
/** A difficulty no hash meets: every row hashes for the whole time it is given. */
const NEVER = 64;

interface ThreadJob {
  readonly impl: MinerImplementation;
  readonly prefix: string;
  readonly ms: number;
}

/**
 * Calls `run(from, chunk)` over consecutive chunks for about `ms` after a short
 * warm-up, timed in bursts of a tenth of that; returns the median burst's
 * hashes/s, so a moment of another process on the machine does not set it.
 */
function rate(run: (from: number, chunk: number) => void, chunk: number, ms: number, start = START): number {
  let from = start;
  const burst = (length: number) => {
    const t0 = performance.now();
    let hashes = 0;
    let now = t0;
    while (now - t0 < length) {
      run(from, chunk);
      from += chunk;
      hashes += chunk;
      now = performance.now();
    }
    return (hashes * 1000) / (now - t0);
  };
  burst(Math.min(300, ms / 4));
  const rates = Array.from({ length: 10 }, () => burst(ms / 10)).sort((a, b) => a - b);
  return (rates[4]! + rates[5]!) / 2;
}

const minerRate = (impl: MinerImplementation, prefix: string, ms: number, start = START) =>
  rate((from, chunk) => searchNonceWith(impl, prefix, NEVER, from, chunk), impl === "js" ? 50_000 : 200_000, ms, start);

/**
 * The WebAssembly miner over all 64 tail lengths (the 11-tx prefix cut or
 * extended to 5,056 + r bytes), from 7-digit nonces and from where
 * nonceStarts puts a thread, measured back to back for each length: the
 * mean and the slowest of the 64, and how many lengths cost two compressions
 * (or segments under 100 nonces) per nonce.
 */
function tailsRate(prefix: string, ms: number): Record<string, { mean: number; min: number; slow: number }> {
  const long = prefix + prefix;
  const starts: Record<string, (p: string) => number> = { "nonces from 10^6": () => START, "nonces from nonceStarts": (p) => nonceStarts(p, 1)[0]! };
  const rates: Record<string, number[]> = {};
  const slow: Record<string, number> = {};
  for (let r = 0; r < 64; r++) {
    const p = long.slice(0, 5056 + r);
    for (const [label, start] of Object.entries(starts)) {
      (rates[label] ??= []).push(minerRate("wasm-simd", p, ms, start(p)));
      slow[label] = (slow[label] ?? 0) + (costsOneCompression(tailLayout(Buffer.byteLength(p) % 64, String(start(p)).length)) ? 0 : 1);
    }
  }
  return Object.fromEntries(
    Object.entries(rates).map(([label, list]) => [label, { mean: list.reduce((a, b) => a + b, 0) / list.length, min: Math.min(...list), slow: slow[label]! }]),
  );
}

function seededRandom(seed: number): (n: number) => Uint8Array {
  let x = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 255;
    }
    return out;
  };
}

/** A template on genesis with the reward and `payments` payments from the genesis holder. */
function blockTemplate(payments: number): BlockTemplate {
  const random = seededRandom(42);
  const chain = new Chain();
  const mempool = new Mempool();
  for (let i = 0; i < payments; i++) {
    const to = walletFromPrivateKey((0x20 + i).toString(16).repeat(32)).address;
    const admitted = mempool.admit(signPayment(GENESIS_HOLDER, { to, amount: 10 + i, gas: 1 }, random), chain.ledger);
    if (!admitted.ok) throw new Error(`${admitted.reason}: ${admitted.detail}`);
  }
  const t = buildTemplate({ chain, mempool, minerAddress: walletFromPrivateKey("11".repeat(32)).address, now: T0 + 31_000, random });
  if (!t.ok) throw new Error(`${t.reason}: ${t.detail}`);
  if (t.template.data.length !== payments + 1) throw new Error(`the template took ${t.template.data.length - 1} of ${payments} payments`);
  return t.template;
}

/** The JeChain tutorial's mine(): the whole preimage, re-stringified, per nonce. */
function tutorialRate(t: BlockTemplate, ms: number): number {
  const zeros = "0".repeat(NEVER);
  return rate(
    (from, chunk) => {
      for (let nonce = from; nonce < from + chunk; nonce++) {
        const hash = createHash("sha256")
          .update(t.prevHash + t.timestamp + JSON.stringify(t.data) + nonce)
          .digest("hex");
        if (hash.startsWith(zeros)) throw new Error("found");
      }
    },
    1000,
    ms,
  );
}

function cachedCryptoRate(prefix: string, ms: number): number {
  const base = createHash("sha256").update(prefix);
  return rate(
    (from, chunk) => {
      for (let nonce = from; nonce < from + chunk; nonce++) {
        const d = base.copy().update(String(nonce)).digest();
        if (d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === 0 && d[31] === 0 && d[30] === 0) throw new Error("found");
      }
    },
    5000,
    ms,
  );
}

function nobleCloneRate(prefix: string, ms: number): number {
  const base = sha256.create().update(utf8ToBytes(prefix));
  return rate(
    (from, chunk) => {
      for (let nonce = from; nonce < from + chunk; nonce++) {
        const d = base.clone().update(utf8ToBytes(String(nonce))).digest();
        if (d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === 0 && d[31] === 0 && d[30] === 0) throw new Error("found");
      }
    },
    5000,
    ms,
  );
}

/** `openssl speed` SHA-256 on one core: compressions/s from its throughput on 16 KiB messages (64 bytes per compression). */
function opensslCompressions(): { compressions: number; version: string } | null {
  try {
    const version = execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
    const out = execFileSync("openssl", ["speed", "-seconds", "3", "-bytes", "16384", "sha256"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m = /^sha256\s+([\d.]+)k\s*$/m.exec(out);
    if (m === null) throw new Error(`unexpected openssl speed output:\n${out}`);
    return { compressions: (Number(m[1]) * 1000) / 64, version };
  } catch (err) {
    console.error(`openssl speed failed: ${(err as Error).message}`);
    return null;
  }
}

/** Hashes/s of `threads` worker_threads running the miner at once. */
async function threadsRate(threads: number, impl: MinerImplementation, prefix: string, ms: number): Promise<number> {
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const rates = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(boot, { eval: true, workerData: { impl, prefix, ms } satisfies ThreadJob });
          w.once("message", (r: number) => {
            resolve(r);
            void w.terminate();
          });
          w.once("error", reject);
        }),
    ),
  );
  return rates.reduce((a, b) => a + b, 0);
}

const fmt = (n: number | null | undefined) => (n == null ? "-" : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);

async function main(): Promise<void> {
  const browser = process.argv.includes("--browser");
  const ms = Number(/--ms=(\d+)/.exec(process.argv.join(" "))?.[1] ?? 2000);
  const blocks = { "1-tx": blockTemplate(0), "11-tx": blockTemplate(10) };
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? "?"} x ${cpus().length}, ${ms} ms per row, nonces from ${START}`);
  for (const [name, t] of Object.entries(blocks)) {
    const bytes = Buffer.byteLength(t.prefix);
    const seg = newSegment();
    fillSegment(planPrefix(t.prefix), START, Infinity, seg);
    console.log(
      `${name}: prefix ${bytes} bytes: ${Math.floor(bytes / 64)} blocks in the midstate, ${bytes % 64} bytes left for the tail; ` +
        `per nonce ${seg.blocks} compression(s) from round ${seg.firstRound} on`,
    );
  }

  type Row = Record<string, string>;
  const table: Record<string, Row> = {};
  const node: Record<string, Record<string, number>> = {};
  const methods: [string, (t: BlockTemplate) => number][] = [
    ["tutorial loop (node:crypto, whole preimage)", (t) => tutorialRate(t, ms)],
    ["node:crypto, prefix cached (hash.copy())", (t) => cachedCryptoRate(t.prefix, ms)],
    ["@noble/hashes midstate clone (before)", (t) => nobleCloneRate(t.prefix, ms)],
    ["JavaScript midstate loop", (t) => minerRate("js", t.prefix, ms)],
    ["WebAssembly SIMD miner", (t) => minerRate("wasm-simd", t.prefix, ms)],
  ];
  for (const [label, run] of methods) {
    node[label] = {};
    for (const [name, t] of Object.entries(blocks)) node[label]![name] = run(t);
    table[`node: ${label}`] = Object.fromEntries(Object.entries(node[label]!).map(([k, v]) => [`${k} hashes/s`, fmt(v)]));
  }
  const ours = node["WebAssembly SIMD miner"]!["11-tx"]!;
  const seed = node["tutorial loop (node:crypto, whole preimage)"]!["11-tx"]!;

  const openssl = opensslCompressions();
  if (openssl) table[`openssl speed sha256, 1 core (${openssl.version.split(" ").slice(0, 2).join(" ")})`] = { "11-tx hashes/s": `${fmt(openssl.compressions)} compressions/s` };

  for (const [label, r] of Object.entries(tailsRate(blocks["11-tx"].prefix, Math.max(150, ms / 8)))) {
    table[`node: WebAssembly SIMD, 64 tail lengths, ${label}`] = { "11-tx hashes/s": `mean ${fmt(r.mean)}, slowest ${fmt(r.min)}; ${r.slow} slow tails` };
  }

  const one = await threadsRate(1, "wasm-simd", blocks["11-tx"].prefix, ms);
  const two = await threadsRate(2, "wasm-simd", blocks["11-tx"].prefix, ms);
  table["node: WebAssembly SIMD, 1 worker_thread"] = { "11-tx hashes/s": fmt(one) };
  table["node: WebAssembly SIMD, 2 worker_threads"] = { "11-tx hashes/s": `${fmt(two)} (x${(two / one).toFixed(2)})` };

  let browserRate: number | null = null;
  if (browser) {
    const { openMinerPage } = await import("../test/support/miner-browser.ts");
    const chromium = await openMinerPage();
    try {
      console.log(`chromium ${chromium.browser.version()}`);
      const inWorkers = async (impl: MinerImplementation, prefix: string, workers: number) => {
        const replies = await chromium.inWorkers<BenchReply>(Array.from({ length: workers }, () => ({ kind: "bench" as const, impl, prefix, ms, start: START })));
        return replies.reduce((sum, r) => sum + r.hashesPerSecond, 0);
      };
      for (const [label, impl] of [["JavaScript midstate loop", "js"], ["WebAssembly SIMD miner", "wasm-simd"]] as const) {
        const row: Row = {};
        for (const [name, t] of Object.entries(blocks)) {
          const r = await inWorkers(impl, t.prefix, 1);
          row[`${name} hashes/s`] = fmt(r);
          if (impl === "wasm-simd" && name === "11-tx") browserRate = r;
        }
        table[`chromium worker: ${label}`] = row;
      }
      const two = await inWorkers("wasm-simd", blocks["11-tx"].prefix, 2);
      table["chromium: WebAssembly SIMD, 2 workers"] = { "11-tx hashes/s": `${fmt(two)} (x${(two / browserRate!).toFixed(2)})` };
    } finally {
      await chromium.close();
    }
  }

  let gpu: { chromium: GpuFigures; chromiumCore: number; node: GpuFigures; frames: Record<string, FrameTimes> } | null = null;
  if (process.argv.includes("--gpu")) {
    const prefix = blocks["11-tx"].prefix;
    // Where the pool starts the GPU beside one CPU thread.
    const start = nonceStarts(prefix, 2)[1]!;
    const inChromium = await chromiumGpu(prefix, ms, start);
    const inNode = await nodeGpu(prefix, ms, start, process.argv.includes("--swiftshader"));
    const frames = await pageFrameTimes(Math.max(ms, 5000));
    gpu = { chromium: inChromium.gpu, chromiumCore: inChromium.cpuCore, node: inNode, frames };
    const row = (f: GpuFigures, core: number) =>
      f.adapter === null
        ? { "11-tx hashes/s": `none: ${f.reason}` }
        : { "11-tx hashes/s": `${fmt(f.mined)} mining (x${(f.mined! / core).toFixed(2)} one core), ${fmt(f.fixed)} in 2^16 dispatches; ${f.adapter}${f.software ? " (SOFTWARE adapter: runs on the CPU; says nothing of a GPU)" : ""}` };
    table["chromium worker: WebGPU kernel"] = row(inChromium.gpu, inChromium.cpuCore);
    table["chromium worker: WebAssembly SIMD, same browser"] = { "11-tx hashes/s": fmt(inChromium.cpuCore) };
    table["node: WebGPU kernel (webgpu package)"] = row(inNode, ours);
    for (const [label, f] of Object.entries(frames)) {
      table[`page frame times, ${label}`] = { "11-tx hashes/s": `${fmt(f.hashrate)}; frames ${f.frames}: p50 ${f.p50} ms, p95 ${f.p95}, p99 ${f.p99}, max ${f.max}, ${f.over25} over 25 ms` };
    }
  }

  console.table(table);
  if (gpu?.chromium.software) console.log("The GPU figures come from a software adapter (SwiftShader): it runs on this machine's CPU cores, so its rate means nothing for a GPU.");
  const ratios = [
    `WebAssembly SIMD / tutorial loop: x${(ours / seed).toFixed(0)}`,
    openssl ? `WebAssembly SIMD hashes/s / openssl compressions/s: ${(ours / openssl.compressions).toFixed(2)}` : null,
    browserRate !== null && openssl ? `Chromium worker / openssl: ${(browserRate / openssl.compressions).toFixed(2)}` : null,
    `2 threads / 1: x${(two / one).toFixed(2)}`,
  ];
  console.log(ratios.filter((r) => r !== null).join("; "));
  console.log(
    JSON.stringify({
      block: "11-tx",
      ours: Math.round(ours),
      seed: Math.round(seed),
      openssl: openssl ? Math.round(openssl.compressions) : null,
      scaling2: Number((two / one).toFixed(2)),
      browser: browserRate === null ? null : Math.round(browserRate),
      ...(gpu === null
        ? {}
        : {
            gpu: gpu.chromium.mined === null ? null : Math.round(gpu.chromium.mined),
            gpuAdapter: gpu.chromium.adapter,
            gpuSoftware: gpu.chromium.software,
            gpuPerCore: gpu.chromium.mined === null ? null : Number((gpu.chromium.mined / gpu.chromiumCore).toFixed(3)),
            gpuDispatch2p16: gpu.chromium.fixed === null ? null : Math.round(gpu.chromium.fixed),
            chromiumCore: Math.round(gpu.chromiumCore),
            gpuNode: gpu.node.mined === null ? null : Math.round(gpu.node.mined),
            gpuNodeAdapter: gpu.node.adapter,
            gpuNodePerCore: gpu.node.mined === null ? null : Number((gpu.node.mined / ours).toFixed(3)),
            gpuNodeReason: gpu.node.reason,
            frames: gpu.frames,
          }),
    }),
  );
}

// The same file is each worker_thread's entry.
if (!isMainThread) {
  const job = workerData as ThreadJob;
  parentPort!.postMessage(minerRate(job.impl, job.prefix, job.ms));
} else {
  await main();
}
