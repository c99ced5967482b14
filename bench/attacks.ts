/**
 * npm run bench:attacks [-- ROOT] [--only=a,b,...]: each attack class of
 * issue 10 against a fresh native node process, measured from outside: peak
 * RSS (VmRSS every 100 ms), CPU time (utime + stime), growth of its data
 * directory, whether it survived, a control afterwards (an honest block
 * taken, an honest peer still paired), and its restart time on the data the
 * attack left (spawn to "listening", and the store load it logs).
 *
 * ROOT (or TABNODE_ROOT) is the tree whose src/cli/main.ts runs, this one by
 * default: point it at a worktree of an older commit to measure "before".
 * Only the wire protocol and the API fields every version has are used; each
 * class is capped in time and reports "crashed" or "timed out" as it found.
 *
 * Every node starts on the same chain: 9 blocks whose difficulty climbs to 5
 * and falls back (work about 16^5), so a branch of the cheapest blocks
 * (difficulty 1 and 2) off genesis needs thousands of blocks to match it.
 * Attack blocks are about 1 MB each: ~2,200 validly signed payments from a
 * key that owns nothing, which a full validation refuses for balance.
 */
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { climbingChain } from "../test/support/chain-builder.ts";
import { storedBlocks } from "../test/support/long-chain.ts";
import { dataDirWith, startNode, stopAll, until, type NodeProcess } from "../test/support/native-process.ts";
import { honestBlockTaken, operatorPost, pairedHonestPeer, pairedWith, restart, tipOf } from "../test/support/node-checks.ts";
import { MB, ProcessWatch, dirBytes } from "../test/support/proc-stats.ts";
import {
  BlockForge, DeadAddress, GENESIS_HASH, HonestPeer, IdleCrowd, RawLink, SilentServers, addressOf, honestBlock,
  junkFrame, mintReward, newKey, orphans, paymentsFor, replaceChainFrame, sendChainFrame, unfundedPayments, type ForgedBlock,
} from "../test/support/hostile.ts";

