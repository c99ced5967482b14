/**
 * The tutorial's nodes in the simulator (src/sim/tutorial.ts): a few of their
 * quirks on a bare simulated network, then the mixed scenario on fixed seeds,
 * where the Tabnode invariants judge the Tabnode nodes and the figures say
 * what the tutorial nodes did beside them.
 */
import { describe, expect, it } from "vitest";
import type { Link, LinkHandler, Transport } from "../../src/node/transport.ts";
import { MessageType, encodeFrame } from "../../src/protocol/messages.ts";
import { BusyLoop } from "../../src/sim/busy-loop.ts";
import { SimClock } from "../../src/sim/clock.ts";
import { DEFAULT_NETWORK, SimNetwork } from "../../src/sim/network.ts";
import { SimRandom } from "../../src/sim/random.ts";
import { runSimulation, type SimOptions, type SimReport } from "../../src/sim/run.ts";
import { seedSign } from "../../src/sim/tutorial-chain.ts";
import { TutorialNode, type TutorialForm } from "../../src/sim/tutorial.ts";
import { GENESIS_HOLDER } from "../../src/sim/users.ts";
import { SIM_EPOCH } from "../../src/sim/world.ts";

const PAYEE = "04" + "ab".repeat(64);

/** A bare network: a clock, links, and tutorial nodes or a scripted endpoint on it. */
function bareNetwork() {
  const clock = new SimClock(SIM_EPOCH);
  const rng = SimRandom.seeded(1);
  const network = new SimNetwork(clock, rng.fork(), DEFAULT_NETWORK);
  let keys = 0;
  const tutorial = (name: string, form: TutorialForm, peers: string[], mining: { hashrate: number; everyMs: number } | null = null) =>
    new TutorialNode(
      { address: `ws://${name}.sim:3000`, form, host: `${name}.sim`, peers, privateKey: (++keys).toString(16).padStart(64, "0"), mining },
      { clock, network, trace: false },
      rng.fork(),
    );
  const at = (ms: number, fn: () => void) => clock.schedule(fn, SIM_EPOCH + ms - clock.now);
  const runTo = (ms: number) => clock.runUntil(SIM_EPOCH + ms);
  return { clock, network, tutorial, at, runTo };
}

/** An endpoint that never stalls (as a Tabnode node's loop never does), recording what its links do. */
class Wire implements LinkHandler {
  readonly opens: Link[] = [];
  readonly closes: string[] = [];
  readonly transport: Transport;
  constructor(network: SimNetwork, address: string) {
    this.transport = network.attach(address, this, "wire.sim");
  }
  opened(link: Link): void {
    if (link.direction === "out") this.opens.push(link);
  }
  message(): void {}
  closed(_link: Link, why: string): void {
    this.closes.push(why);
  }
}

const payment = (amount: number) => seedSign(GENESIS_HOLDER.privateKey, { from: GENESIS_HOLDER.address, to: PAYEE, amount, gas: 1 });

