/**
 * Hostile participants on the simulated network, from the attack classes of
 * issue 10. Each is an endpoint of its own (an address and a host, so the
 * honest nodes see a provable origin, as a native node sees a stranger's IP)
 * that speaks the wire format by hand: what an honest node is fed here is
 * what any stranger could send. What each attack class cost the attacker and
 * the network is counted as it goes (`HostileCosts`), and every address
 * named to an honest node is recorded with whom it was told to and when
 * (`told`), for the invariant "hostile-dials-bounded".
 */
import { encodeFrame, MessageType } from "../protocol/messages.ts";
import type { Link, LinkHandler, Transport } from "../node/transport.ts";
import type { SimClock } from "./clock.ts";
import type { ForgedBlock } from "./hostile-blocks.ts";
import type { SimNetwork } from "./network.ts";

export const ATTACK_CLASSES = ["junk-stream", "low-work-stream", "low-work-live", "future-stamp", "identity-claim", "idle-slots", "silent-names", "dead-gossip", "claimed-proof"] as const;
export type AttackClass = (typeof ATTACK_CLASSES)[number];

/**
 * Each class's own figures (what it achieved, or failed to), reported from
 * the first round on even when they stay 0: a 0 is the finding for most.
 */
const EFFECTS: Readonly<Record<AttackClass, readonly string[]>> = {
  "junk-stream": [],
  "low-work-stream": ["blocksKept", "blocksNotKept", "adopted", "peakOrphansHeld"],
  "low-work-live": ["blocksKept", "blocksNotKept", "adopted", "peakOrphansHeld"],
  "future-stamp": [],
  "identity-claim": ["thirdPartyUnpaired", "thirdPartyBanned"],
  "idle-slots": ["honestInboundBefore", "honestInboundLeast", "honestInboundAfter2Min"],
  "silent-names": ["peakSlotsHeldBySilent", "silentSlotSeconds", "lastSilentSlotAfterS", "honestPairedLeast"],
  "dead-gossip": [],
  "claimed-proof": [],
};

/** What one attack class did and what it cost: the attacker's links and frames, and who cut it off. */
export interface ClassCost {
  rounds: number;
  /** Links the attacker opened that reached an honest node, and frames and bytes it sent on them. */
  links: number;
  frames: number;
  bytes: number;
  /** Links an honest node closed before the attacker did, by the close reason. */
  cut: number;
  readonly cutWhy: Map<string, number>;
  /** The honest nodes that cut such a link. */
  readonly cutBy: Set<string>;
  /** Figures of the class's own (EFFECTS). */
  readonly effect: Map<string, number>;
}

export class HostileCosts {
  readonly byClass = new Map<AttackClass, ClassCost>(
    ATTACK_CLASSES.map((c) => [c, { rounds: 0, links: 0, frames: 0, bytes: 0, cut: 0, cutWhy: new Map(), cutBy: new Set(), effect: new Map(EFFECTS[c].map((e) => [e, 0])) }]),
  );
  /** Figures `least` has set once (before that, their 0 is a placeholder, not a value seen). */
  private readonly seenLeast = new Set<string>();

  of(cls: AttackClass): ClassCost {
    return this.byClass.get(cls)!;
  }

  /** Adds `n` to one of a class's own figures. */
  note(cls: AttackClass, what: string, n = 1): void {
    const effect = this.of(cls).effect;
    effect.set(what, (effect.get(what) ?? 0) + n);
  }

  /** The largest value seen of a class's figure. */
  peak(cls: AttackClass, what: string, n: number): void {
    const effect = this.of(cls).effect;
    effect.set(what, Math.max(effect.get(what) ?? 0, n));
  }

  /** The smallest value seen of a class's figure (the first value seen replaces the initial 0). */
  least(cls: AttackClass, what: string, n: number): void {
    const effect = this.of(cls).effect;
    const key = `${cls} ${what}`;
    effect.set(what, this.seenLeast.has(key) ? Math.min(effect.get(what)!, n) : n);
    this.seenLeast.add(key);
  }

  /** For the report: plain data, for the classes that ran. */
  summary(): Record<string, ClassSummary> {
    const out: Record<string, ClassSummary> = {};
    for (const [cls, c] of this.byClass) {
      if (c.rounds === 0) continue;
      const { rounds, links, frames, bytes, cut } = c;
      out[cls] = { rounds, links, frames, bytes, cut, cutBy: c.cutBy.size, cutWhy: Object.fromEntries(c.cutWhy), effect: Object.fromEntries(c.effect) };
    }
    return out;
  }
}

/** One class's figures in the report. */
export interface ClassSummary {
  readonly rounds: number;
  readonly links: number;
  readonly frames: number;
  readonly bytes: number;
  readonly cut: number;
  readonly cutBy: number;
  readonly cutWhy: Readonly<Record<string, number>>;
  readonly effect: Readonly<Record<string, number>>;
}

