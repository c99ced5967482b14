/**
 * Scenario `mixed-with-tutorial-nodes`: the steady network (scenarios.ts)
 * plus three nodes built from the JeChain tutorial (tutorial.ts), as
 * PROTOCOL.md reports the real v0.2.0 node beside Tabnode:
 * - seed1, v0.2.0, and seed3, the article's form, from the start, mining
 *   synchronously: while a search runs they answer no ping, so the Tabnode
 *   nodes' heartbeat cuts their links (network.ts);
 * - seed2, v0.2.0, joining halfway, not mining.
 * Each operator asks the first node of its PEERS for the chain and info once
 * linked, as the v0.2.0 README says to.
 * Users pay through each of them. The Tabnode invariants judge the Tabnode
 * nodes, unchanged: a tutorial node is not honest by Tabnode's rules. What
 * the tutorial nodes end with (their chains against the Tabnode chain, their
 * blocks, their links, the payments typed at them) is reported beside them
 * (World.figures), whatever it is.
 *
 * This file is imported by scenarios.ts (SCENARIOS) and imports it back;
 * import scenarios.ts first, not this file.
 */
import { generateWallet } from "../core/wallet.ts";
import type { PeerNode } from "../node/node.ts";
import { paymentFates } from "./invariants.ts";
import type { SimRandom } from "./random.ts";
import { buildNetwork, payAtRandom, type Network, type Scenario } from "./scenarios.ts";
import { TutorialPayments } from "./tutorial-users.ts";
import { TutorialNode, type TutorialForm } from "./tutorial.ts";
import { spreadUsers } from "./users.ts";
import { END_SETTLE_MS, type World } from "./world.ts";

const MINUTE = 60_000;
/** A payment typed at some tutorial node this often, on average. */
const TUTORIAL_PAYMENT_EVERY_MS = 20_000;
const TUTORIAL_USERS = 6;
/**
 * Hashes a second of the tutorial miners, beside the Tabnode miners' 150. A
 * search blocks its node throughout: at difficulty 3 about 40 s for seed1
 * and 70 s for seed3, at 4 about 11 and 18 minutes. Seconds to minutes, as
 * the real node stopped beside Tabnode (PROTOCOL.md); the real one, at 40 k
 * hashes a second against Tabnode's millions, is slower still.
 */
const SEED1_HASHRATE = 100;
const SEED3_HASHRATE = 60;
/** The operators' setInterval around the README's mining snippet (which mines only when transactions wait). */
const MINE_EVERY_MS = 60_000;
/** After it starts, the operator asks its first peer for the chain and info (the v0.2.0 README), once its link has opened. */
const ASK_AFTER_MS = 20_000;

interface TutorialPlan {
  readonly name: string;
  readonly form: TutorialForm;
  /** Indices into the native nodes: its PEERS. */
  readonly peers: readonly number[];
  readonly hashrate: number | null;
  /** When it starts, as a share of the run. */
  readonly joins: number;
}

const PLANS: readonly TutorialPlan[] = [
  { name: "seed1", form: "v0.2.0", peers: [0, 1], hashrate: SEED1_HASHRATE, joins: 0 },
  { name: "seed2", form: "v0.2.0", peers: [1], hashrate: null, joins: 0.5 },
  { name: "seed3", form: "article", peers: [2], hashrate: SEED3_HASHRATE, joins: 0 },
];

export const mixedWithTutorialNodes: Scenario = {
  name: "mixed-with-tutorial-nodes",
  about: "the steady network plus three tutorial nodes (two v0.2.0, one article form) that ask a Tabnode node for the chain; two mine synchronously (answering no pings meanwhile), one joins halfway, users pay through them; what they end with is reported beside the Tabnode invariants",
  build: (world, options) => {
    const net = buildNetwork(world, options);
    const rng = world.fork();
    const end = options.minutes * MINUTE;
    const nodes = PLANS.map((plan) => tutorialNode(world, net, plan, world.fork()));
    PLANS.forEach((plan, i) => {
      const node = nodes[i]!;
      // After the native nodes it dials have started (by 20 s): a failed dial is never tried again.
      const at = plan.joins === 0 ? rng.int(20_000, 40_000) : Math.round(end * plan.joins);
      world.at(at, () => node.start());
      // Without this it would never have the blocks mined before its links opened: it never asks on its own.
      world.at(at + ASK_AFTER_MS, () => node.requestChainAndInfo(node.spec.peers[0]!));
    });

    const users = new TutorialPayments(world.fork(), spreadUsers(nodes, TUTORIAL_USERS, () => generateWallet((n) => rng.bytes(n))));
    world.at(30_000, () => users.fund(net.natives[0]!, world.payments!, 100_000, world.clock.now));
    payAtRandom(world, options.minutes, TUTORIAL_PAYMENT_EVERY_MS, (now) => users.payOnce(now));
    world.at(end - END_SETTLE_MS, () => nodes.forEach((t) => t.stopMining()));
    world.figures.set("tutorial", () => tutorialFigures(world, nodes, users));
  },
};