describe("a tutorial node's quirks", () => {
  it("keeps a payment it hears twice, twice, and mines both copies into one block", async () => {
    const net = bareNetwork();
    const t = net.tutorial("t", "v0.2.0", [], { hashrate: 1e6, everyMs: 5_000 });
    const wire = new Wire(net.network, "ws://wire.sim:1");
    const tx = payment(70);
    net.at(0, () => t.start());
    net.at(100, () => void wire.transport.dial(t.address));
    net.at(1_000, () => {
      for (let i = 0; i < 2; i++) wire.opens[0]!.send(encodeFrame(MessageType.CreateTransaction, tx));
    });
    await net.runTo(7_000);
    expect(t.chain.length).toBe(2);
    expect(t.chain.last.data.slice(1)).toEqual([tx, tx]);
    expect(t.paymentsMinedTwice()).toBe(1);
    expect(t.chain.balances().get(PAYEE)).toBe(140);
  });

  it("takes a chain stream as its own form does: the article keeps the finished block, v0.2.0 drops it, and a v0.2.0 stream never finishes", async () => {
    const net = bareNetwork();
    const source = net.tutorial("a", "article", [], { hashrate: 1e6, everyMs: 1_000 });
    const article = net.tutorial("b", "article", [source.address]);
    const v020 = net.tutorial("c", "v0.2.0", [source.address]);
    const fromV020 = net.tutorial("d", "article", [v020.address]);
    net.at(0, () => source.start());
    net.at(500, () => source.submit(payment(5)));
    net.at(2_500, () => source.submit(payment(6)));
    net.at(4_500, () => {
      source.stopMining();
      article.start();
      v020.start();
    });
    net.at(6_000, () => {
      article.requestChainAndInfo(source.address);
      v020.requestChainAndInfo(source.address);
    });
    net.at(8_000, () => fromV020.start());
    net.at(10_000, () => fromV020.requestChainAndInfo(v020.address));
    await net.runTo(15_000);
    expect(source.chain.length).toBe(3);
    expect(article.chain.all()).toEqual(source.chain.all());
    expect(v020.chain.all()).toEqual(source.chain.all().slice(0, 2));
    expect(fromV020.chain.length).toBe(1);
    expect(fromV020.stats.streams).toEqual({ adopted: 0, refused: 0 });
    // Both answer REQUEST_INFO with the bare text "TYPE_SEND_INFO": the asker's JSON.parse throws, and it goes on.
    for (const asker of [article, v020, fromV020]) {
      const notJson = [...asker.stats.exceptions].filter(([kind]) => kind.startsWith("SyntaxError") && kind.includes("TYPE_SEND_INFO"));
      expect(notJson.map(([, n]) => n)).toEqual([1]);
    }
  });

  it("stops answering pings while its loop is blocked: its link is kept and shows busy (it showed no Tabnode header), and dials to it time out", async () => {
    const net = bareNetwork();
    const t = net.tutorial("t", "v0.2.0", []);
    const wire = new Wire(net.network, "ws://wire.sim:1");
    net.at(0, () => t.start());
    net.at(100, () => void wire.transport.dial(t.address));
    // A synchronous call of two minutes, as mining is.
    net.at(1_000, () => t.loop.block(120_000, () => {}));
    net.at(20_000, () => void wire.transport.dial(t.address));
    await net.runTo(65_000);
    expect(wire.opens).toHaveLength(1);
    expect(wire.opens[0]!.tabnode).toBe(false);
    expect(wire.opens[0]!.busy).toBe(true);
    expect(wire.closes).toEqual(["1006 opening handshake timed out"]);
    net.at(122_000, () => void wire.transport.dial(t.address));
    await net.runTo(185_000);
    // The loop is free again: the next ping is answered, and a new dial opens.
    expect(wire.opens).toHaveLength(2);
    expect(wire.opens[0]!.busy).toBe(false);
    expect(wire.closes).toEqual(["1006 opening handshake timed out"]);
  });

  it("a stalled end that showed Tabnode's header is gone to the heartbeat: its link is cut", async () => {
    const net = bareNetwork();
    const wire = new Wire(net.network, "ws://wire.sim:1");
    const stalled = new BusyLoop(net.clock, () => {});
    const quiet: LinkHandler = { opened: () => {}, message: () => {}, closed: () => {} };
    net.network.attach("ws://stalled.sim:1", quiet, "stalled.sim", false, (task) => stalled.run(task), true);
    net.at(100, () => void wire.transport.dial("ws://stalled.sim:1"));
    net.at(1_000, () => stalled.block(120_000, () => {}));
    await net.runTo(65_000);
    expect(wire.opens).toHaveLength(1);
    expect(wire.opens[0]!.tabnode).toBe(true);
    expect(wire.closes).toEqual(["1006 terminated by the heartbeat: no pong"]);
  });
});

const run = (o: Partial<SimOptions>) => runSimulation({ scenario: "mixed-with-tutorial-nodes", seed: 1, nodes: 15, minutes: 30, trace: false, plant: null, ...o });

interface TutorialFigures {
  readonly tabnodeHeight: number;
  readonly nodes: readonly {
    readonly name: string;
    readonly height: number;
    readonly agreesWithTabnodeTo: number;
    readonly blocksTaken: number;
    readonly mined: number;
    readonly busyShare: number;
    readonly linksCutByHeartbeat: number;
    readonly tabnodePaired: number;
    readonly minedCopies: number;
    readonly streams: { readonly adopted: number };
  }[];
  readonly payments: Readonly<Record<"sent" | "onTabnodeChain" | "waitingOnTabnode" | "waitingOnSomeTabnodes" | "refusedByTabnode" | "onlyInTutorialBlocks" | "onlyInTutorialPools" | "typedAtBlockedNode" | "nowhere", number>>;
}

