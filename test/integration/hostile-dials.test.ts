/**
 * Dead addresses named in handshakes, against native node processes: every
 * dial is counted exactly by TCP listeners on 127.0.0.1 that drop each
 * connection at once (test/support/hostile.ts). A stranger that repeats its
 * handshake every 2 s for a minute, as a network of re-introducing peers
 * would, gets a few backed-off dials; one that opens link after link, each
 * claiming a new address, gets no more than the dial budget, and must not
 * keep the node from the peers it has proven.
 */
import { afterAll, afterEach, expect, it } from "vitest";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { honestBlockTaken, pairedHonestPeer, pairedWith as paired } from "../support/node-checks.ts";
import { DeadAddress, RawLink, handshakeFrame } from "../support/hostile.ts";

const dead: DeadAddress[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await Promise.all(dead.splice(0).map((d) => d.close()));
  await stopAll();
});
afterAll(stopAll);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One link to `node` sending a handshake naming `addresses`, again every 2 s, for `ms`. */
async function nameRepeatedly(node: NodeProcess, addresses: string[], ms: number): Promise<void> {
  const link = await RawLink.open(node.port, addresses);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(2000);
    await link.send(handshakeFrame(addresses));
  }
  link.close();
}

const deadAddress = async () => {
  const d = await DeadAddress.start();
  dead.push(d);
  return d;
};

it("a dead address named over and over is dialed as its backoff allows, and 40 of them within the dial budget", async () => {
  const [one, many] = await Promise.all([startNode(), startNode()]);
  const target = await deadAddress();
  const targets = await Promise.all(Array.from({ length: 40 }, deadAddress));
  const t0 = Date.now();
  await Promise.all([nameRepeatedly(one, [target.address], 60_000), nameRepeatedly(many, targets.map((t) => t.address), 60_000)]);

  // Backoff after each failure: 15 s, then 30 s; so dials at 0 s, >= 15 s, >= 45 s: 3 in a minute.
  const dials = target.dialsSince(t0);
  expect(dials).toBeGreaterThanOrEqual(1);
  expect(dials).toBeLessThanOrEqual(3);
  // Each failed dial is worth at most two log lines (the error, the close); the repeated handshakes none.
  const port = `:${target.address.split(":").pop()}`;
  expect(one.logs.filter((l) => l.includes(port)).length).toBeLessThanOrEqual(2 * dials);

  // 40 addresses: each backs off alike, and all of them share 30 dials a minute (a burst of 15 first): 45 at most.
  const counts = targets.map((t) => t.dialsSince(t0));
  expect(Math.max(...counts)).toBeLessThanOrEqual(3);
  expect(counts.reduce((s, n) => s + n, 0)).toBeLessThanOrEqual(45);

  // Control: both nodes still take an honest block.
  expect(await honestBlockTaken(one)).not.toBeNull();
  expect(await honestBlockTaken(many)).not.toBeNull();
}, 100_000);

it("a stranger naming a fresh dead address 5 times a second does not keep the node from its proven peer", async () => {
  const node = await startNode();
  const honest = await pairedHonestPeer(node);
  cleanups.push(() => honest.close());
  const dead = await deadAddress();

  // Each new link claims a new address (one dead listener, a new path each): the node dials each claim back.
  let attacking = true;
  const links: RawLink[] = [];
  cleanups.push(() => links.forEach((l) => l.close()));
  const attack = (async () => {
    for (let i = 0; attacking; i++) {
      const link = await RawLink.open(node.port, [`${dead.address}/claim-${i}`]).catch(() => null);
      if (link !== null) links.push(link);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  honest.cut(); // its links drop while the stranger keeps naming
  const cutAt = Date.now();
  await until("the node saw its honest peer go", async () => !(await paired(node, honest.address)));
  // A native newcomer dials in meanwhile: on loopback every link is its own source, so the node cannot tell
  // its claim from the stranger's; whether it pairs is reported, not asserted.
  await new Promise((r) => setTimeout(r, 5000));
  const newcomer = await startNode({ PEERS: node.address });
  const foundAgain = await until("paired with its proven peer again, under attack", () => paired(node, honest.address), 40_000).then(
    () => Date.now() - cutAt,
    () => null,
  );
  const newcomerPaired = await paired(node, newcomer.address);
  attacking = false;
  await attack;
  const minutes = (Date.now() - cutAt) / 60_000;
  console.log(
    `${links.length} claims in ${Math.round(minutes * 60)} s: ${dead.attempts.length} dials to them; proven peer ${foundAgain === null ? "NOT paired again" : `paired again after ${foundAgain} ms`}; newcomer ${newcomerPaired ? "paired" : "NOT paired"}`,
  );
  // The budget holds (a burst of 15, then 30 a minute) ...
  expect(dead.attempts.length).toBeLessThanOrEqual(15 + Math.ceil(30 * minutes));
  // ... and a peer the node proved is not starved by strangers' claims: its backoff is 15 s after a young link dies.
  expect(foundAgain).not.toBeNull();
  expect(await honestBlockTaken(node)).not.toBeNull();
}, 90_000);