function tutorialNode(world: World, net: Network, plan: TutorialPlan, rng: SimRandom): TutorialNode {
  const peers = plan.peers.map((i) => net.natives[i % net.natives.length]!.address);
  const privateKey = generateWallet((n) => rng.bytes(n)).privateKey;
  const mining = plan.hashrate === null ? null : { hashrate: plan.hashrate, everyMs: MINE_EVERY_MS };
  const spec = { address: `ws://${plan.name}.sim:3000`, form: plan.form, host: `${plan.name}.sim`, peers, privateKey, mining };
  return new TutorialNode(spec, { clock: world.clock, network: world.network, trace: world.trace }, rng);
}

/**
 * Where the tutorial nodes ended, against the Tabnode nodes' common chain
 * (the first online node's, as run.ts takes it), and where the payments
 * typed at them ended.
 */
function tutorialFigures(world: World, nodes: readonly TutorialNode[], users: TutorialPayments) {
  const honest = world.online().map((n) => n.node!);
  const reference = honest[0] ?? null;
  const main: string[] = [];
  if (reference !== null) for (let h = 0; h <= reference.chain.height; h++) main.push(reference.chain.at(h)!.block.hash);
  const each = nodes.map((t) => nodeFigures(world, t, honest, main));
  const payments = paymentFigures(users, honest, nodes);
  const line = (e: (typeof each)[number]) =>
    `${e.name} (${e.form}): height ${e.height}, ${where(e, reference?.chain.height ?? 0)}; ` +
    `took ${e.blocksTaken} live blocks, refused ${sumOf(e.blocksRefused)}; mined ${e.mined} (${e.minedOnTabnodeChain} on Tabnode's chain); blocked ${Math.round(e.busyShare * 100)}%, ${e.linksCutByHeartbeat} links cut by heartbeats, paired with ${e.tabnodePaired} Tabnode nodes at the end`;
  return {
    summary:
      `${each.filter((e) => e.onTabnodeTip).length} of ${nodes.length} on the Tabnode tip (height ${reference?.chain.height ?? "-"}); ${each.map(line).join("; ")}; ` +
      `payments typed at them ${payments.sent}: ${payments.onTabnodeChain} on Tabnode's chain, ${payments.waitingOnTabnode} waiting there${payments.waitingOnSomeTabnodes > 0 ? ` (${payments.waitingOnSomeTabnodes} more in some Tabnode mempools only)` : ""}, ${payments.refusedByTabnode} refused by its state, ${payments.onlyInTutorialBlocks} only in tutorial blocks, ${payments.onlyInTutorialPools} only in tutorial pools, ${payments.typedAtBlockedNode} typed at a node still blocked, ${payments.nowhere} nowhere; ` +
      `payments mined twice in their chains ${each.reduce((s, e) => s + e.paymentsMinedTwice, 0)}`,
    tabnodeHeight: reference?.chain.height ?? null,
    onTabnodeTip: each.filter((e) => e.onTabnodeTip).length,
    nodes: each,
    payments,
  };
}