const args = process.argv.slice(2);
const ROOT = resolve(args.find((a) => !a.startsWith("--")) ?? process.env.TABNODE_ROOT ?? new URL("..", import.meta.url).pathname);
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",") ?? null;
const START = { root: ROOT, startMs: 180_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const chain = climbingChain(5);
const stored = storedBlocks(chain);
const attacker = newKey();
const heavy = new BlockForge([mintReward(addressOf(attacker)), ...unfundedPayments(paymentsFor(1_000_000), attacker)]);
const light = new BlockForge([mintReward(addressOf(attacker))]);
const GENESIS = { hash: GENESIS_HASH, timestamp: 0, next: 1 };

interface Outcome {
  readonly result: string;
  /** The class's own control; by default, an honest block on the tip. */
  readonly control?: string;
}

interface Row {
  readonly class: string;
  readonly survived: string;
  readonly "peak RSS MB": number;
  readonly "RSS growth MB": number;
  readonly "CPU s": number;
  readonly "data dir +MB": number;
  readonly "restart ms": number | string;
  readonly "load ms (blocks)": string;
  readonly result: string;
  readonly control: string;
}

/** The attack's loop condition: before its deadline, and the node still running. */
interface Run {
  going(): boolean;
}

const alive = (node: NodeProcess) => node.child.exitCode === null && node.child.signalCode === null;

async function measured(name: string, capMs: number, attack: (node: NodeProcess, run: Run) => Promise<Outcome>): Promise<Row> {
  const dir = await dataDirWith(stored, `attack-${name[0]}`);
  const node = await startNode({}, dir, START);
  await sleep(1000);
  const pid = node.child.pid!;
  const dir0 = dirBytes(dir);
  const watch = new ProcessWatch(pid);
  const deadline = Date.now() + capMs;
  const run: Run = { going: () => Date.now() < deadline && alive(node) };
  let outcome: Outcome | "timed out";
  try {
    // The attack ends itself at its deadline; twice that means it hung (a node that stopped answering).
    outcome = await Promise.race([attack(node, run), sleep(2 * capMs + 30_000).then(() => "timed out" as const)]);
  } catch (err) {
    outcome = { result: `attack failed: ${(err as Error).message.split("\n")[0]}` };
  }
  watch.stop();
  const survived = alive(node) ? (outcome === "timed out" ? "timed out" : "yes") : `crashed (${node.child.signalCode ?? node.child.exitCode})`;
  let control = typeof outcome === "object" ? outcome.control : undefined;
  if (control === undefined) control = !alive(node) ? "n/a" : (await honestBlockTaken(node).catch(() => null)) !== null ? "honest block taken" : "honest block NOT taken";
  const grown = dirBytes(dir) - dir0;
  const fatal = node.logs.find((l) => l.includes("FATAL ERROR"))?.trim();
  let restartMs: number | string = "failed";
  let load = "";
  try {
    const r = await restart(node, START);
    restartMs = Math.round(r.restartMs);
    load = `${r.loadMs} (${r.loaded})`;
    await r.node.kill();
  } catch (err) {
    load = (err as Error).message.split("\n")[0]!;
  }
  const result = `${typeof outcome === "object" ? outcome.result : "timed out"}${fatal === undefined ? "" : `; the node died: ${fatal.slice(0, 120)}`}`;
  const row: Row = {
    class: name,
    survived,
    "peak RSS MB": Math.round(watch.peak / MB),
    "RSS growth MB": Math.round(watch.growth / MB),
    "CPU s": Math.round(watch.cpuMs / 100) / 10,
    "data dir +MB": Math.round((grown / MB) * 10) / 10,
    "restart ms": restartMs,
    "load ms (blocks)": load,
    result,
    control,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** Sends frames on `links` links until the run ends; a link the node cuts is opened again. */
async function flood(node: NodeProcess, run: Run, links: number, next: (link: number, i: number) => string): Promise<{ frames: number; cuts: number }> {
  let frames = 0;
  let cuts = 0;
  await Promise.all(
    Array.from({ length: links }, async (_, l) => {
      let i = 0;
      while (run.going()) {
        const link = await RawLink.open(node.port).catch(() => null);
        if (link === null) {
          await sleep(100);
          continue;
        }
        while (run.going() && (await link.send(next(l, i)))) {
          frames++;
          i++;
        }
        if (!link.isOpen) cuts++;
        link.close();
      }
    }),
  );
  return { frames, cuts };
}

/** Endless cheap blocks off `parent`, forged as they are sent. */
function* endless(forge: BlockForge, parent: { hash: string; timestamp: number; next: number }): Generator<ForgedBlock> {
  for (;;) yield* forge.branch(parent, 1_000_000);
}

const classes: Record<string, () => Promise<Row | Row[]>> = {
  a: () =>
    measured("a junk stream flood (4 links, 1 MB frames, 45 s)", 45_000, async (node, run) => {
      const frame = junkFrame(1_000_000);
      const { frames, cuts } = await flood(node, run, 4, () => frame);
      return { result: `${frames} junk frames sent (~${frames} MB), ${cuts} links cut` };
    }),

  b: () =>
    measured("b low-work stream flood (4 links, 1 MB blocks off genesis, 20 s)", 20_000, async (node, run) => {
      const branch = [...heavy.branch(GENESIS, 40)];
      const { frames, cuts } = await flood(node, run, 4, (_, i) => sendChainFrame(branch[i % 40]!, i % 40 === 39));
      return { result: `${frames} blocks sent (~${frames} MB) as 40-block streams, ${cuts} links cut` };
    }),

  b2: () =>
    measured("b2 one-block low-work streams, one a frame, 1 link, 10 s", 10_000, async (node, run) => {
      const [block] = [...light.branch(GENESIS, 1)];
      const frame = sendChainFrame(block!, true);
      const before = node.logs.length;
      const { frames, cuts } = await flood(node, run, 1, () => frame);
      await sleep(2500);
      const lines = node.logs.slice(before);
      return { result: `${frames} frames sent, ${cuts} links cut; ${lines.length} log lines (${Math.round(lines.join("\n").length / 1024)} KB)` };
    }),

  c: () =>
    measured("c live low-work branch off genesis (REPLACE_CHAIN, 1 MB blocks, 20 s)", 20_000, async (node, run) => {
      const blocks = endless(heavy, GENESIS);
      const { frames, cuts } = await flood(node, run, 1, () => replaceChainFrame(blocks.next().value as ForgedBlock));
      return { result: `${frames} blocks sent, ${cuts} links cut` };
    }),

  c2: () =>
    measured("c2 live siblings of the tip (same work as the tip, 1 MB, 20 s)", 20_000, async (node, run) => {
      const parent = chain.at(chain.height - 1)!;
      const d = chain.tip().difficulty;
      let n = 0;
      const { frames, cuts } = await flood(node, run, 1, () => replaceChainFrame(heavy.forge(parent.block.hash, parent.timestamp + 1 + n++, d)));
      return { result: `${frames} siblings sent, ${cuts} links cut` };
    }),

  d: () =>
    measured("d 200 orphans (100 unnamed, 100 claiming the honest peer)", 30_000, async (node) => {
      const honest = await HonestPeer.start();
      try {
        honest.dial(node.address);
        await until("paired with the honest peer", () => pairedWith(node, honest.address), 15_000);
        await sleep(500);
        const before = honest.count("TYPE_REQUEST_CHAIN");
        const unnamed = await RawLink.open(node.port);
        const claiming = await RawLink.open(node.port, [honest.address]);
        for (const o of orphans(light, 100)) await unnamed.send(replaceChainFrame(o));
        for (const o of orphans(light, 100)) await claiming.send(replaceChainFrame(o));
        await sleep(5000);
        unnamed.close();
        claiming.close();
        const asks = honest.count("TYPE_REQUEST_CHAIN") - before;
        const block = await honestBlockTaken(node);
        const paired = await pairedWith(node, honest.address);
        return {
          result: `honest peer asked for its chain ${asks} times`,
          control: `${block !== null ? "honest block taken" : "honest block NOT taken"}; ${paired ? "still paired" : "NOT paired"} with the honest peer`,
        };
      } finally {
        await honest.close();
      }
    }),

  e: () =>
    measured("e identity: a stranger claims honest B to A and misbehaves", 40_000, async (a) => {
      const b = await startNode({ PEERS: a.address }, undefined, START);
      const c = await HonestPeer.start();
      try {
        c.dial(a.address);
        await until("A paired with B", () => pairedWith(a, b.address), 20_000);
        await until("A paired with C", () => pairedWith(a, c.address), 20_000);
        const liar = await RawLink.open(a.port, [b.address]);
        for (let i = 0; i < 6; i++) await liar.send("not json");
        const cut = await Promise.race([liar.closed.then((c) => `liar cut (${c.code})`), sleep(5000).then(() => "liar NOT cut")]);
        await sleep(3000);
        const kept = await pairedWith(a, b.address);
        const height = (await tipOf(b)).height;
        await operatorPost(b, "/api/mining", { on: true, blocks: 1 });
        const mined = await until("B mined", async () => ((await tipOf(b)).height > height ? (await tipOf(b)).hash : null), 20_000).catch(() => null);
        const atA = mined !== null && (await until("A took B's block", async () => (await tipOf(a)).hash === mined, 10_000).then(() => true, () => false));
        const relayed = mined !== null && (await until("A relayed it to C", () => c.heard.some((h) => h.from === a.address && h.text.includes(mined)), 10_000).then(() => true, () => false));
        liar.close();
        return {
          result: `${cut}; A-B pair ${kept ? "kept" : "LOST"}`,
          control: `B's block ${atA ? "taken by A" : "NOT taken by A"}, ${relayed ? "relayed to C" : "NOT relayed to C"}`,
        };
      } finally {
        await c.close();
        await b.kill();
      }
    }),

  f: () =>
    Promise.all([
      measured("f1 a handshake naming 1 dead address, repeated every 2 s, 60 s", 60_000, async (node, run) => {
        const dead = await DeadAddress.start();
        try {
          const t0 = Date.now();
          const link = await RawLink.open(node.port, [dead.address]);
          while (run.going()) {
            await sleep(2000);
            await link.send(JSON.stringify({ type: "TYPE_HANDSHAKE", data: [dead.address] }));
          }
          link.close();
          const port = dead.address.split(":").pop()!;
          const lines = node.logs.filter((l) => l.includes(`:${port}`)).length;
          return { result: `${dead.dialsSince(t0)} dials to it in 60 s; ${lines} log lines name it` };
        } finally {
          await dead.close();
        }
      }),
      measured("f40 a handshake naming 40 dead addresses, repeated every 2 s, 60 s", 60_000, async (node, run) => {
        const dead = await Promise.all(Array.from({ length: 40 }, () => DeadAddress.start()));
        try {
          const t0 = Date.now();
          const names = dead.map((d) => d.address);
          const link = await RawLink.open(node.port, names);
          while (run.going()) {
            await sleep(2000);
            await link.send(JSON.stringify({ type: "TYPE_HANDSHAKE", data: names }));
          }
          link.close();
          const counts = dead.map((d) => d.dialsSince(t0));
          const ports = new Set(names.map((n) => `:${n.split(":").pop()}`));
          const lines = node.logs.filter((l) => [...ports].some((p) => l.includes(p))).length;
          return { result: `${counts.reduce((s, n) => s + n, 0)} dials in 60 s (at most ${Math.max(...counts)} to one); ${lines} log lines name them` };
        } finally {
          await Promise.all(dead.map((d) => d.close()));
        }
      }),
    ]),

  g: () =>
    measured("g slot filling: 70 idle sockets + 40 silent servers named, 35 s, then the attacker leaves", 35_000, async (node, run) => {
      // A peer the node proved: it heard of it and dialed it itself (node-checks.ts).
      const honest = await pairedHonestPeer(node);
      const newcomer = await HonestPeer.start();
      const silent = await SilentServers.start(40);
      let crowd: IdleCrowd | null = null;
      let liar: RawLink | null = null;
      try {
        liar = await RawLink.open(node.port, silent.addresses);
        crowd = await IdleCrowd.open(node.port, 70);
        honest.cut(); // the honest peer's links drop while the attacker holds the slots
        const cutAt = Date.now();
        await until("the node saw its honest peer go", async () => !(await pairedWith(node, honest.address)), 10_000);
        let again: number | null = null;
        const watching = (async () => {
          while (run.going() && again === null) {
            if (await pairedWith(node, honest.address).catch(() => false)) again = Date.now() - cutAt;
            else await sleep(500);
          }
        })();
        await sleep(5000);
        newcomer.dial(node.address);
        const joined = await until("the newcomer paired", () => pairedWith(node, newcomer.address), 15_000).then(
          () => "newcomer paired",
          () => `newcomer NOT paired (its link to the node ${newcomer.linkedTo(node.address) ? "open" : "closed"}, ${newcomer.inbound} dialed back)`,
        );
        while (run.going()) await sleep(500);
        await watching;
        const during = again === null ? "honest peer not found again during the attack" : `honest peer paired again ${(again / 1000).toFixed(1)} s after its links dropped`;
        const held = `${crowd.open} idle sockets open, ${silent.accepted} dials to silent servers; ${during}`;
        crowd.close();
        liar.close();
        await silent.close();
        const left = Date.now();
        const back = await until("paired with the honest peer again", () => pairedWith(node, honest.address), 60_000).then(
          () => `paired with the honest peer again ${((Date.now() - left) / 1000).toFixed(1)} s after the attacker left`,
          () => "NOT paired with the honest peer 60 s after the attacker left",
        );
        return { result: `${held}; ${joined}`, control: back };
      } finally {
        crowd?.close();
        liar?.close();
        await silent.close().catch(() => {});
        await honest.close();
        await newcomer.close();
      }
    }),

  g2: () =>
    measured("g2 dial budget: a new link claiming a fresh dead address every 200 ms, 40 s", 40_000, async (node, run) => {
      const honest = await pairedHonestPeer(node);
      const newcomer = await HonestPeer.start();
      const dead = await DeadAddress.start();
      const links: RawLink[] = [];
      try {
        honest.cut();
        const cutAt = Date.now();
        await until("the node saw its honest peer go", async () => !(await pairedWith(node, honest.address)), 10_000);
        let again: number | null = null;
        let joined: number | null = null;
        const attack = (async () => {
          for (let i = 0; run.going(); i++) {
            const link = await RawLink.open(node.port, [`${dead.address}/claim-${i}`]).catch(() => null);
            if (link !== null) links.push(link);
            await sleep(200);
          }
        })();
        await sleep(5000);
        newcomer.dial(node.address);
        while (run.going()) {
          if (again === null && (await pairedWith(node, honest.address))) again = Date.now() - cutAt;
          if (joined === null && (await pairedWith(node, newcomer.address))) joined = Date.now() - cutAt;
          await sleep(500);
        }
        await attack;
        for (const l of links) l.close();
        const left = Date.now();
        const back = await until("paired with the honest peer again", () => pairedWith(node, honest.address), 60_000).then(
          () => `honest peer paired ${((Date.now() - left) / 1000).toFixed(1)} s after the attacker left`,
          () => "honest peer NOT paired 60 s after the attacker left",
        );
        const s = (ms: number | null) => (ms === null ? "never" : `at ${(ms / 1000).toFixed(1)} s`);
        return {
          result: `${links.length} claims, ${dead.attempts.length} dials to them; under attack: honest peer paired again ${s(again)}, newcomer paired ${s(joined)}`,
          control: back,
        };
      } finally {
        for (const l of links) l.close();
        await dead.close();
        await honest.close();
        await newcomer.close();
      }
    }),

  h: () =>
    measured("h tip stamped 100 s ahead, then mine 1 block (cap 40 s)", 40_000, async (node) => {
      const tip = await tipOf(node);
      const ahead = honestBlock({ hash: tip.hash, timestamp: Date.now() + 100_000 }, tip.difficulty);
      const link = await RawLink.open(node.port);
      await link.send(replaceChainFrame(ahead));
      link.close();
      await until("the block stamped ahead is the tip", async () => (await tipOf(node)).hash === ahead.hash, 10_000);
      const t0 = performance.now();
      await operatorPost(node, "/api/mining", { on: true, blocks: 1 });
      const mined = await until("a block mined on it", async () => (await tipOf(node)).height > tip.height + 1, 40_000).then(() => true, () => false);
      await operatorPost(node, "/api/mining", { on: false });
      return { result: mined ? `first block mined ${Math.round(performance.now() - t0)} ms after mining was switched on` : "no block mined in 40 s" };
    }),
};

const rows: Row[] = [];
const clean: Record<string, number | string> = {};
try {
  console.log(`bench:attacks on ${ROOT}`);
  // The yardstick for restart times: the same chain, never attacked.
  const dir = await dataDirWith(stored, "attack-clean");
  const first = await startNode({}, dir, START);
  const r = await restart(first, START);
  await r.node.kill();
  clean.restartMs = Math.round(r.restartMs);
  clean.loadMs = r.loadMs;
  console.log(`clean restart: ${clean.restartMs} ms to listening, store loaded in ${r.loadMs} ms (${r.loaded} blocks)`);
  for (const [key, run] of Object.entries(classes)) {
    if (only !== null && !only.includes(key)) continue;
    const out = await run();
    rows.push(...(Array.isArray(out) ? out : [out]));
    await stopAll();
  }
  console.table(rows.map(({ result, control, ...figures }) => figures));
  for (const row of rows) console.log(`${row.class}\n  result: ${row.result}\n  control: ${row.control}`);
  console.log(JSON.stringify({ root: ROOT, clean, rows }));
} finally {
  await stopAll();
}