/**
 * Addresses named to honest nodes by hostile participants: address -> honest
 * node -> when it was first told. Honest nodes pass on only addresses proven
 * to them (README, Strangers), so for an address nobody can prove, this is
 * every node that can know of it (scenario "claimed-proof" shows a way to
 * "prove" one without its help).
 */
export type Told = Map<string, Map<string, number>>;

interface Plan {
  readonly cls: AttackClass;
  readonly target: string;
  readonly onOpen: (link: Link) => void;
  /** Called when an honest node closed the link (or the dial failed). */
  readonly onCut: () => void;
  open: boolean;
  /** The attacker closed it itself: not a cut. */
  closing: boolean;
}

/** An attacker: one address, one host; the links it opens carry what an attack class sends. */
export class HostileNode implements LinkHandler {
  private readonly transport: Transport;
  private readonly plans = new Map<number, Plan>();
  /** Links honest nodes opened to it (dial-backs): it hears them and answers nothing. */
  dialedBack = 0;

  constructor(
    readonly address: string,
    readonly host: string,
    network: SimNetwork,
    private readonly clock: SimClock,
    private readonly costs: HostileCosts,
  ) {
    this.transport = network.attach(address, this, host);
  }

  /** Dials an honest node for an attack class; `onOpen` runs once the link is open, `onCut` if the node closes it. */
  open(target: string, cls: AttackClass, onOpen: (link: Link) => void = () => {}, onCut: () => void = () => {}): Link {
    const link = this.transport.dial(target);
    this.plans.set(link.id, { cls, target, onOpen, onCut, open: false, closing: false });
    return link;
  }

  /** Sends a frame on one of its links, counted against the link's class. */
  send(link: Link, text: string): void {
    const plan = this.plans.get(link.id);
    if (plan?.open !== true) return;
    const cost = this.costs.of(plan.cls);
    cost.frames++;
    cost.bytes += text.length;
    link.send(text);
  }

  /** Closes one of its links after `ms` (if still open): the attacker leaving, not a cut. */
  closeAfter(link: Link, ms: number): void {
    this.clock.schedule(() => {
      const plan = this.plans.get(link.id);
      if (plan === undefined) return;
      plan.closing = true;
      link.close(1000, "attacker leaves");
    }, ms);
  }

  opened(link: Link): void {
    if (link.direction === "in") {
      this.dialedBack++;
      return;
    }
    const plan = this.plans.get(link.id);
    if (plan === undefined) return;
    plan.open = true;
    this.costs.of(plan.cls).links++;
    plan.onOpen(link);
  }

  message(): void {}

  closed(link: Link, why: string): void {
    const plan = this.plans.get(link.id);
    if (plan === undefined) return;
    this.plans.delete(link.id);
    if (plan.closing) return;
    if (plan.open) {
      const cost = this.costs.of(plan.cls);
      cost.cut++;
      cost.cutWhy.set(why, (cost.cutWhy.get(why) ?? 0) + 1);
      cost.cutBy.add(plan.target);
    }
    plan.onCut();
  }
}

/** A server that accepts every link and never says a word, nor links back: an address that fills a slot and serves nothing. */
export class SilentEndpoint implements LinkHandler {
  accepted = 0;

  constructor(
    readonly address: string,
    network: SimNetwork,
  ) {
    network.attach(address, this, address.replace(/^ws:\/\/|:\d+$/g, ""));
  }

  opened(): void {
    this.accepted++;
  }

  message(): void {}
  closed(): void {}
}

// ---- frames ----------------------------------------------------------------------

/** A SEND_CHAIN frame of about `bytes` whose "block" is no block at all. */
export function junkFrame(bytes: number): string {
  const head = `{"type":"${MessageType.SendChain}","data":{"block":{"junk":"`;
  const tail = '"},"finished":false}}';
  return head + "x".repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

/** A frame no node understands (an unknown type): one bad frame, one strike. */
export const NONSENSE_FRAME = '{"type":"TYPE_NONSENSE","data":0}';

export const handshakeFrame = (addresses: readonly string[]): string => encodeFrame(MessageType.Handshake, [...addresses]);

export const streamFrame = (f: ForgedBlock, finished: boolean): string => encodeFrame(MessageType.SendChain, { block: f.block, finished, difficulty: f.announced });

export const liveFrame = (f: ForgedBlock): string => encodeFrame(MessageType.ReplaceChain, [f.block, f.announced]);

/** Records that `node` was told of `addresses` now (first time only). */
export function recordTold(told: Told, node: string, addresses: readonly string[], now: number): void {
  for (const a of addresses) {
    let nodes = told.get(a);
    if (nodes === undefined) told.set(a, (nodes = new Map()));
    if (!nodes.has(node)) nodes.set(node, now);
  }
}
