/**
 * What a node under attack is asked from outside, as an honest peer or its
 * operator would: its tip, whether it is paired with an address, whether it
 * takes an honest block, how long it takes to restart. Shared by the
 * hostile-peer tests and `npm run bench:attacks`; written against the HTTP
 * API fields that old and new nodes both have.
 */
import { performance } from "node:perf_hooks";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { COOKIE_FILE } from "../../src/platform/cookie-file.ts";
import { HonestPeer, RawLink, honestBlock, replaceChainFrame, type ForgedBlock } from "./hostile.ts";
import { startNode, until, type NodeProcess, type StartOptions } from "./native-process.ts";

interface PeerEntry {
  readonly address: string | null;
  readonly direction: "in" | "out";
  readonly open: boolean;
}

export async function tipOf(node: NodeProcess): Promise<{ hash: string; timestamp: number; difficulty: number; height: number }> {
  const status = await node.get<{ tip: string; difficulty: number; height: number }>("/api/status");
  const block = await node.get<{ block: { timestamp: string } }>(`/api/blocks/${status.tip}`);
  return { hash: status.tip, timestamp: Number(block.block.timestamp), difficulty: status.difficulty, height: status.height };
}

/** Both links with `address` exist: the node's own link to it is open, and a link from it claims it. */
export async function pairedWith(node: NodeProcess, address: string): Promise<boolean> {
  const { peers } = await node.get<{ peers: PeerEntry[] }>("/api/status");
  return peers.some((p) => p.direction === "out" && p.address === address && p.open) && peers.some((p) => p.direction === "in" && p.address === address);
}

/**
 * A minimal honest peer (hostile.ts; a test can cut its links) that `node`
 * has proven: the node hears of it in a handshake, dials it from its book of
 * its own accord, and it links back (a dial-back to a peer's claim would
 * prove nothing). The caller closes it.
 */
export async function pairedHonestPeer(node: NodeProcess): Promise<HonestPeer> {
  const honest = await HonestPeer.start();
  // A link that names itself with an address nothing listens on (port 1 on loopback refuses at once) and the honest peer.
  const teller = await RawLink.open(node.port, ["ws://127.0.0.1:1", honest.address]);
  try {
    await until("paired with the honest peer", () => pairedWith(node, honest.address), 20_000);
  } catch (err) {
    await honest.close();
    throw err;
  } finally {
    teller.close();
  }
  return honest;
}

/**
 * The control after an attack: a block mined on the node's tip by a peer that
 * never misbehaved, sent on a link of its own, becomes the node's tip.
 * Returns the block, or null if the node did not take it within `ms`.
 */
export async function honestBlockTaken(node: NodeProcess, ms = 15_000): Promise<ForgedBlock | null> {
  const tip = await tipOf(node);
  const block = honestBlock(tip, tip.difficulty);
  const link = await RawLink.open(node.port);
  try {
    await link.send(replaceChainFrame(block));
    await until("the honest block is the tip", async () => (await tipOf(node)).hash === block.hash, ms);
    return block;
  } catch {
    return null;
  } finally {
    link.close();
  }
}

/** POSTs JSON as the operator: with the cookie when the node wrote one (nodes before the cookie had none). */
export async function operatorPost(node: NodeProcess, path: string, body: unknown): Promise<number> {
  if (existsSync(join(node.dataDir, COOKIE_FILE))) return (await node.post(path, body)).status;
  const res = await fetch(`http://127.0.0.1:${node.port}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.status;
}

export interface Restart {
  readonly node: NodeProcess;
  /** Spawn to "listening". */
  readonly restartMs: number;
  /** Blocks the node loaded from its store, and how long it says that took. */
  readonly loaded: number;
  readonly loadMs: number;
}

/** Kills a node (-9) and starts it again on the same data directory. */
export async function restart(node: NodeProcess, options: StartOptions = {}): Promise<Restart> {
  await node.kill("SIGKILL");
  const t0 = performance.now();
  const next = await startNode({}, node.dataDir, options);
  const restartMs = performance.now() - t0;
  const m = /loaded (\d+) blocks .* in (\d+) ms/.exec(next.logs.join("\n"));
  return { node: next, restartMs, loaded: Number(m?.[1] ?? NaN), loadMs: Number(m?.[2] ?? NaN) };
}
