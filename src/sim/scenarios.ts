/**
 * Named scenarios: who is in the network and what happens to it. Every
 * scenario shares one shape (scenario `steady`): about a third native nodes
 * (one of them the relays' home node), the rest tabs behind a relay, five
 * miners with unequal shares of the hash rate, users paying each other; then
 * its own faults. The last minutes are quiet, so that the end can be judged:
 * payments stop 5 minutes before the end, mining 2 minutes before.
 */
import type { World } from "./world.ts";
import { END_SETTLE_MS } from "./world.ts";
import type { SimTabnode } from "./tabnode.ts";
import type { NodeConfig } from "../node/node.ts";
import { claimedProofScenario, hostileScenario } from "./hostile-scenario.ts";
import { mixedWithTutorialNodes } from "./mixed.ts";

export interface ScenarioOptions {
  readonly nodes: number;
  readonly minutes: number;
  /** A bug to plant in every Tabnode node, to show that an invariant catches it (test/sim). */
  readonly plant: Plant | null;
}

export const PLANTS = ["no-relay", "ledger", "drop-tx", "inbound-cap", "redial-storm"] as const;
export type Plant = (typeof PLANTS)[number];

export interface Scenario {
  readonly name: string;
  readonly about: string;
  build(world: World, options: ScenarioOptions): void;
}

/** Hashes a second across all miners: difficulty settles near 3 (16^3 / 150 ≈ 27 s a block). */
const TOTAL_HASHRATE = 150;
const MINER_SHARES = [0.35, 0.25, 0.2, 0.12, 0.08];
const PAYMENT_EVERY_MS = 6_000;
const MINUTE = 60_000;

export interface Network {
  readonly natives: SimTabnode[];
  readonly tabs: SimTabnode[];
  readonly all: SimTabnode[];
}

/** The common shape; `late` nodes are built but started by the scenario. */
export function buildNetwork(world: World, options: ScenarioOptions, late = 0): Network {
  const rng = world.fork();
  const n = Math.max(3, options.nodes);
  const nativeCount = Math.max(2, Math.round(n * 0.3));
  const config = plantedConfig(options.plant);
  const natives: SimTabnode[] = [];
  for (let i = 0; i < nativeCount; i++) {
    const earlier = natives.map((x) => x.address);
    natives.push(world.addNode({ address: `ws://n${i}.sim:3000`, kind: "native", host: `h${i}.sim`, hashrate: 0, bootstrap: rng.sample(earlier, 2), heard: [], config }));
  }
  const home = natives[0]!.address;
  const tabs: SimTabnode[] = [];
  for (let i = 0; i < n - nativeCount; i++) {
    // The relay names the home node and every tab it holds (relay/discovery.ts): the home is kept, the rest heard.
    const heard = [...natives.slice(1).map((x) => x.address), ...tabs.map((t) => t.address)];
    tabs.push(world.addNode({ address: `ws://relay.sim/peer/t${i}`, kind: "tab", host: null, hashrate: 0, bootstrap: [home], heard, config }));
  }
  const all = [...natives, ...tabs];
  // Miners: a native and tabs, spread over the network.
  const miners = rng.sample(all.slice(1), Math.min(MINER_SHARES.length, all.length - 1));
  miners.forEach((m, i) => ((m.spec as { hashrate: number }).hashrate = TOTAL_HASHRATE * MINER_SHARES[i]!));
  const starters = all.slice(0, all.length - late);
  for (const node of starters) world.at(node === natives[0] ? 0 : rng.int(0, 20_000), () => void node.start());
  plantBugs(world, all, options.plant);

  const payments = world.addUsers(Math.max(10, Math.round(n / 2)), starters);
  const end = options.minutes * MINUTE;
  world.at(25_000, () => payments.fund(natives[0]!, 1_000_000, world.clock.now));
  payAtRandom(world, options.minutes, PAYMENT_EVERY_MS, (now) => void payments.payOnce(now));
  world.at(end - END_SETTLE_MS, () => all.forEach((x) => x.stopMining()));
  world.every(MINUTE, () => world.checkBounds());
  world.every(10 * MINUTE, () => world.checkLedgers());
  return { natives, tabs, all };
}

/** `pay` at random (a memoryless process of mean `meanMs`) from the first minute until payments stop, 5 minutes before the end. */
export function payAtRandom(world: World, minutes: number, meanMs: number, pay: (now: number) => void): void {
  const rng = world.fork();
  const quietFrom = (minutes - 5) * MINUTE;
  const next = () => {
    world.clock.schedule(() => {
      if (world.clock.now - world.clock.start >= quietFrom) return;
      pay(world.clock.now);
      next();
    }, rng.exponential(meanMs));
  };
  world.at(MINUTE, next);
}

