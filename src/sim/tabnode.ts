/**
 * A Tabnode node in the simulation: the real PeerNode and MinerRunner, on an
 * in-memory store that survives its crashes (its disk, or a tab's IndexedDB),
 * on the simulated network, with the simulation's clock and randomness. A
 * native node crashes and restarts; a tab reloads behind its relay, which
 * keeps its links.
 */
import type { SignatureVerifier } from "../core/transaction.ts";
import { generateWallet, type Wallet } from "../core/wallet.ts";
import type { HashPool, MiningJob, PoolListener } from "../miner/pool.ts";
import { searchNonce } from "../miner/nonce-loop.ts";
import { MinerRunner } from "../node/miner-runner.ts";
import { DEFAULT_NODE_CONFIG, PeerNode, type NodeConfig, type NodeEvent } from "../node/node.ts";
import { MemoryStore } from "../node/store.ts";
import type { SimClock } from "./clock.ts";
import type { SimNetwork } from "./network.ts";
import type { SimRandom } from "./random.ts";

export interface TabnodeSpec {
  readonly address: string;
  readonly kind: "native" | "tab";
  /** The IP its links come from (natives); null behind a relay (tabs). */
  readonly host: string | null;
  /** Hashes a second it mines at; 0 for none. */
  readonly hashrate: number;
  /** Addresses it is told to keep (PEERS, or the relay's home node). */
  readonly bootstrap: readonly string[];
  /** Addresses it hears of outside the wire (a tab: the relay's peer list). */
  readonly heard: readonly string[];
  readonly config?: Partial<NodeConfig>;
}

export interface TabnodeWorld {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  readonly verify: SignatureVerifier;
  /** Everything the node reports, for the run's metrics and invariants. */
  readonly onEvent: (node: SimTabnode, e: NodeEvent) => void;
  readonly trace: boolean;
}

/**
 * Mining at a virtual hash rate: the time to the next block is drawn from the
 * exponential distribution of a memoryless search (mean 16^d / rate), then the
 * nonce is found by real proof of work on that very job, so every block the
 * network sees meets the difficulty the chain demands.
 */
export class SimPool implements HashPool {
  readonly threads = 1;
  private cancel: (() => void) | null = null;

  constructor(
    private readonly listener: PoolListener,
    private readonly clock: SimClock,
    private readonly rng: SimRandom,
    private readonly hashrate: number,
  ) {}

  run(job: MiningJob): void {
    this.stop();
    const ms = this.rng.exponential((16 ** job.difficulty / this.hashrate) * 1000);
    const start = this.rng.int(1, 2 ** 40) * 1000;
    this.cancel = this.clock.schedule(() => {
      this.cancel = null;
      for (let from = start; ; ) {
        const r = searchNonce(job.prefix, job.difficulty, from, 1_000_000);
        if (r.found) {
          this.listener.hashes(Math.round((ms / 1000) * this.hashrate));
          return this.listener.found(job.id, r.nonce, r.hash);
        }
        from = r.next;
      }
    }, ms);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  dispose(): void {
    this.stop();
  }
}

export class SimTabnode {
  node: PeerNode | null = null;
  readonly store = new MemoryStore();
  readonly wallet: Wallet;
  /** The last log lines, for a failure's report. */
  readonly logs: string[] = [];
  onlineSince: number | null = null;
  private miner: MinerRunner | null = null;

  constructor(
    readonly spec: TabnodeSpec,
    private readonly world: TabnodeWorld,
    private readonly rng: SimRandom,
  ) {
    this.wallet = generateWallet((n) => rng.bytes(n));
  }

  get address(): string {
    return this.spec.address;
  }

  get online(): boolean {
    return this.node !== null;
  }

  /** Opens the node on its store (every stored block checked again) and joins the network. */
  async start(keepLinks = false): Promise<void> {
    const { clock, network } = this.world;
    const random = (n: number) => this.rng.bytes(n);
    const log = (line: string) => {
      this.logs.push(line);
      if (this.logs.length > 200) this.logs.shift();
      if (this.world.trace) clock.trace(`${this.address}: ${line}`);
    };
    const env = { now: () => clock.now, schedule: clock.schedule, log, random, verify: this.world.verify };
    const node = await PeerNode.open(this.store, { ...DEFAULT_NODE_CONFIG, ...this.spec.config, address: this.address }, env);
    this.node = node;
    this.onlineSince = clock.now;
    node.on((e) => this.world.onEvent(this, e));
    node.useTransport(network.attach(this.address, node, this.spec.host, keepLinks));
    for (const peer of this.spec.bootstrap) node.connect(peer, "config");
    node.learn(this.spec.heard, "relay");
    if (this.spec.hashrate > 0) {
      this.miner = new MinerRunner(node, this.wallet.address, { now: env.now, random, schedule: clock.schedule, log }, (listener) => new SimPool(listener, clock, this.rng, this.spec.hashrate));
      this.miner.start();
    }
  }

  /** The host dies: no goodbye, its peers notice later. Its store is its disk: kept. */
  crash(): void {
    if (this.node === null) return;
    this.world.network.crash(this.address);
    this.stop();
  }

  /** A tab reloads: its relay keeps its address and links, its node starts again from its store. */
  async reload(): Promise<void> {
    if (this.node === null) return;
    this.stop();
    await this.start(true);
  }

  /** Stops mining (and keeps the node running). */
  stopMining(): void {
    this.miner?.stop();
  }

  private stop(): void {
    this.miner?.dispose();
    this.miner = null;
    this.node?.close();
    this.node = null;
    this.onlineSince = null;
  }
}
