/**
 * One run: a scenario on a seed, to the end or to the first broken invariant,
 * and what it measured. The same seed gives the same run, event for event:
 * the report carries a digest of every tip and the event count to show it.
 */
import { sha256Hex } from "../core/hash.ts";
import type { SignatureVerifier } from "../core/transaction.ts";
import { nodeVerifier } from "../platform/node-verifier.ts";
import { DEFAULT_NETWORK, type NetworkOptions } from "./network.ts";
import { INVARIANTS } from "./invariants.ts";
import { scenario, type Plant } from "./scenarios.ts";
import { World, type Failure } from "./world.ts";

export interface SimOptions {
  readonly scenario: string;
  readonly seed: number;
  readonly nodes: number;
  readonly minutes: number;
  readonly trace: boolean;
  readonly plant: Plant | null;
  readonly network?: Partial<NetworkOptions>;
}

export interface Percentiles {
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface SimReport {
  readonly scenario: string;
  readonly seed: number;
  readonly nodes: number;
  readonly minutes: number;
  readonly wallMs: number;
  readonly events: number;
  readonly height: number;
  readonly blocksMined: number;
  readonly stale: number;
  /** Time from a block's first node to half, 90% and all of the honest nodes online then, ms. */
  readonly propagation: { readonly half: Percentiles; readonly most: Percentiles; readonly all: Percentiles };
  readonly convergeAfterHealMs: readonly number[];
  readonly payments: { readonly sent: number; readonly mined: number; readonly waiting: number; readonly refused: number; readonly lost: number; readonly refusedAtSend: number };
  readonly dials: number;
  readonly frames: number;
  readonly bytesPerNode: { readonly mean: number; readonly max: number };
  readonly checks: Readonly<Record<string, number>>;
  /** A digest of every node's tip and the event count: two runs of one seed give the same. */
  readonly digest: string;
  readonly failure: Omit<Failure, "trace"> | null;
  /** The scenario's own figures (World.figures), when it has any. */
  readonly figures?: Readonly<Record<string, unknown>>;
}

export interface SimResult {
  readonly report: SimReport;
  readonly failure: Failure | null;
}

let verifier: Promise<SignatureVerifier> | null = null;

/**
 * libsecp256k1, remembering every verdict across the run's nodes: the same
 * signature has the same verdict at every node, so it is checked once, which
 * is what lets hundreds of nodes share one process.
 */
function sharedVerifier(): Promise<SignatureVerifier> {
  verifier ??= nodeVerifier("libsecp256k1").then((verify) => {
    const verdicts = new Map<string, boolean>();
    return (r) => {
      const key = `${r.address}${r.der}${r.preimage}`;
      let v = verdicts.get(key);
      if (v === undefined) {
        v = verify(r);
        if (verdicts.size > 1_000_000) verdicts.clear();
        verdicts.set(key, v);
      }
      return v;
    };
  });
  return verifier;
}

export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const plan = scenario(options.scenario);
  if (plan === undefined) throw new Error(`no scenario named ${JSON.stringify(options.scenario)}`);
  const started = performance.now();
  const world = new World(options.seed, { ...DEFAULT_NETWORK, ...options.network }, await sharedVerifier(), options.trace);
  plan.build(world, { nodes: options.nodes, minutes: options.minutes, plant: options.plant });
  const end = world.clock.start + options.minutes * 60_000;
  await world.clock.runUntil(end, () => world.failure !== null);
  const fate = world.failure === null ? world.finalChecks() : null;
  const report = summarise(world, options, fate, performance.now() - started);
  for (const n of world.nodes) n.crash();
  return { report, failure: world.failure };
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: Math.round(at(0.5)), p99: Math.round(at(0.99)) };
}

function summarise(world: World, options: SimOptions, fate: ReturnType<World["finalChecks"]>, wallMs: number): SimReport {
  const online = world.online();
  const reference = online[0]?.node ?? null;
  const main = new Set<string>();
  if (reference !== null) for (let h = 1; h <= reference.chain.height; h++) main.add(reference.chain.at(h)!.block.hash);
  const reach = (share: number) => {
    const out: number[] = [];
    for (const seen of world.blocks.values()) {
      const need = Math.ceil(share * seen.online);
      const times = [...seen.times].sort((a, b) => a - b);
      if (need >= 1 && times.length >= need) out.push(times[need - 1]! - seen.first);
    }
    return percentiles(out);
  };
  const traffic = world.nodes.map((n) => {
    const t = world.network.traffic(n.address);
    return t.in + t.out;
  });
  const payments = world.payments;
  const checks: Record<string, number> = {};
  for (const name of INVARIANTS) checks[name] = world.checks.get(name) ?? 0;
  const tips = world.nodes.map((n) => `${n.address}=${n.node?.chain.tip().block.hash ?? "offline"}`).join(",");
  return {
    scenario: options.scenario,
    seed: options.seed,
    nodes: world.nodes.length,
    minutes: options.minutes,
    wallMs: Math.round(wallMs),
    events: world.clock.events,
    height: reference?.chain.height ?? 0,
    blocksMined: world.blocks.size,
    stale: [...world.blocks.keys()].filter((h) => !main.has(h)).length,
    propagation: { half: reach(0.5), most: reach(0.9), all: reach(1) },
    convergeAfterHealMs: world.convergeMs,
    payments: {
      sent: payments?.accepted.length ?? 0,
      mined: fate?.mined ?? 0,
      waiting: fate?.waiting ?? 0,
      refused: fate?.refused ?? 0,
      lost: fate?.lost.length ?? 0,
      refusedAtSend: payments?.refused ?? 0,
    },
    dials: [...world.network.dials.values()].reduce((s, n) => s + n, 0),
    frames: world.network.frames,
    bytesPerNode: { mean: Math.round(traffic.reduce((s, n) => s + n, 0) / Math.max(1, traffic.length)), max: Math.max(0, ...traffic) },
    checks,
    digest: sha256Hex(`${tips}|${world.clock.events}`).slice(0, 16),
    failure: world.failure === null ? null : { invariant: world.failure.invariant, at: world.failure.at - world.clock.start, detail: world.failure.detail },
    ...(world.figures.size > 0 ? { figures: Object.fromEntries([...world.figures].map(([name, figure]) => [name, figure()])) } : {}),
  };
}