/** A partition of the online nodes into `parts` random groups from `from` for `forMs`, then healed and watched. */
function partition(world: World, net: Network, parts: number, from: number, forMs: number): void {
  const rng = world.fork();
  world.at(from, () => {
    const shuffled = rng.sample(net.all.map((x) => x.address), net.all.length);
    const groups = Array.from({ length: parts - 1 }, (_, i) => shuffled.filter((_, j) => j % parts === i));
    world.network.partition(groups);
  });
  world.at(from + forMs, () => {
    world.network.heal();
    world.watchConvergence();
  });
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "steady",
    about: "no faults: the baseline for propagation, stale blocks and payments",
    build: (world, options) => void buildNetwork(world, options),
  },
  {
    name: "partition-heal",
    about: "the network splits in two for a sixth of the run (10 minutes of an hour), heals, then in three for a twelfth and heals: every honest node on one tip within 3 minutes of each heal",
    build: (world, options) => {
      const net = buildNetwork(world, options);
      const run = options.minutes * MINUTE;
      partition(world, net, 2, Math.round(run * 0.2), Math.round(run / 6));
      partition(world, net, 3, Math.round(run * 0.55), Math.round(run / 12));
    },
  },
  {
    name: "churn",
    about: "native nodes crash and come back from their stores after 30 s to 2 minutes; tabs reload behind the relay, which keeps their links",
    build: (world, options) => {
      const net = buildNetwork(world, options);
      const rng = world.fork();
      const quietFrom = (options.minutes * MINUTE) - 6 * MINUTE;
      const crashes = () => {
        world.clock.schedule(() => {
          if (world.clock.now - world.clock.start >= quietFrom) return;
          const victim = rng.pick(net.natives.slice(1).filter((x) => x.online));
          if (victim !== undefined) {
            world.clock.trace(`crash ${victim.address}`);
            victim.crash();
            world.clock.schedule(() => {
              world.clock.trace(`restart ${victim.address}`);
              void victim.start();
            }, rng.int(30_000, 120_000));
          }
          crashes();
        }, rng.exponential(3 * MINUTE));
      };
      const reloads = () => {
        world.clock.schedule(() => {
          if (world.clock.now - world.clock.start >= quietFrom) return;
          const tab = rng.pick(net.tabs.filter((x) => x.online));
          if (tab !== undefined) {
            world.clock.trace(`reload ${tab.address}`);
            void tab.reload();
          }
          reloads();
        }, rng.exponential(MINUTE));
      };
      world.at(3 * MINUTE, () => {
        crashes();
        reloads();
      });
    },
  },
  {
    name: "late-joiners",
    about: "a quarter of the nodes join halfway through with an empty chain, while blocks and payments go on",
    build: (world, options) => {
      const late = Math.max(1, Math.round(options.nodes / 4));
      const net = buildNetwork(world, options, late);
      const rng = world.fork();
      for (const node of net.all.slice(net.all.length - late)) world.at(Math.round((options.minutes * MINUTE) / 2) + rng.int(0, 5 * MINUTE), () => void node.start());
    },
  },
  mixedWithTutorialNodes,
  hostileScenario(buildNetwork),
  claimedProofScenario(buildNetwork),
];

export function scenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

// ---- planted bugs: each invariant catching a node that breaks it ------------------

function plantedConfig(plant: Plant | null): Partial<NodeConfig> | undefined {
  if (plant === "inbound-cap") return { connections: { ...DEFAULT_INBOUND_IGNORED } };
  if (plant === "redial-storm") return { addressBook: { ...DEFAULT_BOOK_STORM } };
  return undefined;
}

import { DEFAULT_CONNECTION_BOUNDS } from "../node/connections.ts";
import { DEFAULT_ADDRESS_BOOK_BOUNDS } from "../node/address-book.ts";
import { MessageType } from "../protocol/messages.ts";

/** A node that ignores its inbound cap (takes any number of links). */
const DEFAULT_INBOUND_IGNORED = { ...DEFAULT_CONNECTION_BOUNDS, maxInbound: 1_000_000 };
/** A node that never gives up on an address and waits no time between tries. */
const DEFAULT_BOOK_STORM = { ...DEFAULT_ADDRESS_BOOK_BOUNDS, retryBaseMs: 1, retryMaxMs: 1, retryMaxProvenMs: 1, maxFailures: 1_000_000 };

function plantBugs(world: World, nodes: readonly SimTabnode[], plant: Plant | null): void {
  // Blocks (its own among them) never announced: peers learn of them only when they next ask for a tip.
  if (plant === "no-relay") world.network.dropFrames((_from, text) => text.startsWith(`{"type":"${MessageType.ReplaceChain}"`));
  if (plant === "drop-tx") world.network.dropFrames((_from, text) => text.startsWith(`{"type":"${MessageType.CreateTransaction}"`));
  if (plant === "ledger") world.at(10 * MINUTE, () => world.corruptLedger(nodes[0]!));
}
