/**
 * Eclipse by slot filling, against a native node process: sockets that open
 * and never say a word (each one the node lets go opened again at once) fill
 * its inbound slots, and a handshake naming 40 WebSocket servers that accept
 * and never link back fills its outbound ones, while its honest peer's links
 * drop. Honest newcomers must still get in and pair (a native node, which
 * retries, and tutorial-style peers, which dial once); the node must find its
 * honest peer again on its own.
 */
import { afterAll, afterEach, expect, it } from "vitest";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { honestBlockTaken, pairedHonestPeer, pairedWith as paired } from "../support/node-checks.ts";
import { HonestPeer, IdleCrowd, RawLink, SilentServers } from "../support/hostile.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await stopAll();
});
afterAll(stopAll);

const status = (n: NodeProcess) => n.get<{ peers: { address: string | null; direction: "in" | "out" }[] }>("/api/status");

it("70 idle sockets and 40 silent servers: an honest newcomer still pairs, and the node finds its honest peer again", async () => {
  const node = await startNode();
  const honest = await pairedHonestPeer(node);
  cleanups.push(() => honest.close());

  const silent = await SilentServers.start(40);
  cleanups.push(() => silent.close());
  const liar = await RawLink.open(node.port, silent.addresses);
  cleanups.push(() => liar.close());
  const crowd = await IdleCrowd.open(node.port, 70);
  cleanups.push(() => crowd.close());
  honest.cut(); // its links drop while the attacker holds the slots
  const cutAt = Date.now();
  await until("the node saw its honest peer go", async () => !(await paired(node, honest.address)));
  await until("the silent servers are dialed", () => silent.accepted >= 8);

  const inbound = (await status(node)).peers.filter((p) => p.direction === "in");
  expect(inbound.length).toBeLessThanOrEqual(64); // the inbound slots
  expect(inbound.filter((p) => p.address === null).length).toBeGreaterThan(50); // nearly all held by the idle crowd

  // A newcomer dials in: it takes an idle socket's place, names itself, and is dialed back.
  const newcomer = await startNode({ PEERS: node.address });
  await until("the newcomer paired", async () => (await paired(node, newcomer.address)) && (await paired(newcomer, node.address)), 20_000);

  // The attacker holds on for 35 s in all (the silent servers are let go after 30 s each), then leaves.
  let foundUnderAttack: number | null = null;
  while (Date.now() - cutAt < 35_000) {
    if (foundUnderAttack === null && (await paired(node, honest.address))) foundUnderAttack = Date.now() - cutAt;
    await new Promise((r) => setTimeout(r, 500));
  }
  crowd.close();
  liar.close();
  await silent.close();
  await until("paired with its honest peer again after the attacker left", () => paired(node, honest.address), 30_000);
  console.log(`honest peer paired again ${foundUnderAttack === null ? "only after the attacker left" : `${foundUnderAttack} ms after its links dropped, under attack`}`);
  expect(node.logs.some((l) => /did not link back in 30000 ms/.test(l))).toBe(true);
  expect(await honestBlockTaken(node)).not.toBeNull();
});

it("tutorial-style newcomers (one dial, no retry) all pair while 100 idle sockets churn through the inbound slots", async () => {
  const node = await startNode();
  const crowd = await IdleCrowd.open(node.port, 100); // 36 more than the slots: each one let go comes back at once
  cleanups.push(() => crowd.close());
  await new Promise((r) => setTimeout(r, 1000));
  const outcomes: string[] = [];
  for (let i = 0; i < 20; i++) {
    const newcomer = await HonestPeer.start();
    cleanups.push(() => newcomer.close());
    newcomer.dial(node.address); // and introduces itself as soon as the link opens, as a seed node does
    const ok = await until("the newcomer paired", () => paired(node, newcomer.address), 5_000).then(() => true, () => false);
    outcomes.push(ok ? "paired" : newcomer.linkedTo(node.address) ? "link open, not paired" : "link closed");
    await newcomer.close();
  }
  console.log(`20 tutorial-style newcomers under a churning crowd (${crowd.dropped} idle sockets let go): ${outcomes.filter((o) => o === "paired").length} paired; ${outcomes.filter((o) => o !== "paired").join(", ")}`);
  expect(outcomes.filter((o) => o !== "paired")).toEqual([]);
});