function nodeFigures(world: World, t: TutorialNode, honest: readonly PeerNode[], main: readonly string[]) {
  const s = t.stats;
  const ranMs = t.startedAt === null ? 0 : world.clock.now - t.startedAt;
  const chain = t.chain.all();
  const mainSet = new Set(main);
  let agrees = 0;
  while (agrees + 1 < chain.length && chain[agrees + 1]!.hash === main[agrees + 1]) agrees++;
  return {
    name: new URL(t.address).hostname.split(".")[0]!,
    address: t.address,
    form: t.form,
    started: t.startedAt !== null,
    height: chain.length - 1,
    onTabnodeTip: t.chain.last.hash === main[main.length - 1],
    /** The height up to which its chain is the Tabnode chain, block for block. */
    agreesWithTabnodeTo: agrees,
    /** Blocks of its chain that are on the Tabnode chain, wherever they sit (a vote can put one out of order). */
    tabnodeBlocksHeld: chain.slice(1).filter((b) => mainSet.has(b.hash)).length,
    chainLinked: t.chain.linked(),
    difficulty: t.difficulty,
    mempool: t.transactions.length,
    mempoolDistinct: new Set(t.transactions.map((p) => p.json)).size,
    mined: s.mined.length,
    minedOnTabnodeChain: s.mined.filter((h) => mainSet.has(h)).length,
    /** Its blocks that some Tabnode node had on its main chain at some time. */
    minedEverOnTabnode: s.mined.filter((h) => world.blocks.has(h)).length,
    /** Extra copies of payments inside the blocks it mined. */
    minedCopies: s.minedCopies,
    paymentsMinedTwice: t.paymentsMinedTwice(),
    /** Links it would send on at the end (its `opened` list; some may be dead and not yet noticed by its blocked loop). */
    sendable: t.sendable,
    /** Tabnode nodes holding both links with it at the end. */
    tabnodePaired: honest.filter((n) => n.peerList().some((p) => p.direction === "out" && p.address === t.address && p.paired)).length,
    dials: s.dials,
    forgotWrongPeer: s.forgotWrongPeer,
    linksClosed: Object.fromEntries(s.linksClosed),
    linksCutByHeartbeat: [...s.linksClosed].filter(([why]) => why.includes("heartbeat")).reduce((n, [, k]) => n + k, 0),
    framesIn: s.framesIn,
    blocksTaken: s.blocksTaken,
    blocksRefused: Object.fromEntries(s.blocksRefused),
    votes: s.votes,
    streams: s.streams,
    infoNotJson: s.infoNotJson,
    infoTaken: s.infoTaken,
    busyShare: ranMs === 0 ? 0 : Math.round((t.loop.blockedMs / ranMs) * 100) / 100,
    maxQueued: t.loop.maxQueued,
    exceptions: Object.fromEntries(s.exceptions),
  };
}

/**
 * The payments typed at tutorial nodes, judged as the Tabnode nodes' are
 * (invariants.ts paymentFates); those no Tabnode node has are split into
 * those a tutorial node mined into a block of its own, those in a tutorial
 * node's pool, those typed at a node whose loop is still blocked, and those
 * nowhere.
 */
function paymentFigures(users: TutorialPayments, honest: readonly PeerNode[], nodes: readonly TutorialNode[]) {
  const fate = honest.length === 0 ? null : paymentFates(users.sent, honest);
  const inTutorialBlocks = new Set<string>();
  for (const t of nodes) {
    for (const sig of t.stats.minedPayments) inTutorialBlocks.add(sig);
    for (const block of t.chain.all()) for (const tx of block.data) if (tx.signature !== undefined) inTutorialBlocks.add(tx.signature);
  }
  const partial = fate?.lost.filter((l) => l.why.startsWith("waiting in")) ?? [];
  const unseen = fate?.lost.filter((l) => !l.why.startsWith("waiting in")) ?? [];
  const inTutorialPools = new Set(nodes.flatMap((t) => t.transactions.map((p) => p.tx.signature)));
  const onlyInTutorialBlocks = unseen.filter((l) => inTutorialBlocks.has(l.payment.tx.signature)).length;
  const onlyInTutorialPools = unseen.filter((l) => !inTutorialBlocks.has(l.payment.tx.signature) && inTutorialPools.has(l.payment.tx.signature)).length;
  const typedWaiting = new Set(nodes.flatMap((t) => [...t.typedWaiting].map((tx) => tx.signature)));
  const typedAtBlockedNode = unseen.filter((l) => typedWaiting.has(l.payment.tx.signature)).length;
  return {
    sent: users.sent.length,
    onTabnodeChain: fate?.mined ?? 0,
    /** In every honest mempool at the end. */
    waitingOnTabnode: fate?.waiting ?? 0,
    /** In some honest mempools only: the Tabnode nodes did not pass it on to all. */
    waitingOnSomeTabnodes: partial.length,
    refusedByTabnode: fate?.refused ?? 0,
    onlyInTutorialBlocks,
    onlyInTutorialPools,
    /** Typed at a node whose loop has been blocked since: not even in its own pool yet. */
    typedAtBlockedNode,
    nowhere: unseen.length - onlyInTutorialBlocks - onlyInTutorialPools - typedAtBlockedNode,
    /** Turns where the chosen user could not afford a payment by its node's view, or its node was not running. */
    skipped: users.skipped,
  };
}

/** Where a tutorial node's chain stands against the Tabnode chain of `height`. */
function where(e: { readonly height: number; readonly agreesWithTabnodeTo: number; readonly onTabnodeTip: boolean }, height: number): string {
  if (e.onTabnodeTip) return "on the Tabnode tip";
  if (e.height === e.agreesWithTabnodeTo) return `the Tabnode chain, ${height - e.height} block${height - e.height === 1 ? "" : "s"} behind`;
  return `the Tabnode chain to ${e.agreesWithTabnodeTo}, then ${e.height - e.agreesWithTabnodeTo} of its own`;
}

function sumOf(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((s, n) => s + n, 0);
}