/** What every run of the scenario shows of the tutorial nodes, whatever the seed. */
function expectTutorialFigures(report: SimReport): void {
  const figures = report.figures?.["tutorial"] as TutorialFigures;
  const [seed1, seed2, seed3] = figures.nodes;
  // Each took the chain of the Tabnode node it asked, as a stream.
  for (const t of figures.nodes) {
    expect(t.streams.adopted).toBeGreaterThanOrEqual(1);
    expect(t.agreesWithTabnodeTo).toBeGreaterThan(0);
  }
  // seed2 (v0.2.0, not mining) is served both stream forms (its form is not known when it asks): it takes the
  // article's one block short, then v0.2.0's to the tip, and the difficulty that fits it from the info it asks next;
  // so it takes live blocks after. It still ends on a prefix of the Tabnode chain, behind (seeds 1 and 2): at some
  // point a block carries a payment that is not in its pool, it refuses that block and all after, and a tutorial
  // node never asks for the chain again.
  expect(seed2!.streams.adopted).toBe(2);
  expect(seed2!.blocksTaken).toBeGreaterThan(0);
  expect(seed2!.height).toBe(seed2!.agreesWithTabnodeTo);
  expect(seed2!.height).toBeLessThan(figures.tabnodeHeight);
  // The miners block for most of the run; their links are kept (busy, not dead), with every Tabnode node at the end.
  for (const miner of [seed1!, seed3!]) {
    expect(miner.mined).toBeGreaterThan(0);
    expect(miner.busyShare).toBeGreaterThan(0.5);
  }
  for (const t of figures.nodes) {
    expect(t.linksCutByHeartbeat).toBe(0);
    expect(t.tabnodePaired).toBe(report.nodes);
    // Each payment reaches a tutorial node once, from its author: no block it mined carries a copy. (Its chain can
    // still hold a payment twice, in two blocks: on seeds 1 and 2 every payment a tutorial node mined again had come
    // into its pool from its REQUEST_CHECK vote, which takes the answering node's mempool whole.)
    expect(t.minedCopies).toBe(0);
  }
  // Every payment typed at them is accounted for, and all reached the Tabnode nodes (or wait, typed at a node still blocked).
  const p = figures.payments;
  expect(p.sent).toBeGreaterThan(0);
  expect(p.onTabnodeChain + p.waitingOnTabnode + p.waitingOnSomeTabnodes + p.refusedByTabnode + p.onlyInTutorialBlocks + p.onlyInTutorialPools + p.typedAtBlockedNode + p.nowhere).toBe(p.sent);
  expect(p.nowhere).toBe(0);
  expect(p.onlyInTutorialBlocks + p.onlyInTutorialPools).toBe(0);
  expect(p.onTabnodeChain + p.waitingOnTabnode).toBeGreaterThan(0);
}

describe("mixed-with-tutorial-nodes", () => {
  it("gives the same run for the same seed", async () => {
    const a = await run({ nodes: 10, minutes: 10 });
    const b = await run({ nodes: 10, minutes: 10 });
    const { wallMs: _a, ...same } = a.report;
    const { wallMs: _b, ...again } = b.report;
    expect(again).toEqual(same);
  });

  it("seed 1: every invariant holds for the Tabnode nodes", async () => {
    const { report, failure } = await run({ seed: 1 });
    expect(failure?.detail ?? null).toBeNull();
    expect(report.checks["converges"]).toBe(1);
    expect(report.checks["ledger-matches-chain"]).toBeGreaterThan(0);
    expect(report.checks["no-payment-lost"]).toBe(1);
    expect(report.checks["bounds-held"]).toBeGreaterThan(0);
    expectTutorialFigures(report);
  });

  // Seed 2 found two Tabnode bugs, both fixed: a tip taken from a chain stream was not passed on (node.ts
  // announceTip), so nodes that missed it refused payments funded by it and nobody offered them again; and a tip
  // nobody announced a difficulty for was mined at +1 (chain.ts difficulty), hours a block.
  it("seed 2: every invariant holds for the Tabnode nodes", async () => {
    const { report, failure } = await run({ seed: 2 });
    expect(failure?.detail ?? null).toBeNull();
    expect(report.checks["no-payment-lost"]).toBe(1);
    expectTutorialFigures(report);
  });
});
