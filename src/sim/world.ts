/**
 * One simulated network: the clock, the network, the nodes, the users, and
 * what is measured and checked while it runs. Scenarios (scenarios.ts) build
 * on it: which nodes, which faults, when.
 */
import type { SignatureVerifier } from "../core/transaction.ts";
import { generateWallet } from "../core/wallet.ts";
import type { NodeEvent } from "../node/node.ts";
import { SimClock, type TraceLine } from "./clock.ts";
import { boundBroken, hostileDialsBroken, ledgerMismatch, paymentFates, type InvariantName, type PaymentFate } from "./invariants.ts";
import { SimNetwork, type NetworkOptions } from "./network.ts";
import { SimRandom } from "./random.ts";
import { SimTabnode, type TabnodeSpec } from "./tabnode.ts";
import { Payments } from "./users.ts";

/** The virtual clock starts here (2026-01-01), so block stamps look like real ones. */
export const SIM_EPOCH = 1_767_225_600_000;
/** After a partition heals, every honest node reaches the same tip within this (stated in the README). */
export const CONVERGE_BOUND_MS = 3 * 60_000;

export interface Failure {
  readonly invariant: InvariantName;
  readonly at: number;
  readonly detail: string;
  readonly trace: readonly TraceLine[];
}

interface BlockSeen {
  readonly first: number;
  /** Honest nodes online when it was first seen: what 100% means for its propagation. */
  readonly online: number;
  readonly times: number[];
}

export class World {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  readonly nodes: SimTabnode[] = [];
  payments: Payments | null = null;
  failure: Failure | null = null;
  readonly checks = new Map<InvariantName, number>();
  readonly blocks = new Map<string, BlockSeen>();
  readonly convergeMs: number[] = [];
  /** Figures a scenario adds to the report, computed at the end: what participants outside the honest network did or cost. */
  readonly figures = new Map<string, () => unknown>();
  private readonly rng: SimRandom;

  constructor(
    readonly seed: number,
    network: NetworkOptions,
    private readonly verify: SignatureVerifier,
    readonly trace: boolean,
  ) {
    this.rng = SimRandom.seeded(seed);
    this.clock = new SimClock(SIM_EPOCH, trace ? 20_000 : 2_000, trace ? (l) => process.stdout.write(`${((l.at - SIM_EPOCH) / 1000).toFixed(3)} ${l.text}\n`) : null);
    this.network = new SimNetwork(this.clock, this.rng.fork(), network, trace);
  }

  /** A stream of randomness of its own, for a participant or a fault schedule. */
  fork(): SimRandom {
    return this.rng.fork();
  }

  addNode(spec: TabnodeSpec): SimTabnode {
    const node = new SimTabnode(spec, { clock: this.clock, network: this.network, verify: this.verify, onEvent: (n, e) => this.onEvent(n, e), trace: this.trace }, this.rng.fork());
    this.nodes.push(node);
    return node;
  }

  addUsers(count: number, homes: readonly SimTabnode[]): Payments {
    const rng = this.rng.fork();
    this.payments = new Payments(rng, homes, count, () => generateWallet((n) => rng.bytes(n)));
    return this.payments;
  }

  /** Runs `fn` at `ms` after the start. */
  at(ms: number, fn: () => void): void {
    this.clock.schedule(fn, this.clock.start + ms - this.clock.now);
  }

