/**
 * One round of each attack class of issue 10, run by a hostile participant
 * (hostile.ts) against the honest nodes of a run, each counting what it cost
 * and what it achieved. The schedule (how often, against whom) is the
 * scenario's (hostile-scenario.ts).
 */
import type { SimClock } from "./clock.ts";
import { forgeBlock, rewardOnly, type ForgedBlock } from "./hostile-blocks.ts";
import { NONSENSE_FRAME, handshakeFrame, junkFrame, liveFrame, recordTold, streamFrame, type HostileCosts, type HostileNode, type Told } from "./hostile.ts";
import type { SimRandom } from "./random.ts";
import type { SimTabnode } from "./tabnode.ts";

export interface HostileWorld {
  readonly clock: SimClock;
  readonly rng: SimRandom;
  /** The honest nodes online now. */
  readonly honest: () => SimTabnode[];
  readonly costs: HostileCosts;
  readonly told: Told;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Junk chain frames: about 100 KB each, a few per round (the first already gets the link cut). */
const JUNK_BYTES = 100_000;
const JUNK_FRAMES = 3;
/** Bad frames after a false claim: the node cuts a link at the fifth within a minute (README, Misbehaviour). */
const BAD_FRAMES = 5;
/** How long links that name addresses are held open: long enough for the named addresses to be dialed and fail. */
const NAMING_LINK_MS = 10 * 60 * SECOND;

/** Honest peers `target` is paired with (links both ways), counted by its inbound or its outbound links; an attacker can pair too, and is not counted. */
function pairedHonest(w: HostileWorld, target: SimTabnode, direction: "in" | "out"): number {
  const node = target.node;
  if (node === null) return 0;
  const honest = new Set(w.honest().map((n) => n.address));
  return node.peerList().filter((p) => p.direction === direction && p.paired && honest.has(p.address!)).length;
}

/** Junk chain streams: SEND_CHAIN frames that are not blocks, to one honest node. */
export function junkStream(w: HostileWorld, from: HostileNode): void {
  const target = w.rng.pick(w.honest());
  if (target === undefined) return;
  w.costs.of("junk-stream").rounds++;
  from.open(target.address, "junk-stream", (link) => {
    for (let i = 0; i < JUNK_FRAMES; i++) from.send(link, junkFrame(JUNK_BYTES));
    from.closeAfter(link, 10 * SECOND);
  });
}

/**
 * A low-work branch off genesis sent as a chain stream (`live` false) or as
 * live REPLACE_CHAIN blocks: the node must keep none of it (too light to
 * matter) or hold it within its bounds (orphans), and verify nothing.
 */
export function lowWork(w: HostileWorld, from: HostileNode, branch: readonly ForgedBlock[], live: boolean): void {
  const target = w.rng.pick(w.honest());
  if (target === undefined) return;
  const cls = live ? "low-work-live" : "low-work-stream";
  w.costs.of(cls).rounds++;
  // The branch is the same every round: only blocks a round adds to what the node holds count as kept by it.
  const held = (): ForgedBlock[] => (target.node === null ? [] : branch.filter((f) => target.node!.chain.get(f.block.hash) !== undefined));
  from.open(target.address, cls, (link) => {
    const before = held().length;
    branch.forEach((f, i) => from.send(link, live ? liveFrame(f) : streamFrame(f, i === branch.length - 1)));
    from.closeAfter(link, 30 * SECOND);
    // What the node made of it, once every frame has arrived.
    w.clock.schedule(() => {
      const node = target.node;
      if (node === null) return;
      const after = held();
      w.costs.note(cls, "blocksKept", Math.max(0, after.length - before));
      w.costs.note(cls, "blocksNotKept", branch.length - after.length);
      w.costs.note(cls, "adopted", after.some((f) => node.chain.isMain(node.chain.get(f.block.hash)!)) ? 1 : 0);
      w.costs.peak(cls, "peakOrphansHeld", node.bounds().orphans.blocks);
    }, 20 * SECOND);
  });
}

/**
 * A block on the best tip stamped `aheadMs` in the future (the rules allow
 * 120 s; the rest is room for the way), sent live to 3 honest nodes. Its
 * proof of work is real, at the difficulty in force, and found at once: at
 * the difficulties this network reaches (3 to 5) that is at most about a
 * million hashes, a fraction of a second here. So this attacker has as much
 * hash rate as it likes, and the scenario decides how often it finds a
 * block: the class is about what a tip stamped ahead does to the honest
 * miners, not about who has the hash rate. It reads the tip from an honest
 * node: an attacker that listens hears every block within a second.
 */
export function futureStamp(w: HostileWorld, from: HostileNode, aheadMs: number, wallet: string, sent: Set<string>): void {
  const honest = w.honest();
  const view = w.rng.pick(honest)?.node ?? null;
  if (view === null) return;
  const now = w.clock.now;
  const tip = view.chain.tip();
  const stamp = Math.max(now + aheadMs, tip.timestamp + 1);
  // A tip stamped further ahead still leaves no stamp within the allowance: wait for the next round.
  if (stamp > now + aheadMs + 10 * SECOND) return;
  const random = (n: number) => w.rng.bytes(n);
  const f = forgeBlock(tip.block.hash, stamp, rewardOnly(wallet, random), view.chain.difficulty(), random);
  sent.add(f.block.hash);
  w.costs.of("future-stamp").rounds++;
  for (const target of w.rng.sample(honest, 3)) {
    from.open(target.address, "future-stamp", (link) => {
      from.send(link, liveFrame(f));
      from.closeAfter(link, 5 * SECOND);
    });
  }
}

/**
 * A false identity: a link to A that claims to be B (an honest peer A is
 * paired with), then bad frames. The link must pay; B must keep its links
 * with A and must not be banned there.
 */
export function identityClaim(w: HostileWorld, from: HostileNode): void {
  const honest = w.honest();
  const addresses = new Set(honest.map((n) => n.address));
  const victims = honest.filter((n) => n.node!.connections.provenAddresses().some((a) => addresses.has(a)));
  const a = w.rng.pick(victims);
  if (a === undefined) return;
  const b = w.rng.pick(a.node!.connections.provenAddresses().filter((x) => addresses.has(x)));
  w.costs.of("identity-claim").rounds++;
  from.open(
    a.address,
    "identity-claim",
    (link) => {
      from.send(link, handshakeFrame([b]));
      for (let i = 0; i < BAD_FRAMES; i++) from.send(link, NONSENSE_FRAME);
      from.closeAfter(link, 30 * SECOND);
    },
    () =>
      // Once the link is cut: B still paired with A, and not banned there?
      w.clock.schedule(() => {
        const node = a.node;
        if (node === null) return;
        if (!node.connections.peers.isPaired(b)) w.costs.note("identity-claim", "thirdPartyUnpaired");
        if (node.connections.book.isBanned(b, w.clock.now)) w.costs.note("identity-claim", "thirdPartyBanned");
      }, 5 * SECOND),
  );
}

/**
 * Slot filling with idle links: `count` links to one node that never say a
 * word, each one the node lets go opened again after a few seconds, for
 * `forMs`. The node's honest inbound peers are sampled meanwhile.
 */
export function idleCrowd(w: HostileWorld, from: HostileNode, target: SimTabnode, count: number, forMs: number): void {
  const until = w.clock.now + forMs;
  const cls = "idle-slots";
  w.costs.of(cls).rounds++;
  const before = pairedHonest(w, target, "in");
  w.costs.note(cls, "honestInboundBefore", before);
  let least = before;
  const openOne = (): void => {
    if (w.clock.now >= until) return;
    from.open(
      target.address,
      cls,
      (link) => from.closeAfter(link, until - w.clock.now),
      () => void w.clock.schedule(openOne, w.rng.int(5 * SECOND, 10 * SECOND)),
    );
  };
  for (let i = 0; i < count; i++) openOne();
  const sample = (): void => {
    least = Math.min(least, pairedHonest(w, target, "in"));
    if (w.clock.now < until) w.clock.schedule(sample, 10 * SECOND);
    else w.costs.least(cls, "honestInboundLeast", least);
  };
  w.clock.schedule(sample, 10 * SECOND);
  // Does the node find its peers again on its own afterwards?
  w.clock.schedule(() => w.costs.note(cls, "honestInboundAfter2Min", pairedHonest(w, target, "in")), forMs + 120 * SECOND);
}

/**
 * Slot filling with addresses: a handshake naming the attacker (so the link
 * is not cut for naming nobody) and then `silent` addresses of servers that
 * accept and never link back. While the naming link is open the node is
 * sampled every 10 s: its outbound links to silent servers (the most at
 * once, the slot-seconds they held, the last time one was seen) and, from
 * the first minute on, the fewest honest peers it was paired with.
 */
export function silentNames(w: HostileWorld, from: HostileNode, target: SimTabnode, silent: readonly string[]): void {
  const cls = "silent-names";
  const every = 10 * SECOND;
  w.costs.of(cls).rounds++;
  const names = new Set(silent);
  const since = w.clock.now;
  from.open(target.address, cls, (link) => {
    from.send(link, handshakeFrame([from.address, ...silent]));
    recordTold(w.told, target.address, silent, w.clock.now);
    from.closeAfter(link, NAMING_LINK_MS);
  });
  let samples = 0;
  let least = Infinity;
  const sample = (): void => {
    const held = (target.node?.peerList() ?? []).filter((p) => p.direction === "out" && p.address !== null && names.has(p.address)).length;
    w.costs.peak(cls, "peakSlotsHeldBySilent", held);
    w.costs.note(cls, "silentSlotSeconds", (held * every) / SECOND);
    if (held > 0) w.costs.peak(cls, "lastSilentSlotAfterS", Math.round((w.clock.now - since) / SECOND));
    if (w.clock.now - since >= MINUTE) least = Math.min(least, pairedHonest(w, target, "out"));
    if (++samples < NAMING_LINK_MS / every) w.clock.schedule(sample, every);
    else w.costs.least(cls, "honestPairedLeast", least);
  };
  w.clock.schedule(sample, every);
}

/**
 * Dead-address gossip: a handshake naming addresses where nothing listens,
 * to each of `targets`; the first is claimed as the link's own (so each
 * target dials it back at once, as JeChain nodes expect), the rest are
 * named as peers.
 */
export function deadGossip(w: HostileWorld, from: HostileNode, targets: readonly SimTabnode[], dead: readonly string[]): void {
  const cls = "dead-gossip";
  w.costs.of(cls).rounds++;
  for (const target of targets) {
    from.open(target.address, cls, (link) => {
      from.send(link, handshakeFrame(dead));
      recordTold(w.told, target.address, dead, w.clock.now);
      from.closeAfter(link, NAMING_LINK_MS);
    });
  }
}

/**
 * A claimed proof: a link to `target` that names `address` (a server that
 * accepts links and never says a word) as its own. The node dials it back,
 * the dial opens, and a link claims the address: to the node the pair is
 * complete, so the address counts as proven though it never linked back.
 * Held open for `holdMs`.
 */
export function claimedProof(w: HostileWorld, from: HostileNode, target: SimTabnode, address: string, holdMs: number): void {
  const cls = "claimed-proof";
  w.costs.of(cls).rounds++;
  from.open(target.address, cls, (link) => {
    from.send(link, handshakeFrame([address]));
    recordTold(w.told, target.address, [address], w.clock.now);
    from.closeAfter(link, holdMs);
  });
}