  /** Runs `fn` every `ms`, from `ms` on. */
  every(ms: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.clock.schedule(tick, ms);
    };
    this.clock.schedule(tick, ms);
  }

  online(): SimTabnode[] {
    return this.nodes.filter((n) => n.online);
  }

  fail(invariant: InvariantName, detail: string): void {
    if (this.failure !== null) return;
    this.clock.trace(`INVARIANT ${invariant} BROKEN: ${detail}`);
    this.failure = { invariant, at: this.clock.now, detail, trace: this.clock.recent() };
  }

  private count(invariant: InvariantName): void {
    this.checks.set(invariant, (this.checks.get(invariant) ?? 0) + 1);
  }

  private onEvent(n: SimTabnode, e: NodeEvent): void {
    if (e.type !== "chain") return;
    const now = this.clock.now;
    for (const entry of e.change.connected) {
      const hash = entry.block.hash;
      let seen = this.blocks.get(hash);
      if (seen === undefined) {
        seen = { first: now, online: this.online().length, times: [] };
        this.blocks.set(hash, seen);
        if (this.trace) this.clock.trace(`${n.address} has new block ${entry.height} ${hash.slice(0, 12)}`);
      }
      seen.times.push(now);
    }
  }

  /** A planted bug: one coin appears in a node's ledger that no block gave. */
  corruptLedger(n: SimTabnode): void {
    const ledger = n.node?.chain.ledger as unknown as { credit(address: string, delta: number): void } | undefined;
    ledger?.credit(n.wallet.address, 1);
  }

  // ---- invariants -------------------------------------------------------------

  checkBounds(): void {
    for (const n of this.online()) {
      this.count("bounds-held");
      const broken = boundBroken(n.node!);
      if (broken !== null) return this.fail("bounds-held", `${n.address}: ${broken}`);
    }
  }

  checkLedgers(): void {
    for (const n of this.online()) {
      this.count("ledger-matches-chain");
      const wrong = ledgerMismatch(n.node!);
      if (wrong !== null) return this.fail("ledger-matches-chain", `${n.address}: ${wrong}`);
    }
  }

  /** Every hostile address (address -> honest node -> when first told of it) within its dial bound (invariants.ts). */
  checkHostileDials(told: ReadonlyMap<string, ReadonlyMap<string, number>>): void {
    this.count("hostile-dials-bounded");
    const broken = hostileDialsBroken(this.network.dials, told, this.clock.now);
    if (broken !== null) this.fail("hostile-dials-bounded", broken);
  }

  /** Whether every online honest node has one tip; if not, which tips, with how many nodes each. */
  tips(): Map<string, string[]> {
    const tips = new Map<string, string[]>();
    for (const n of this.online()) {
      const tip = n.node!.chain.tip();
      const key = `${tip.height} ${tip.block.hash.slice(0, 12)}`;
      tips.set(key, [...(tips.get(key) ?? []), n.address]);
    }
    return tips;
  }

  /** After a heal: every honest node on one tip within the bound, or a failure. */
  watchConvergence(): void {
    const healedAt = this.clock.now;
    const look = () => {
      if (this.failure !== null) return;
      if (this.tips().size <= 1) {
        this.count("converges");
        this.convergeMs.push(this.clock.now - healedAt);
        return;
      }
      if (this.clock.now - healedAt >= CONVERGE_BOUND_MS) {
        return this.fail("converges", `not on one tip ${CONVERGE_BOUND_MS / 1000} s after the partition healed: ${describeTips(this.tips())}`);
      }
      this.clock.schedule(look, 1000);
    };
    this.clock.schedule(look, 1000);
  }

  /** The end: mining and payments stopped, links settled; every honest node on one tip, every payment accounted for. */
  finalChecks(): PaymentFate | null {
    const tips = this.tips();
    this.count("converges");
    if (tips.size > 1) {
      this.fail("converges", `not on one tip at the end, mining stopped ${END_SETTLE_MS / 1000} s before: ${describeTips(tips)}`);
      return null;
    }
    this.checkLedgers();
    if (this.payments === null || this.failure !== null) return null;
    const fate = paymentFates(this.payments.accepted, this.online().map((n) => n.node!));
    this.count("no-payment-lost");
    const lost = fate.lost[0];
    if (lost !== undefined) {
      const p = lost.payment;
      this.fail("no-payment-lost", `${fate.lost.length} lost; the first, accepted by ${p.node} at ${((p.at - SIM_EPOCH) / 1000).toFixed(1)} s (${p.tx.amount} to ${p.tx.to.slice(0, 16)}…): ${lost.why}`);
    }
    return fate;
  }
}

/** Mining stops this long before the end, so the last blocks reach everyone before the final checks. */
export const END_SETTLE_MS = 2 * 60_000;

function describeTips(tips: Map<string, string[]>): string {
  return [...tips].map(([tip, nodes]) => `${tip} on ${nodes.length} (${nodes.slice(0, 3).join(", ")}${nodes.length > 3 ? ", …" : ""})`).join("; ");
}
